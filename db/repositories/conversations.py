"""Where each user is in a multi-step conversation: one row per user, read and written on most
updates of a registration. Plain statements rather than ORM objects: the row is small, read
once and written at most once per update, and the ORM's unit of work would cost more than the
statements themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ConversationState
from db.repositories.upsert import conflict_insert

_STATES = cast(Table, ConversationState.__table__)
_c = _STATES.c


@dataclass(frozen=True)
class Conversation:
    """A user's conversation as stored (a snapshot: write changes back with ``update``)."""

    user_id: int
    flow: str
    step: str
    data: dict[str, Any]
    updated_at: datetime
    # Bumped on every write: two processes racing on one user cannot both apply a step.
    version: int


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int, *, for_update: bool = False) -> Conversation | None:
        query = select(_c.user_id, _c.flow, _c.step, _c.data, _c.updated_at, _c.version).where(
            _c.user_id == user_id
        )
        if for_update:
            # PostgreSQL: serialise two processes handling the same user; SQLite ignores it
            # (its writes are serialised anyway).
            query = query.with_for_update()
        row = (await self.session.execute(query)).first()
        return None if row is None else Conversation(*row)

    async def put(
        self, user_id: int, flow: str, step: str, data: dict[str, Any], now: datetime
    ) -> None:
        """Start (or restart) ``flow`` at ``step``, replacing whatever conversation was there."""
        values = {"flow": flow, "step": step, "data": data, "updated_at": now}
        statement = conflict_insert(self.session, _STATES).values(
            user_id=user_id, version=1, **values
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[_c.user_id], set_={**values, "version": _c.version + 1}
            )
        )

    async def update(
        self, current: Conversation, step: str, data: dict[str, Any], now: datetime
    ) -> None:
        """Move a conversation read in this transaction on to ``step``."""
        await self.session.execute(
            update(_STATES)
            .where(_c.user_id == current.user_id)
            .values(step=step, data=data, updated_at=now, version=_c.version + 1)
        )

    async def remove(self, user_id: int) -> bool:
        result = await self.session.execute(delete(_STATES).where(_c.user_id == user_id))
        return bool(getattr(result, "rowcount", 0))
