from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.models import ConversationState, User

_USERS = cast(Table, User.__table__)
_CONVERSATIONS = cast(Table, ConversationState.__table__)
_users = _USERS.c
_conversations = _CONVERSATIONS.c
# Read on every update: plain columns of the tables (not ORM entities), the cheapest query
# SQLAlchemy runs, with the user's conversation joined in so that routing needs no second one.
_SEEN_QUERY = select(
    _users.id,
    _users.language,
    _users.language_chosen,
    _users.last_seen,
    _users.blocked_at,
    _conversations.flow,
).select_from(
    _USERS.outerjoin(_CONVERSATIONS, _conversations.user_id == _users.id)
).where(_users.telegram_id == bindparam("telegram_id"))  # built once: no per-call compiling


@dataclass(frozen=True)
class SeenUser:
    """What every update needs of its user, read without loading the ORM object."""

    id: int
    language: str
    language_chosen: bool
    last_seen: datetime
    blocked_at: datetime | None
    flow: str | None


async def read_seen(
    executor: AsyncSession | AsyncConnection, telegram_id: int
) -> SeenUser | None:
    """The user with their conversation; on a plain connection too (no session needed)."""
    row = (await executor.execute(_SEEN_QUERY, {"telegram_id": telegram_id})).first()
    return None if row is None else SeenUser(*row)


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_telegram_id(self, telegram_id: int) -> User | None:
        result = await self.session.execute(select(User).where(User.telegram_id == telegram_id))
        return result.scalar_one_or_none()

    async def set_fields(self, user_id: int, **values: Any) -> None:
        statement = update(_USERS).where(_users.id == user_id).values(**values)
        await self.session.execute(statement)

    async def create(self, telegram_id: int, language: str, now: datetime) -> int:
        """A new user's id (a plain INSERT: the per-update path has no use for the object)."""
        statement = (
            insert(_USERS)
            .values(
                telegram_id=telegram_id,
                language=language,
                language_chosen=False,
                first_seen=now,
                last_seen=now,
            )
            .returning(_users.id)
        )
        return int((await self.session.execute(statement)).scalar_one())

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
