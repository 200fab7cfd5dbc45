"""Migration 0011 (scheduled broadcasts, quiet hours) up and down, on SQLite and, when
``TEST_DATABASE_URL`` is set, on PostgreSQL: a broadcast saved before it keeps its data, is
not scheduled and not forced; the ORM then reads and writes the new columns; downgrading drops
them and upgrading again works."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from db import migrate
from db.engine import Database
from db.models import Broadcast

SCHEDULED = datetime(2026, 12, 24, 2, 0, tzinfo=UTC)


async def _execute(url: str, statement: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text(statement))
    await engine.dispose()


async def _columns(url: str) -> set[str]:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(
            lambda sync: {c["name"] for c in inspect(sync).get_columns("broadcasts")}
        )
    await engine.dispose()
    return names


async def _check_orm(url: str) -> None:
    db = Database(url)
    try:
        async with db.transaction() as session:
            old = (await session.execute(select(Broadcast))).scalar_one()
            assert old.text == "sebelum 0011" and old.status == "done"
            assert old.scheduled_at is None and old.ignore_quiet_hours is False
            old.scheduled_at, old.ignore_quiet_hours = SCHEDULED, True
        async with db.transaction() as session:
            again = (await session.execute(select(Broadcast))).scalar_one()
            assert again.scheduled_at == SCHEDULED and again.ignore_quiet_hours is True
    finally:
        await db.dispose()


def test_0011_up_and_down(empty_database: str) -> None:
    url = empty_database
    migrate.upgrade(url, "0010")
    assert not {"scheduled_at", "ignore_quiet_hours"} & asyncio.run(_columns(url))
    asyncio.run(_execute(url, (
        "INSERT INTO broadcasts (text, segment, status, created_by, preview_chat_id, "
        "audience_size, recipient_count, created_at) VALUES ('sebelum 0011', '{}', 'done', "
        "'akun:ani', 42, 3, 3, '2026-11-20 05:00:00+00:00')"
    )))
    migrate.upgrade(url, "0011")
    assert {"scheduled_at", "ignore_quiet_hours"} <= asyncio.run(_columns(url))
    asyncio.run(_check_orm(url))
    command.downgrade(migrate.alembic_config(url), "0010")
    assert not {"scheduled_at", "ignore_quiet_hours"} & asyncio.run(_columns(url))
    migrate.upgrade(url, "head")
    assert {"scheduled_at", "ignore_quiet_hours"} <= asyncio.run(_columns(url))
