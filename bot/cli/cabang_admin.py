"""``cabang import``, ``cabang export`` and ``cabang link-code``: the branch commands that need
the database (``cabang cari`` works from the directory alone)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.branch_admin import (
    CLI_ACTOR,
    ChangeRefused,
    ImportRejected,
    export_branches,
    import_branches,
    make_link_code,
)
from bot.cli.common import run_with_database
from bot.clock import utcnow
from bot.geo import BranchCsvError, Directory
from bot.routing import load_directory
from bot.settings import Settings, load_settings
from bot.staff import LINK_CODE_TTL
from db import migrate
from db.engine import Database

Work = Callable[[Database], Awaitable[int]]


def add_commands(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importer = actions.add_parser(
        "import",
        help="load the official branch list from a CSV (all or nothing)",
        description="Replace the branch directory with FILE.csv. Columns: code, name, lat, lon "
        "(required), address, phone, province_code, kanwil, provenance. A bad row rejects the "
        "whole file with its row number. Running bot processes route with it within a minute.",
    )
    importer.add_argument("file", metavar="FILE.csv", type=Path)
    importer.set_defaults(func=handle_import)
    exporter = actions.add_parser("export", help="write the branch directory as CSV to stdout")
    exporter.set_defaults(func=handle_export)
    link = actions.add_parser(
        "link-code",
        help="one-time code that links a staff group to a branch (/hubungkan CODE)",
        description="Prints a one-time code, valid for "
        f"{int(LINK_CODE_TTL.total_seconds() // 3600)} hours, alone on its last line.",
    )
    link.add_argument("code", metavar="KODE", help="branch code, e.g. KC-LAMONGAN")
    link.set_defaults(func=handle_link_code)


def _run(work: Work) -> int:
    async def seeded(db: Database, _settings: Settings) -> int:
        async with db.transaction() as uow:
            await load_directory(uow)  # seeds the shipped directory on a fresh database
        return await work(db)

    return run_with_database(seeded)


def handle_import(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file():
        print(f"cannot read {path}", file=sys.stderr)
        return 2

    async def work(db: Database) -> int:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            try:
                async with db.transaction() as uow:
                    summary = await import_branches(uow, stream)
            except BranchCsvError as error:
                print(f"{path}: rejected, nothing imported: {error}", file=sys.stderr)
                return 1
            except ImportRejected as error:
                print(f"{path}: rejected, nothing imported: {error}", file=sys.stderr)
                return 1
        print(f"imported {summary.branches} branches; {summary.regencies} regencies assigned")
        if summary.provinces_without_branch:
            print("provinces with no branch of their own (served from a neighbour): "
                  + ", ".join(summary.provinces_without_branch))
        print("running bot processes route with the new list within a minute")
        return 0

    return _run(work)


def handle_export(_args: argparse.Namespace) -> int:
    async def work(db: Database) -> int:
        async with db.transaction() as uow:
            await export_branches(uow, sys.stdout)
        return 0

    return _run(work)


def handle_link_code(args: argparse.Namespace) -> int:
    async def work(db: Database) -> int:
        try:
            async with db.transaction() as uow:
                code = await make_link_code(uow, args.code, actor=CLI_ACTOR, now=utcnow())
        except ChangeRefused:
            print(f"unknown branch code {args.code!r} (see `python -m bot cabang export`)",
                  file=sys.stderr)
            return 1
        hours = int(LINK_CODE_TTL.total_seconds() // 3600)
        print(f"Send this in the branch's staff group within {hours} hours: /hubungkan {code}")
        print(code)
        return 0

    return _run(work)


def directory_in_force() -> Directory:
    """The directory the bot routes with (read from the database, seeded on first use)."""

    async def load() -> Directory:
        settings = load_settings()
        await migrate.upgrade_async(settings.database_url)
        db = Database(settings.database_url)
        try:
            async with db.transaction() as uow:
                return await load_directory(uow)
        finally:
            await db.dispose()

    return asyncio.run(load())
