"""Questions the bot could not answer, kept (masked, truncated) for the Tak terjawab page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import UnansweredQuestion


class UnansweredQuestionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(
        self,
        *,
        user_id: int,
        text: str,
        best_topic: str | None,
        confidence: float | None,
        now: datetime,
    ) -> None:
        self.session.add(
            UnansweredQuestion(
                user_id=user_id,
                text=text,
                normalized=text.lower(),
                best_topic=best_topic,
                confidence=confidence,
                created_at=now,
            )
        )

    async def count_for_user(self, user_id: int) -> int:
        count = await self.session.execute(
            select(func.count())
            .select_from(UnansweredQuestion)
            .where(UnansweredQuestion.user_id == user_id)
        )
        return int(count.scalar_one())

    async def delete_for_user(self, user_id: int) -> None:
        await self.session.execute(
            delete(UnansweredQuestion).where(UnansweredQuestion.user_id == user_id)
        )
