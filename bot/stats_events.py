"""Recording a single analytics event in its own short transaction (for handlers whose action
has no other database write to piggyback on)."""

from __future__ import annotations

from typing import Any

from bot.clock import utcnow
from db.engine import UnitOfWork
from db.repositories.events import EventRepository


async def record_event(
    uow: UnitOfWork,
    kind: str,
    user_id: int | None,
    *,
    topic: str | None = None,
    confidence: float | None = None,
    language: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    await EventRepository(uow).add(
        kind,
        user_id=user_id,
        at=utcnow(),
        topic=topic,
        confidence=confidence,
        language=language,
        details=details,
    )
