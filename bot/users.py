"""Who is talking to us: the user record every update starts from.

Plain data in, plain data out; the Telegram handlers pass ids and language codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import utcnow
from bot.events import EventKind
from bot.i18n import SUPPORTED_LANGUAGES, normalize_language
from db.engine import Database, UnitOfWork
from db.repositories.events import EventRepository
from db.repositories.users import UserRepository, read_seen

# last_seen is for "active users in 7/30 days": minute precision is plenty, and skipping the
# write on most updates keeps a busy conversation from writing on every message.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True)
class UserView:
    id: int
    telegram_id: int
    language: str
    is_new: bool
    # The multi-step conversation the user is in ("registration"), if any: loaded with the user
    # so that routing a text message costs no extra query.
    flow: str | None = None


async def touch_user(
    db: Database, telegram_id: int, language_code: str | None, now: datetime | None = None
) -> UserView:
    """Find or create the user; record first contact once; refresh ``last_seen``.

    Runs for every update, so a known user costs one read (on a plain connection, no unit of
    work) and, at most every ``LAST_SEEN_RESOLUTION``, one small write."""
    now = now or utcnow()
    async with db.reading() as connection:
        seen = await read_seen(connection, telegram_id)
    if seen is None:
        async with db.transaction() as uow:
            return await _first_contact(uow, telegram_id, language_code, now)
    changes: dict[str, object] = {}
    language = seen.language
    if not seen.language_chosen and language_code:
        # Follow Telegram's language until the user picks one explicitly.
        language = normalize_language(language_code)
        if language != seen.language:
            changes["language"] = language
    if now - seen.last_seen >= LAST_SEEN_RESOLUTION:
        changes["last_seen"] = now
    if seen.blocked_at is not None:
        changes["blocked_at"] = None  # they wrote to us again, so they unblocked the bot
    if changes:
        async with db.transaction() as session:
            await UserRepository(session).set_fields(seen.id, **changes)
    return UserView(seen.id, telegram_id, language, is_new=False, flow=seen.flow)


async def _first_contact(
    uow: UnitOfWork, telegram_id: int, language_code: str | None, now: datetime
) -> UserView:
    users = UserRepository(uow)
    seen = await read_seen(uow, telegram_id)  # created meanwhile by another process?
    if seen is not None:
        return UserView(seen.id, telegram_id, seen.language, is_new=False, flow=seen.flow)
    language = normalize_language(language_code)
    user_id = await users.create(telegram_id, language, now)
    await EventRepository(uow).add(
        EventKind.FIRST_CONTACT, user_id=user_id, at=now, language=language
    )
    return UserView(user_id, telegram_id, language, is_new=True)


async def set_language(uow: UnitOfWork, telegram_id: int, language: str) -> str:
    """Remember an explicit language choice; returns the language actually stored."""
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    now = utcnow()
    users = UserRepository(uow)
    user = await users.by_telegram_id(telegram_id)
    if user is None:
        user = await users.add(telegram_id, language, now)
    user.language = language
    user.language_chosen = True
    await EventRepository(uow).add(
        EventKind.LANGUAGE_CHANGED, user_id=user.id, at=now, language=language
    )
    return language


async def mark_blocked(uow: UnitOfWork, telegram_id: int, blocked: bool) -> None:
    """Telegram told us the user blocked (or unblocked) the bot: stop or resume sending."""
    user = await UserRepository(uow).by_telegram_id(telegram_id)
    if user is not None:
        user.blocked_at = utcnow() if blocked else None
