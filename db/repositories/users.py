from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ConversationState, User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_telegram_id(self, telegram_id: int) -> User | None:
        result = await self.session.execute(select(User).where(User.telegram_id == telegram_id))
        return result.scalar_one_or_none()

    async def by_telegram_id_with_flow(self, telegram_id: int) -> tuple[User | None, str | None]:
        query = (
            select(User, ConversationState.flow)
            .outerjoin(ConversationState, ConversationState.user_id == User.id)
            .where(User.telegram_id == telegram_id)
        )
        row = (await self.session.execute(query)).first()
        return (None, None) if row is None else (row[0], row[1])

    async def add(self, telegram_id: int, language: str, now: datetime) -> User:
        user = User(
            telegram_id=telegram_id,
            language=language,
            language_chosen=False,
            first_seen=now,
            last_seen=now,
        )
        self.session.add(user)
        await self.session.flush()
        return user
