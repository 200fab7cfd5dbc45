"""Source tracking on the real database: creating sources, first and last touch, the funnel."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import sources
from bot.leads import StaffAction
from bot.staff import apply_action
from db.engine import Database
from tests.campaign.helpers import ADMIN, ADMIN_GROUP, NOW, SETTINGS, register, worker


def test_codes_are_normalised_and_checked() -> None:
    assert sources.normalize_code(" radio-sby_1 ") == "RADIO-SBY_1"
    assert sources.normalize_code("with space") is None
    assert sources.normalize_code("x" * 65) is None
    assert (
        sources.deep_link("BebasCemasBot", "POSTER1") == "https://t.me/BebasCemasBot?start=POSTER1"
    )


async def test_create_source_refuses_duplicates_and_bad_codes(db: Database) -> None:
    created = await sources.create_source(db, "poster-lamongan", "  Poster pasar Lamongan ", NOW)
    assert (created.code, created.description) == ("POSTER-LAMONGAN", "Poster pasar Lamongan")
    with pytest.raises(sources.SourceError, match="exists"):
        await sources.create_source(db, "POSTER-LAMONGAN", "again", NOW)
    with pytest.raises(sources.SourceError):
        await sources.create_source(db, "bad code!", "", NOW)
    assert [s.code for s in await sources.list_sources(db)] == ["POSTER-LAMONGAN"]


async def test_first_touch_is_kept_and_last_touch_moves(db: Database) -> None:
    await sources.create_source(db, "RADIO", "Radio spot", NOW)
    await sources.create_source(db, "DESA", "KKBC Masuk Desa", NOW)
    user = await worker(db, 7001)
    assert await sources.record_touch(db, user, "radio", NOW)
    assert await sources.record_touch(db, user, "DESA", NOW + timedelta(days=1))
    assert not await sources.record_touch(db, user, "UNKNOWN", NOW)
    assert not await sources.record_touch(db, user, "../etc", NOW)
    first = {row.code: row for row in await sources.funnel_by_source(db, attribution="first")}
    last = {row.code: row for row in await sources.funnel_by_source(db, attribution="last")}
    assert (first["RADIO"].workers, first["DESA"].workers) == (1, 0)
    assert (last["RADIO"].workers, last["DESA"].workers) == (0, 1)
    assert (first["RADIO"].touches, first["DESA"].touches) == (1, 1)


async def test_funnel_follows_workers_to_enrolment(db: Database) -> None:
    await sources.create_source(db, "POSTER", "Poster", NOW)
    enrolled_user = await worker(db, 7101)
    await sources.record_touch(db, enrolled_user, "POSTER", NOW)
    lead_id = await register(db, 7101)
    for action in (StaffAction.CLAIM, StaffAction.ENROLLED):
        await apply_action(
            db,
            lead_id=lead_id,
            action=action,
            staff_telegram_id=ADMIN,
            staff_name="Budi",
            chat_id=ADMIN_GROUP,
            settings=SETTINGS,
            now=NOW,
        )
    browsing = await worker(db, 7102)
    await sources.record_touch(db, browsing, "POSTER", NOW)
    await worker(db, 7103)  # came without a source
    rows = {row.code: row for row in await sources.funnel_by_source(db)}
    poster = rows["POSTER"]
    assert (poster.workers, poster.registration_started, poster.registered) == (2, 1, 1)
    assert (poster.claimed, poster.contacted, poster.enrolled) == (1, 1, 1)
    assert poster.enrolment_rate == 0.5
    assert rows[None].workers == 1 and rows[None].registered == 0
    later = await sources.funnel_by_source(db, since=NOW + timedelta(days=1))
    assert all(row.workers == 0 for row in later)
