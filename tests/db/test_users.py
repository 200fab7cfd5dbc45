"""Users and events on the real database (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.users import LAST_SEEN_RESOLUTION, set_language, touch_user
from db.engine import Database
from db.models import Event, User


async def test_first_contact_creates_user_and_one_event(db: Database) -> None:
    first = await touch_user(db, 1001, "en-US")
    again = await touch_user(db, 1001, "en-US")
    assert first.is_new and not again.is_new
    assert first.id == again.id
    assert first.language == "en"
    async with db.transaction() as session:
        kinds = (await session.execute(select(Event.kind).where(Event.user_id == first.id))).all()
    assert kinds == [("first_contact",)]


async def test_unknown_telegram_language_falls_back_to_indonesian(db: Database) -> None:
    user = await touch_user(db, 1002, "fr")
    assert user.language == "id"


async def test_chosen_language_survives_telegram_language(db: Database) -> None:
    await touch_user(db, 1003, "id")
    async with db.transaction() as uow:
        await set_language(uow, 1003, "en")
    user = await touch_user(db, 1003, "id")
    assert user.language == "en"


async def test_last_seen_written_only_after_resolution(db: Database) -> None:
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    await touch_user(db, 1004, "id", now=start)
    await touch_user(db, 1004, "id", now=start + timedelta(minutes=1))
    async with db.transaction() as session:
        seen = (await session.execute(select(User.last_seen))).scalar_one()
    assert seen == start
    later = start + LAST_SEEN_RESOLUTION + timedelta(seconds=1)
    await touch_user(db, 1004, "id", now=later)
    async with db.transaction() as session:
        seen = (await session.execute(select(User.last_seen))).scalar_one()
        count = (await session.execute(select(func.count()).select_from(User))).scalar_one()
    assert seen == later
    assert count == 1


async def test_large_telegram_ids_fit(db: Database) -> None:
    # Telegram ids exceed 32 bits; the column must be BIGINT on PostgreSQL.
    big = 7_999_999_999
    user = await touch_user(db, big, "id")
    assert user.telegram_id == big
