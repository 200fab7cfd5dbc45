"""Exactly-once handling of webhook updates across bot processes."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import utcnow
from db.engine import Database
from db.repositories.updates import ProcessedUpdateRepository

KEEP_FOR = timedelta(days=1)


async def first_delivery(db: Database, update_id: int, now: datetime | None = None) -> bool:
    async with db.transaction() as session:
        return await ProcessedUpdateRepository(session).claim(update_id, now or utcnow())


async def prune(db: Database, now: datetime | None = None) -> None:
    async with db.transaction() as session:
        await ProcessedUpdateRepository(session).prune((now or utcnow()) - KEEP_FOR)
