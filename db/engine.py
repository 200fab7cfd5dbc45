"""Engine and session factory: one :class:`Database` per process, one session per update."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from db import sqlite_driver

# The one calling convention of the domain (issue #14): every public domain function takes
# ``uow: UnitOfWork`` first and never opens a transaction itself. Its caller (a handler, CLI
# command, dashboard view, runner or sender) opens exactly one, ``async with db.transaction() as
# uow``, and passes it in; work that must commit part-way (leases, a slow step between reads and
# writes) is split so that the caller sequences the units. Domain functions reach tables through
# repositories built on it, so the domain names this type rather than SQLAlchemy's; one that
# needs the dialect reads ``uow.get_bind().dialect.name``. No public domain function takes the
# ``Database`` (tests/unit/test_unit_of_work_convention.py).
UnitOfWork = AsyncSession

# How long a unit of work waits for SQLite's one connection before it fails.
SQLITE_POOL_TIMEOUT_S = 30.0


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        if self.is_sqlite:
            _ensure_sqlite_directory(url)
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            # One connection: SQLite has one writer anyway, and sessions waiting in the pool
            # queue in order, where many connections would poll in SQLite's busy handler (and
            # fail with "database is locked" past busy_timeout under load).
            kwargs.update(
                pool_size=1,
                max_overflow=0,
                pool_timeout=SQLITE_POOL_TIMEOUT_S,
                async_creator=_sqlite_connector(url),
            )
        else:
            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: commits on success, rolls back on any error."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        """A plain connection for a read that needs no unit of work (cheaper than a session:
        for the read every update starts with)."""
        async with self.engine.connect() as connection:
            yield connection

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_connector(url: str) -> Callable[[], Awaitable[Any]]:
    # The same connect arguments SQLAlchemy's own aiosqlite dialect derives from the URL.
    parsed = make_url(url)
    args, kwargs = parsed.get_dialect()().create_connect_args(parsed)
    return sqlite_driver.connector(args, dict(kwargs))


def _ensure_sqlite_directory(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the dashboard read while the bot writes; busy_timeout rides out short write locks
    # instead of failing an update with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
