"""Exactly-once handling of webhook updates across bot processes."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import utcnow
from db.engine import UnitOfWork
from db.repositories.updates import ProcessedUpdateRepository

KEEP_FOR = timedelta(days=1)


async def first_delivery(uow: UnitOfWork, update_id: int, now: datetime | None = None) -> bool:
    return await ProcessedUpdateRepository(uow).claim(update_id, now or utcnow())


async def prune(uow: UnitOfWork, now: datetime | None = None) -> None:
    await ProcessedUpdateRepository(uow).prune((now or utcnow()) - KEEP_FOR)
