"""Small helpers shared by the subcommands."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.settings import Settings, load_settings
from db import migrate
from db.engine import Database

DatabaseAction = Callable[[Database, Settings], Awaitable[int]]


def database_error_line(error: BaseException) -> str | None:
    """One clear line for a database we cannot reach or open; None for other errors."""
    if isinstance(error, OperationalError | DBAPIError | ConnectionError | socket.gaierror):
        detail = str(getattr(error, "orig", None) or error).splitlines()[0]
        return f"Database error: cannot use DATABASE_URL: {detail}"
    if isinstance(error, BrokenPipeError):  # our stdout, not the database
        return None
    if isinstance(error, OSError) and error.errno is not None:
        return f"Database error: cannot use DATABASE_URL: {error.strerror}"
    return None


def report_database_error(error: Exception) -> int:
    """Exit status 1 after one line on stderr for a database we cannot use; anything else is
    a bug and is raised again."""
    line = database_error_line(error)
    if line is None:
        raise error
    print(line, file=sys.stderr)
    return 1


def upgrade_schema(database_url: str) -> bool:
    """Bring the schema up to date; False (after one line on stderr) when the database
    cannot be used."""
    try:
        migrate.upgrade(database_url)
    except Exception as error:
        report_database_error(error)
        return False
    return True


def run_with_database(
    action: DatabaseAction, *, user_errors: tuple[type[Exception], ...] = ()
) -> int:
    """Run one command's ``action`` against ``DATABASE_URL``, schema brought up to date first.

    ``user_errors`` are mistakes in what the operator asked (shown as ``error: ...``, exit 1);
    a database that cannot be reached is one line and exit 1; anything else is a bug and raises.
    """
    settings = load_settings()

    async def main() -> int:
        db = Database(settings.database_url)
        try:
            return int(await action(db, settings))
        finally:
            await db.dispose()

    try:
        migrate.upgrade(settings.database_url)
        return asyncio.run(main())
    except user_errors as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # stdout's reader went away (`... | head`): not the database; see bot.cli.main
    except Exception as error:
        return report_database_error(error)
