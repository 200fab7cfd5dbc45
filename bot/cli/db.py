"""``python -m bot db upgrade|current``: schema migrations."""

from __future__ import annotations

import argparse

from bot.cli.common import upgrade_schema
from bot.settings import load_settings
from db import migrate


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("db", help="database schema: upgrade, current")
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="apply all migrations (DATABASE_URL)")
    upgrade.set_defaults(func=handle_upgrade)
    current = actions.add_parser("current", help="show the schema revision")
    current.set_defaults(func=handle_current)


def handle_upgrade(_args: argparse.Namespace) -> int:
    settings = load_settings()
    if not upgrade_schema(settings.database_url):
        return 1
    print("database schema is up to date")
    return 0


def handle_current(_args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.current_revision(settings.database_url)
    return 0
