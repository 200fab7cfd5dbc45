"""Fixtures of the database tests."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.settings import parse_database_url
from tests.conftest import _postgres_execute


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, not migrated: a SQLite file, and a scratch PostgreSQL database
    when ``TEST_DATABASE_URL`` is set (migration tests step through revisions on both)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}"
        return
    raw = os.environ.get("TEST_DATABASE_URL")
    if not raw:
        pytest.skip("TEST_DATABASE_URL is not set")
    admin = parse_database_url(raw)
    name = f"bebas_cemas_mig_{uuid.uuid4().hex[:10]}"
    asyncio.run(_postgres_execute(admin, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_postgres_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
