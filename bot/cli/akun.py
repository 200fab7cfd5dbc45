"""``python -m bot akun``: dashboard accounts.

    python -m bot akun tambah USERNAME --peran manajer|cabang [--cabang KODE] [--telegram ID]
    python -m bot akun sandi USERNAME        # set a new password (ends its sessions)
    python -m bot akun telegram USERNAME ID  # where its broadcast previews go (--hapus: nowhere)
    python -m bot akun hapus USERNAME
    python -m bot akun daftar

The password is read from stdin when stdin is not a terminal (one line), and prompted for
(twice, not echoed) otherwise. It never appears on the command line or in the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from bot.accounts import (
    AccountError,
    Role,
    check_new_password,
    create_account,
    delete_account,
    list_accounts,
    set_password,
    set_telegram_id,
)
from bot.cli.common import run_with_database
from bot.clock import utcnow
from bot.settings import Settings
from db.engine import Database


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("akun", help="dashboard accounts: tambah, sandi, hapus, daftar")
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    add = actions.add_parser("tambah", help="add an account (password from stdin or a prompt)")
    add.add_argument("username")
    add.add_argument("--peran", required=True, choices=[r.value for r in Role],
                     help="manajer: every figure; cabang: one branch's")
    add.add_argument("--cabang", metavar="KODE", help="branch code, for --peran cabang")
    add.add_argument("--telegram", type=int, metavar="ID",
                     help="the person's Telegram user id: previews of their broadcasts go there")
    add.set_defaults(func=handle_add)

    password = actions.add_parser("sandi", help="set a new password (ends the account's sessions)")
    password.add_argument("username")
    password.set_defaults(func=handle_password)

    telegram = actions.add_parser(
        "telegram", help="the Telegram user id that gets the account's broadcast previews"
    )
    telegram.add_argument("username")
    target = telegram.add_mutually_exclusive_group(required=True)
    target.add_argument("id", type=int, nargs="?",
                        help="Telegram user id (they must /start the bot)")
    target.add_argument("--hapus", action="store_true", help="remove it")
    telegram.set_defaults(func=handle_telegram)

    remove = actions.add_parser("hapus", help="delete an account")
    remove.add_argument("username")
    remove.set_defaults(func=handle_delete)

    listing = actions.add_parser("daftar", help="list the accounts")
    listing.set_defaults(func=handle_list)


def read_password(stdin: TextIO | None = None) -> str:
    stream = stdin or sys.stdin
    if not stream.isatty():
        return stream.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    check_new_password(first)
    if getpass.getpass("Password again: ") != first:
        raise AccountError("the two passwords differ")
    return first


def handle_add(args: argparse.Namespace) -> int:
    async def add(db: Database) -> int:
        async with db.transaction() as uow:
            created = await create_account(
                uow, args.username, read_password(), Role(args.peran), args.cabang, utcnow(),
                telegram_id=args.telegram,
            )
        account = created.account
        where = f" for branch {account.branch_code}" if account.branch_code else ""
        print(f"account {account.username} ({account.role}{where}) created")
        if not created.branch_known:
            print(f"warning: no branch {account.branch_code} in the directory; the account sees "
                  "no leads until one is routed there", file=sys.stderr)
        return 0

    return _run(add)


def handle_password(args: argparse.Namespace) -> int:
    async def change(db: Database) -> int:
        password = read_password()
        async with db.transaction() as uow:
            changed = await set_password(uow, args.username, password)
        if not changed:
            print(f"no account {args.username}", file=sys.stderr)
            return 1
        print(f"password of {args.username} changed; its sessions have ended")
        return 0

    return _run(change)


def handle_telegram(args: argparse.Namespace) -> int:
    async def change(db: Database) -> int:
        telegram_id = None if args.hapus else args.id
        async with db.transaction() as uow:
            changed = await set_telegram_id(uow, args.username, telegram_id)
        if not changed:
            print(f"no account {args.username}", file=sys.stderr)
            return 1
        where = f"go to Telegram user {telegram_id}" if telegram_id else "go nowhere"
        print(f"broadcast previews of {args.username} {where}")
        return 0

    return _run(change)


def handle_delete(args: argparse.Namespace) -> int:
    async def remove(db: Database) -> int:
        async with db.transaction() as uow:
            deleted = await delete_account(uow, args.username)
        if not deleted:
            print(f"no account {args.username}", file=sys.stderr)
            return 1
        print(f"account {args.username} deleted")
        return 0

    return _run(remove)


def handle_list(_args: argparse.Namespace) -> int:
    async def show(db: Database) -> int:
        async with db.transaction() as uow:
            accounts = await list_accounts(uow)
        for account in accounts:
            print(f"{account.username}\t{account.role}\t{account.branch_code or ''}"
                  f"\t{account.telegram_id or ''}")
        return 0

    return _run(show)


def _run(action: Callable[[Database], Awaitable[int]]) -> int:
    # The accounts table may be new: run_with_database brings the schema up first, as `run` does.
    async def with_db(db: Database, _settings: Settings) -> int:
        return await action(db)

    return run_with_database(with_db, user_errors=(AccountError,))
