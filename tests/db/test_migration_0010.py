"""Migration 0010 on a database seeded with the earlier shipped directory (before issue #13):
Lamongan and Bojonegoro get their sourced branches, Kabupaten Bogor goes to Bogor, each move is
recorded; a regency a manager had moved elsewhere is left alone. Real SQLite file, real
Alembic upgrade."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from bot.geo import load_default_directory
from bot.routing import branch_rows, load_directory
from db import migrate
from db.engine import Database
from db.models import BranchChange
from db.repositories.branches import BranchRepository

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
        directory = await load_directory(db)
        async with db.transaction() as session:
            changes = list((await session.execute(
                select(BranchChange).order_by(BranchChange.id))).scalars())
        codes = ("kab-lamongan", "kab-bojonegoro", "kab-bogor", "kab-tuban")
        return {c: directory.route_regency(c).code for c in codes}, changes
    finally:
        await db.dispose()


def test_upgrade_corrects_the_old_derived_directory(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
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


def test_a_managers_own_assignment_is_left_alone(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'moved.db'}"
    migrate.upgrade(url, "0009")
    asyncio.run(seed_old_directory(url, {"kab-bogor": "KC-BANDUNG"}))
    migrate.upgrade(url)
    routes, changes = asyncio.run(routes_and_changes(url))
    assert routes["kab-bogor"] == "KC-BANDUNG"
    assert routes["kab-lamongan"] == "KC-LAMONGAN"
    assert len(changes) == 2


def test_a_fresh_database_is_left_to_the_first_start(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
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


