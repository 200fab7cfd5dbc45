"""The CLI contract: ``python -m bot akun tambah`` (password from stdin) and ``dashboard``."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from bot.accounts import list_accounts
from bot.cli import build_parser
from bot.dashboard.login import authenticate
from db.engine import Database
from tests.dashboard.data import NOW

ROOT = Path(__file__).resolve().parents[2]


def akun(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DASHBOARD_"))}
    env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "bot", "akun", *args], input=stdin, capture_output=True,
        text=True, cwd=ROOT, env=env, timeout=60,
    )


async def test_akun_tambah_reads_the_password_from_stdin(database_url: str,
                                                         db: Database) -> None:
    done = akun(database_url, "tambah", "Sari", "--peran", "manajer", stdin="sandi-rahasia-1\n")
    assert done.returncode == 0, done.stderr
    assert "sari" in done.stdout and "sandi-rahasia-1" not in done.stdout + done.stderr
    branch = akun(database_url, "tambah", "budi", "--peran", "cabang", "--cabang", "KC-SURABAYA",
                  stdin="sandi-rahasia-2\n")
    assert branch.returncode == 0, branch.stderr
    async with db.transaction() as uow:
        accounts = {a.username: a for a in await list_accounts(uow)}
    assert accounts["sari"].role == "manajer" and accounts["budi"].branch_code == "KC-SURABAYA"
    assert await authenticate(db, "sari", "sandi-rahasia-1", NOW) is not None
    listing = akun(database_url, "daftar")
    assert "budi\tcabang\tKC-SURABAYA" in listing.stdout


async def test_akun_telegram_sets_where_previews_go(database_url: str, db: Database) -> None:
    done = akun(database_url, "tambah", "sari", "--peran", "manajer", "--telegram", "4242",
                stdin="sandi-rahasia-1\n")
    assert done.returncode == 0, done.stderr
    async with db.transaction() as uow:
        assert (await list_accounts(uow))[0].telegram_id == 4242
    assert "sari\tmanajer\t\t4242" in akun(database_url, "daftar").stdout
    changed = akun(database_url, "telegram", "sari", "5151")
    assert changed.returncode == 0 and "5151" in changed.stdout
    async with db.transaction() as uow:
        assert (await list_accounts(uow))[0].telegram_id == 5151
    assert akun(database_url, "telegram", "sari", "--hapus").returncode == 0
    async with db.transaction() as uow:
        assert (await list_accounts(uow))[0].telegram_id is None
    group = akun(database_url, "telegram", "sari", "-100123")
    assert group.returncode != 0
    unknown = akun(database_url, "telegram", "siapa", "5151")
    assert unknown.returncode == 1 and "no account siapa" in unknown.stderr


def test_akun_errors_are_one_line(database_url: str) -> None:
    missing = akun(database_url, "tambah", "x", "--peran", "cabang", stdin="sandi-rahasia\n")
    assert missing.returncode == 1 and "--cabang" in missing.stderr
    short = akun(database_url, "tambah", "x", "--peran", "manajer", stdin="pendek\n")
    assert short.returncode == 1 and "at least 8" in short.stderr
    bad_role = akun(database_url, "tambah", "x", "--peran", "bos", stdin="sandi-rahasia\n")
    assert bad_role.returncode == 2
    unknown = akun(database_url, "tambah", "y", "--peran", "cabang", "--cabang", "KC-TIDAK-ADA",
                   stdin="sandi-rahasia\n")
    assert unknown.returncode == 0 and "warning" in unknown.stderr
    twice = akun(database_url, "tambah", "y", "--peran", "manajer", stdin="sandi-rahasia\n")
    assert twice.returncode == 1 and "already exists" in twice.stderr


def test_dashboard_command_line() -> None:
    parser: argparse.ArgumentParser = build_parser()
    args = parser.parse_args(["dashboard"])
    assert (args.host, args.port) == ("127.0.0.1", 8080)
    args = parser.parse_args(["dashboard", "--host", "0.0.0.0", "--port", "9000"])
    assert (args.host, args.port) == ("0.0.0.0", 9000)
