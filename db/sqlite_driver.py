"""aiosqlite with one thread hop per statement, for SQLAlchemy's ``sqlite+aiosqlite`` dialect.

aiosqlite runs the sqlite3 connection in a worker thread and hops to it, and back to the event
loop, for every call: SQLAlchemy's adapter makes four per statement (open a cursor, execute,
fetch, close) and one per commit or rollback, even when no transaction is open. On this bot's
hot path (a user lookup and one small write per update) those hops cost more CPU than SQLite
itself. Here a statement is executed, fetched and closed in one hop; commit and rollback skip
the hop when SQLite has no transaction open. Everything else is aiosqlite's own.

Plugged in with ``create_async_engine(..., async_creator=...)`` (see ``db.engine``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

import aiosqlite

Description = tuple[tuple[Any, ...], ...] | None


class BatchedCursor:
    """The part of aiosqlite's Cursor that SQLAlchemy uses, with the rows fetched up front."""

    arraysize = 1

    def __init__(self, connection: BatchedConnection) -> None:
        self._connection = connection
        self._rows: list[Any] = []
        self.description: Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> BatchedCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        return None

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> BatchedCursor:
        raw = self._connection.raw

        def run(cursor: sqlite3.Cursor) -> None:
            cursor.execute(sql, () if parameters is None else parameters)

        await self._run(raw, run)
        return self

    async def executemany(self, sql: str, parameters: Sequence[Sequence[Any]]) -> BatchedCursor:
        raw = self._connection.raw

        def run(cursor: sqlite3.Cursor) -> None:
            cursor.executemany(sql, parameters)

        await self._run(raw, run)
        return self

    async def _run(
        self, raw: sqlite3.Connection, statement: Callable[[sqlite3.Cursor], None]
    ) -> None:
        def in_thread() -> tuple[Description, int, int | None, list[Any]]:
            cursor = raw.cursor()
            try:
                statement(cursor)
                rows = cursor.fetchall() if cursor.description else []
                return cursor.description, cursor.rowcount, cursor.lastrowid, rows
            finally:
                cursor.close()

        result = await self._connection.run_in_thread(in_thread)
        self.description, self.rowcount, self.lastrowid, self._rows = result

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = size or self.arraysize
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def close(self) -> None:
        self._rows = []


class BatchedConnection(aiosqlite.Connection):
    @property
    def raw(self) -> sqlite3.Connection:
        return self._conn

    async def run_in_thread(self, function: Callable[[], Any]) -> Any:
        return await self._execute(function)

    def cursor(self) -> BatchedCursor:  # type: ignore[override]
        return BatchedCursor(self)

    async def commit(self) -> None:
        # Reading in_transaction from the loop thread is safe: SQLAlchemy awaits every call on
        # this connection, so the worker thread is idle whenever we get here.
        if self._conn.in_transaction:
            await self._execute(self._conn.commit)

    async def rollback(self) -> None:
        if self._conn.in_transaction:
            await self._execute(self._conn.rollback)


def connector(args: Sequence[Any], kwargs: dict[str, Any]) -> Callable[[], BatchedConnection]:
    """An ``async_creator`` for the connect arguments SQLAlchemy's dialect derives from a URL."""
    # The connection is made, and used, in aiosqlite's worker thread; only in_transaction is
    # read from the event loop's thread.
    options = {**kwargs, "check_same_thread": False}

    def create() -> BatchedConnection:
        connection = BatchedConnection(
            lambda: sqlite3.connect(*args, **options), iter_chunk_size=64
        )
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
        return connection

    return create
