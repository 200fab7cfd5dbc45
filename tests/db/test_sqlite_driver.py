"""SQLite through db.sqlite_driver (one thread hop per statement, one pooled connection): the
DBAPI behaviour SQLAlchemy relies on, and many concurrent units of work queueing in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, text

from db.engine import Database
from db.sqlite_driver import BatchedConnection

metadata = MetaData()
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", String(50), unique=True),
)


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield database
    await database.dispose()


async def count(database: Database) -> int:
    async with database.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(notes))).scalar_one())


async def test_the_engine_uses_the_batched_connection(sqlite: Database) -> None:
    async with sqlite.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, BatchedConnection)
        journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar_one()
        assert journal == "wal"  # the engine's pragmas ran through the driver's cursor


async def test_rows_rowcount_and_lastrowid(sqlite: Database) -> None:
    async with sqlite.transaction() as session:
        first = await session.execute(insert(notes).values(body="satu"))
        assert first.inserted_primary_key == (1,)  # from cursor.lastrowid
        await session.execute(insert(notes), [{"body": "dua"}, {"body": "tiga"}])  # executemany
        changed = await session.execute(
            text("UPDATE notes SET body = body || '!' WHERE id > :id"), {"id": 1}
        )
        assert changed.rowcount == 2  # type: ignore[attr-defined]
    async with sqlite.transaction() as session:
        rows = (await session.execute(select(notes.c.body).order_by(notes.c.id))).scalars()
        assert list(rows) == ["satu", "dua!", "tiga!"]
        streamed = await session.stream(select(notes.c.id).order_by(notes.c.id))
        assert [row.id async for row in streamed] == [1, 2, 3]


async def test_a_failed_unit_of_work_leaves_nothing(sqlite: Database) -> None:
    with pytest.raises(RuntimeError):
        async with sqlite.transaction() as session:
            await session.execute(insert(notes).values(body="setengah"))
            raise RuntimeError("the update failed half-way")
    assert await count(sqlite) == 0
    with pytest.raises(Exception, match="UNIQUE"):
        async with sqlite.transaction() as session:
            await session.execute(insert(notes).values(body="kembar"))
            await session.execute(insert(notes).values(body="kembar"))
    assert await count(sqlite) == 0
    async with sqlite.transaction() as session:  # the connection is usable again
        await session.execute(insert(notes).values(body="utuh"))
    assert await count(sqlite) == 1


async def test_concurrent_units_of_work_queue_without_locking_errors(sqlite: Database) -> None:
    async def write(n: int) -> None:
        async with sqlite.transaction() as session:
            before = await count_in(session)
            await asyncio.sleep(0)  # let the others try to get in between
            await session.execute(insert(notes).values(body=f"n{n}"))
            assert await count_in(session) == before + 1  # nobody wrote in between

    async def count_in(session: object) -> int:
        result = await session.execute(select(func.count()).select_from(notes))  # type: ignore[attr-defined]
        return int(result.scalar_one())

    await asyncio.gather(*(write(n) for n in range(200)))
    assert await count(sqlite) == 200
