"""Shared fixtures: a migrated database per test, on SQLite by default or on PostgreSQL when
``TEST_DATABASE_URL`` is set (a scratch database is created for the run and dropped after)."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.settings import parse_database_url
from db import migrate
from db.base import Base
from db.engine import Database

ROOT = Path(__file__).resolve().parent.parent


def _postgres_admin_url() -> str | None:
    raw = os.environ.get("TEST_DATABASE_URL")
    return parse_database_url(raw) if raw else None


async def _postgres_execute(admin_url: str, statement: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(statement))
    await engine.dispose()


@pytest.fixture(scope="session")
def migrated_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database for the whole run: a scratch PostgreSQL database, or a SQLite
    template file that each test copies."""
    admin_url = _postgres_admin_url()
    if admin_url is None:
        path = tmp_path_factory.mktemp("db") / "template.db"
        url = f"sqlite+aiosqlite:///{path}"
        migrate.upgrade(url)
        yield url
        return
    name = f"bebas_cemas_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_postgres_execute(admin_url, f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        asyncio.run(_postgres_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def database_url(migrated_database_url: str, tmp_path: Path) -> Iterator[str]:
    """A clean, migrated database for one test."""
    if migrated_database_url.startswith("sqlite"):
        template = Path(make_url(migrated_database_url).database or "")
        copy = tmp_path / "test.db"
        shutil.copyfile(template, copy)
        yield f"sqlite+aiosqlite:///{copy}"
        return
    asyncio.run(_truncate_all(migrated_database_url))
    yield migrated_database_url


async def _truncate_all(url: str) -> None:
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


def backend_name(url: str) -> str:
    return make_url(url).get_backend_name()
