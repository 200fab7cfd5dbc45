from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ConversationState


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int, *, for_update: bool = False) -> ConversationState | None:
        query = select(ConversationState).where(ConversationState.user_id == user_id)
        if for_update:
            # PostgreSQL: serialise two processes handling the same user; SQLite ignores it
            # (its writes are serialised anyway).
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def put(
        self, user_id: int, flow: str, step: str, data: dict[str, Any], now: datetime
    ) -> None:
        row = await self.get(user_id)
        if row is None:
            self.session.add(
                ConversationState(user_id=user_id, flow=flow, step=step, data=data, updated_at=now)
            )
            return
        row.flow = flow
        self.update(row, step, data, now)

    @staticmethod
    def update(row: ConversationState, step: str, data: dict[str, Any], now: datetime) -> None:
        """Move a row already loaded in this session (no second read of it)."""
        row.step, row.data, row.updated_at = step, data, now
        row.version += 1

    async def remove(self, user_id: int) -> bool:
        result = await self.session.execute(
            delete(ConversationState).where(ConversationState.user_id == user_id)
        )
        return bool(getattr(result, "rowcount", 0))
