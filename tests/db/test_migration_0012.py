"""Migration 0012 (who pressed each lead status, undone changes) up and down, on SQLite and,
when ``TEST_DATABASE_URL`` is set, on PostgreSQL: a status change saved before it keeps its
data, with no name and not undone; the ORM then reads and writes the new columns; downgrading
drops them and upgrading again works."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from db import migrate
from db.engine import Database
from db.models import LeadStatusChange

UNDONE = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
NEW_COLUMNS = {"by_name", "undone_at"}


async def _columns(url: str) -> set[str]:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(
            lambda sync: {c["name"] for c in inspect(sync).get_columns("lead_status_changes")}
        )
    await engine.dispose()
    return names


async def _insert_old_change(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text(
            "INSERT INTO leads (status, occupation, regency_code, province_code, branch_code, "
            "contact_time, language, phone_is_own, created_at, updated_at, reminders_sent) "
            "VALUES ('diambil', 'petani', '35.24', '35', 'KC-X', 'pagi', 'id', true, "
            "'2026-11-20 05:00:00+00:00', '2026-11-20 05:00:00+00:00', 0)"
        ))
        lead_id = (await connection.execute(text("SELECT max(id) FROM leads"))).scalar_one()
        await connection.execute(text(
            "INSERT INTO lead_status_changes (lead_id, status, by_telegram_id, at) "
            f"VALUES ({lead_id}, 'diambil', 4242, '2026-11-20 05:01:00+00:00')"
        ))
    await engine.dispose()


async def _check_orm(url: str) -> None:
    db = Database(url)
    try:
        async with db.transaction() as session:
            old = (await session.execute(select(LeadStatusChange))).scalar_one()
            assert old.status == "diambil" and old.by_telegram_id == 4242
            assert old.by_name is None and old.undone_at is None
            old.by_name, old.undone_at = "Budi Santoso", UNDONE
        async with db.transaction() as session:
            again = (await session.execute(select(LeadStatusChange))).scalar_one()
            assert again.by_name == "Budi Santoso" and again.undone_at == UNDONE
    finally:
        await db.dispose()


def test_0012_up_and_down(empty_database: str) -> None:
    url = empty_database
    migrate.upgrade(url, "0011")
    assert not NEW_COLUMNS & asyncio.run(_columns(url))
    asyncio.run(_insert_old_change(url))
    migrate.upgrade(url, "0012")
    assert asyncio.run(_columns(url)) >= NEW_COLUMNS
    asyncio.run(_check_orm(url))
    command.downgrade(migrate.alembic_config(url), "0011")
    assert not NEW_COLUMNS & asyncio.run(_columns(url))
    migrate.upgrade(url, "head")
    assert asyncio.run(_columns(url)) >= NEW_COLUMNS
