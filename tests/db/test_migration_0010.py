"""Migration 0010 on a database seeded with the earlier shipped directory (before issue #13):
Lamongan and Bojonegoro get their sourced branches, Kabupaten Bogor goes to Bogor, each move is
recorded; a regency a manager had moved elsewhere is left alone. Real SQLite file, real
Alembic upgrade."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.geo import load_default_directory
from bot.routing import branch_rows, load_directory
from db import migrate
from db.engine import Database
from db.models import BranchChange
from db.repositories.branches import BranchRepository
from tests.conftest import _postgres_admin_url, _postgres_execute

BEFORE = {"kab-lamongan": "KC-SURABAYA", "kab-bojonegoro": "KC-MADIUN", "kab-bogor": "KC-DEPOK"}


async def seed_old_directory(url: str, overrides: dict[str, str]) -> None:
    shipped = load_default_directory()
    branches, regencies = branch_rows(shipped)
    branches = [b for b in branches if b.code not in ("KC-LAMONGAN", "KC-BOJONEGORO")]
    for r in regencies:
        r.branch_code = {**BEFORE, **overrides}.get(r.code, r.branch_code)
    db = Database(url)
    try:
        async with db.transaction() as session:
            await BranchRepository(session).replace_all(branches, regencies)
    finally:
        await db.dispose()


async def routes_and_changes(url: str) -> tuple[dict[str, str], list[BranchChange]]:
    db = Database(url)
    try:
        async with db.transaction() as uow:
            directory = await load_directory(uow)
        async with db.transaction() as session:
            changes = list((await session.execute(
                select(BranchChange).order_by(BranchChange.id))).scalars())
        codes = ("kab-lamongan", "kab-bojonegoro", "kab-bogor", "kab-tuban")
        return {c: directory.route_regency(c).code for c in codes}, changes
    finally:
        await db.dispose()


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Unmigrated databases: SQLite files, or scratch PostgreSQL databases with
    TEST_DATABASE_URL (dropped afterwards)."""
    admin = _postgres_admin_url()
    created: list[str] = []

    def make(name: str) -> str:
        if admin is None:
            return f"sqlite+aiosqlite:///{tmp_path / name}.db"
        database = f"bebas_cemas_m10_{uuid.uuid4().hex[:10]}"
        asyncio.run(_postgres_execute(admin, f'CREATE DATABASE "{database}"'))
        created.append(database)
        return make_url(admin).set(database=database).render_as_string(hide_password=False)

    yield make
    for database in created:
        assert admin is not None
        asyncio.run(_postgres_execute(admin, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def test_upgrade_corrects_the_old_derived_directory(
    empty_database: Callable[[str], str]
) -> None:
    url = empty_database("old")
    migrate.upgrade(url, "0009")
    asyncio.run(seed_old_directory(url, {}))
    migrate.upgrade(url)
    routes, changes = asyncio.run(routes_and_changes(url))
    assert routes == {"kab-lamongan": "KC-LAMONGAN", "kab-bojonegoro": "KC-BOJONEGORO",
                      "kab-bogor": "KC-BOGOR", "kab-tuban": "KC-SURABAYA"}
    assert [(c.actor, c.action, c.other_branch_code, c.branch_code) for c in changes] == [
        ("migrasi:0010", "move_regency", "KC-SURABAYA", "KC-LAMONGAN"),
        ("migrasi:0010", "move_regency", "KC-MADIUN", "KC-BOJONEGORO"),
        ("migrasi:0010", "move_regency", "KC-DEPOK", "KC-BOGOR"),
    ]
    lamongan = asyncio.run(_branch(url, "KC-LAMONGAN"))
    assert lamongan is not None and lamongan.provisional is False


def test_a_managers_own_assignment_is_left_alone(empty_database: Callable[[str], str]) -> None:
    url = empty_database("moved")
    migrate.upgrade(url, "0009")
    asyncio.run(seed_old_directory(url, {"kab-bogor": "KC-BANDUNG"}))
    migrate.upgrade(url)
    routes, changes = asyncio.run(routes_and_changes(url))
    assert routes["kab-bogor"] == "KC-BANDUNG"
    assert routes["kab-lamongan"] == "KC-LAMONGAN"
    assert len(changes) == 2


def test_a_fresh_database_is_left_to_the_first_start(
    empty_database: Callable[[str], str]
) -> None:
    url = empty_database("fresh")
    migrate.upgrade(url)
    routes, changes = asyncio.run(routes_and_changes(url))  # seeds the shipped directory
    assert routes["kab-lamongan"] == "KC-LAMONGAN" and changes == []


async def _branch(url: str, code: str):  # type: ignore[no-untyped-def]
    db = Database(url)
    try:
        async with db.transaction() as session:
            return await BranchRepository(session).get(code)
    finally:
        await db.dispose()


