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
    async with db.transaction() as uow:
        created = await sources.create_source(
            uow, "poster-lamongan", "  Poster pasar Lamongan ", NOW
        )
    assert (created.code, created.description) == ("POSTER-LAMONGAN", "Poster pasar Lamongan")
    with pytest.raises(sources.SourceError, match="exists"):
        async with db.transaction() as uow:
            await sources.create_source(uow, "POSTER-LAMONGAN", "again", NOW)
    with pytest.raises(sources.SourceError):
        async with db.transaction() as uow:
            await sources.create_source(uow, "bad code!", "", NOW)
    async with db.transaction() as uow:
        assert [s.code for s in await sources.list_sources(uow)] == ["POSTER-LAMONGAN"]


async def test_first_touch_is_kept_and_last_touch_moves(db: Database) -> None:
    async with db.transaction() as uow:
        await sources.create_source(uow, "RADIO", "Radio spot", NOW)
    async with db.transaction() as uow:
        await sources.create_source(uow, "DESA", "KKBC Masuk Desa", NOW)
    user = await worker(db, 7001)
    async with db.transaction() as uow:
        assert await sources.record_touch(uow, user, "radio", NOW)
    async with db.transaction() as uow:
        assert await sources.record_touch(uow, user, "DESA", NOW + timedelta(days=1))
    async with db.transaction() as uow:
        assert not await sources.record_touch(uow, user, "UNKNOWN", NOW)
    async with db.transaction() as uow:
        assert not await sources.record_touch(uow, user, "../etc", NOW)
    async with db.transaction() as uow:
        first = {row.code: row for row in await sources.funnel_by_source(uow, attribution="first")}
    async with db.transaction() as uow:
        last = {row.code: row for row in await sources.funnel_by_source(uow, attribution="last")}
    assert (first["RADIO"].workers, first["DESA"].workers) == (1, 0)
    assert (last["RADIO"].workers, last["DESA"].workers) == (0, 1)
    assert (first["RADIO"].touches, first["DESA"].touches) == (1, 1)


async def test_funnel_follows_workers_to_enrolment(db: Database) -> None:
    async with db.transaction() as uow:
        await sources.create_source(uow, "POSTER", "Poster", NOW)
    enrolled_user = await worker(db, 7101)
    async with db.transaction() as uow:
        await sources.record_touch(uow, enrolled_user, "POSTER", NOW)
    lead_id = await register(db, 7101)
    for action in (StaffAction.CLAIM, StaffAction.ENROLLED):
        async with db.transaction() as uow:
            await apply_action(
                uow,
                lead_id=lead_id,
                action=action,
                staff_telegram_id=ADMIN,
                staff_name="Budi",
                chat_id=ADMIN_GROUP,
                settings=SETTINGS,
                now=NOW,
            )
    browsing = await worker(db, 7102)
    async with db.transaction() as uow:
        await sources.record_touch(uow, browsing, "POSTER", NOW)
    await worker(db, 7103)  # came without a source
    async with db.transaction() as uow:
        rows = {row.code: row for row in await sources.funnel_by_source(uow)}
    poster = rows["POSTER"]
    assert (poster.workers, poster.registration_started, poster.registered) == (2, 1, 1)
    assert (poster.claimed, poster.contacted, poster.enrolled) == (1, 1, 1)
    assert poster.enrolment_rate == 0.5
    assert rows[None].workers == 1 and rows[None].registered == 0
    async with db.transaction() as uow:
        later = await sources.funnel_by_source(uow, since=NOW + timedelta(days=1))
    assert all(row.workers == 0 for row in later)
