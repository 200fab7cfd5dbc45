"""Small helpers shared by the subcommands."""

from __future__ import annotations

import socket

from sqlalchemy.exc import DBAPIError, OperationalError


def database_error_line(error: BaseException) -> str | None:
    """One clear line for a database we cannot reach or open; None for other errors."""
    if isinstance(error, OperationalError | DBAPIError | ConnectionError | socket.gaierror):
        detail = str(getattr(error, "orig", None) or error).splitlines()[0]
        return f"Database error: cannot use DATABASE_URL: {detail}"
    if isinstance(error, OSError) and error.errno is not None:
        return f"Database error: cannot use DATABASE_URL: {error.strerror}"
    return None
