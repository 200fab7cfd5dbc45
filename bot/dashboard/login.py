"""Checking a dashboard login: two units of work around the password check.

The key derivation takes about 0.1 s by design; it runs between the units, so no database
connection waits on it (SQLite has a single one, which the bot needs meanwhile)."""

from __future__ import annotations

from datetime import datetime

from bot.accounts import AccountView, login_candidate, password_matches, record_login
from db.engine import Database


async def authenticate(
    db: Database, username: str, password: str, now: datetime
) -> AccountView | None:
    """The account when ``password`` is right; None otherwise, at the same cost either way."""
    async with db.transaction() as uow:
        candidate = await login_candidate(uow, username)
    if not await password_matches(candidate, password):
        return None
    assert candidate.account is not None  # password_matches is False without one
    async with db.transaction() as uow:
        await record_login(uow, candidate.account, now)
    return candidate.account
