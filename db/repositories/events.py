from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Event


class EventRepository:
    """Appends analytics events inside the caller's transaction (no extra round trip)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(
        self,
        kind: str,
        *,
        user_id: int | None,
        at: datetime,
        topic: str | None = None,
        confidence: float | None = None,
        language: str | None = None,
        branch_code: str | None = None,
        regency_code: str | None = None,
        province_code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.session.add(
            Event(
                kind=kind,
                user_id=user_id,
                created_at=at,
                topic=topic,
                confidence=confidence,
                language=language,
                branch_code=branch_code,
                regency_code=regency_code,
                province_code=province_code,
                details=details,
            )
        )
