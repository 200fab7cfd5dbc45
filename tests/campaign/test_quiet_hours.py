"""Quiet hours and scheduled broadcasts: the sender holds every broadcast's messages between
21:00 and 07:00 WIB and sends them once the hours end, a forced one goes out anyway, and a
scheduled one starts at its time (its recipients fixed then). Real database, the real sender
with a Bot stand-in, rounds run on a given clock."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot import broadcasts
from bot.broadcasts import BroadcastError, Decision, Segment
from bot.campaign_jobs import BroadcastSender
from bot.quiet_hours import (
    NO_QUIET_HOURS,
    QuietHours,
    format_local,
    parse_local,
    parse_quiet_hours,
)
from bot.settings import SettingsError, load_settings
from db.engine import Database
from tests.campaign.helpers import SETTINGS, FakeBot, worker

QUIET = SETTINGS.with_overrides(
    broadcast_quiet_hours=parse_quiet_hours("21:00-07:00"), broadcast_approval_threshold=1000
)
# Monday 23 November 2026, WIB = UTC+7.
EVENING = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # 20:00 WIB, before the quiet hours
NIGHT = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)  # 22:30 WIB
SMALL_HOURS = datetime(2026, 11, 23, 23, 59, tzinfo=UTC)  # 06:59 WIB on Tuesday
MORNING = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)  # 07:00 WIB on Tuesday: the hours end


def test_quiet_hours_across_midnight() -> None:
    quiet = parse_quiet_hours(None)  # the default
    assert quiet == QuietHours(time(21, 0), time(7, 0)) and quiet.text == "21:00–07:00"
    assert not quiet.contains(EVENING)
    assert quiet.contains(EVENING + timedelta(hours=1))  # 21:00 WIB exactly
    assert quiet.contains(NIGHT) and quiet.contains(SMALL_HOURS)
    assert not quiet.contains(MORNING)
    assert quiet.ends_after(NIGHT) == MORNING == quiet.ends_after(SMALL_HOURS)
    assert quiet.ends_after(EVENING) == EVENING
    daytime = parse_quiet_hours("12.00-13.30")  # a window within a day works too
    assert daytime.contains(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))  # 13:00 WIB
    assert not daytime.contains(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))  # 13:30 WIB
    assert not parse_quiet_hours("off").enabled and not NO_QUIET_HOURS.contains(NIGHT)
    for bad in ("21-07", "25:00-07:00", "21:00", "malam"):
        with pytest.raises(ValueError):
            parse_quiet_hours(bad)


def test_quiet_hours_setting() -> None:
    none = {"DATABASE_URL": "sqlite:///x.db"}
    assert load_settings(none, env_file=None).broadcast_quiet_hours.text == "21:00–07:00"
    late = load_settings({**none, "BROADCAST_QUIET_HOURS": "22:00-06:00"}, env_file=None)
    assert late.broadcast_quiet_hours == QuietHours(time(22, 0), time(6, 0))
    with pytest.raises(SettingsError, match="BROADCAST_QUIET_HOURS"):
        load_settings({**none, "BROADCAST_QUIET_HOURS": "sepanjang malam"}, env_file=None)


def test_schedules_are_written_in_wib() -> None:
    assert parse_local("2026-11-24 07:00") == MORNING
    assert parse_local("2026-11-24T07:00") == MORNING  # as <input type=datetime-local> sends
    assert format_local(NIGHT) == "2026-11-23 22:30 WIB"
    with pytest.raises(ValueError):
        parse_local("24/11/2026 07:00")


async def create(
    db: Database, *, now: datetime, scheduled_at: datetime | None = None, force: bool = False,
    segment: Segment = Segment(),  # noqa: B008
) -> int:
    async with db.transaction() as uow:
        view = await broadcasts.create_broadcast(
            uow, QUIET, text="Halo pekerja", segment=segment, created_by="akun:ani",
            preview_chat_id=42, now=now, scheduled_at=scheduled_at, force=force,
        )
    async with db.transaction() as session:
        await broadcasts.record_preview(session, view.id, now)
    return view.id


async def test_the_sender_holds_messages_in_quiet_hours_and_sends_after(db: Database) -> None:
    for telegram_id in (7001, 7002):
        await worker(db, telegram_id)
    broadcast_id = await create(db, now=NIGHT)
    async with db.transaction() as uow:
        assert (
            await broadcasts.request_send(uow, QUIET, broadcast_id=broadcast_id, by="a", now=NIGHT)
            == Decision.SENDING
        )
    async with db.transaction() as uow:
        view = await broadcasts.get_broadcast(uow, QUIET, broadcast_id, NIGHT)
    assert view is not None and view.held_until == MORNING
    assert view.progress.eta_at is not None and view.progress.eta_at > MORNING

    bot = FakeBot()
    sender = BroadcastSender(db, bot, QUIET.with_overrides(broadcast_rate=30), "A")  # type: ignore[arg-type]
    for moment in (NIGHT, NIGHT + timedelta(hours=3), SMALL_HOURS):
        assert await sender.run_once(moment) is False
    assert bot.sent == []
    async with db.transaction() as uow:
        view = await broadcasts.get_broadcast(uow, QUIET, broadcast_id, SMALL_HOURS)
    assert view is not None and view.status == "sending" and view.progress.remaining == 2

    while await sender.run_once(MORNING):
        pass
    assert sorted(s.chat_id for s in bot.sent) == [7001, 7002]
    async with db.transaction() as uow:
        view = await broadcasts.get_broadcast(uow, QUIET, broadcast_id, MORNING)
    assert view is not None and view.status == "done" and view.held_until is None


async def test_a_forced_broadcast_goes_out_in_quiet_hours(db: Database) -> None:
    await worker(db, 7101)
    held = await create(db, now=NIGHT)
    forced = await create(db, now=NIGHT, force=True)
    for broadcast_id in (held, forced):  # the held one is older: the forced one still goes
        async with db.transaction() as uow:
            await broadcasts.request_send(uow, QUIET, broadcast_id=broadcast_id, by="a", now=NIGHT)
    bot = FakeBot()
    sender = BroadcastSender(db, bot, QUIET, "A")  # type: ignore[arg-type]
    while await sender.run_once(NIGHT):
        pass
    assert [s.chat_id for s in bot.sent] == [7101]
    async with db.transaction() as uow:
        done = await broadcasts.get_broadcast(uow, QUIET, forced, NIGHT)
    async with db.transaction() as uow:
        waiting = await broadcasts.get_broadcast(uow, QUIET, held, NIGHT)
    assert done is not None and done.status == "done" and done.ignore_quiet_hours
    assert waiting is not None and waiting.status == "sending" and waiting.progress.sent == 0


async def test_schedules_in_the_past_or_in_quiet_hours_are_refused(db: Database) -> None:
    with pytest.raises(BroadcastError) as refused:
        await create(db, now=EVENING, scheduled_at=NIGHT)
    assert refused.value.code == "schedule_quiet" and "21:00–07:00 WIB" in str(refused.value)
    with pytest.raises(BroadcastError) as past:
        await create(db, now=EVENING, scheduled_at=EVENING - timedelta(minutes=1))
    assert past.value.code == "schedule_past"
    forced = await create(db, now=EVENING, scheduled_at=NIGHT, force=True)
    async with db.transaction() as uow:
        view = await broadcasts.get_broadcast(uow, QUIET, forced, EVENING)
    assert view is not None and view.scheduled_at == NIGHT and view.ignore_quiet_hours


async def test_a_scheduled_broadcast_starts_at_its_time(db: Database) -> None:
    await worker(db, 7201)
    at = MORNING + timedelta(hours=2)  # 09:00 WIB
    broadcast_id = await create(db, now=EVENING, scheduled_at=at)
    async with db.transaction() as uow:
        assert (
            await broadcasts.request_send(
                uow, QUIET, broadcast_id=broadcast_id, by="a", now=EVENING
            )
            == Decision.SCHEDULED
        )
    async with db.transaction() as uow:
        view = await broadcasts.get_broadcast(uow, QUIET, broadcast_id, EVENING)
    assert view is not None and view.status == "scheduled" and view.progress.recipients == 0
    await worker(db, 7202)  # joined before the time comes: recipients are fixed then
    bot = FakeBot()
    sender = BroadcastSender(db, bot, QUIET, "A")  # type: ignore[arg-type]
    assert await sender.run_once(at - timedelta(minutes=1)) is False
    assert bot.sent == []
    while await sender.run_once(at):
        pass
    assert sorted(s.chat_id for s in bot.sent) == [7201, 7202]
    async with db.transaction() as uow:
        view = await broadcasts.get_broadcast(uow, QUIET, broadcast_id, at)
    assert view is not None and view.status == "done"
    # Cancelling a scheduled one means it never starts.
    other = await create(db, now=EVENING, scheduled_at=at + timedelta(days=1))
    async with db.transaction() as uow:
        await broadcasts.request_send(uow, QUIET, broadcast_id=other, by="a", now=EVENING)
    async with db.transaction() as uow:
        assert await broadcasts.cancel(uow, broadcast_id=other, now=EVENING)
    async with db.transaction() as uow:
        assert await broadcasts.start_due(uow, at + timedelta(days=2)) == 0


async def test_a_scheduled_broadcast_above_the_threshold_waits_for_approval(
    db: Database,
) -> None:
    await worker(db, 7301)
    strict = QUIET.with_overrides(broadcast_approval_threshold=0)
    at = MORNING + timedelta(hours=2)
    broadcast_id = await create(db, now=EVENING, scheduled_at=at)
    async with db.transaction() as uow:
        assert (
            await broadcasts.request_send(
                uow, strict, broadcast_id=broadcast_id, by="a", now=EVENING
            )
            == Decision.AWAITING_APPROVAL
        )
    async with db.transaction() as uow:
        assert (
            await broadcasts.approve(uow, strict, broadcast_id=broadcast_id, by="b", now=EVENING)
            == Decision.SCHEDULED
        )
    async with db.transaction() as uow:
        assert await broadcasts.start_due(uow, at) == 1
    async with db.transaction() as uow:
        view = await broadcasts.get_broadcast(uow, strict, broadcast_id, at)
    assert view is not None and view.status == "sending" and view.progress.recipients == 1


async def test_the_telegram_preview_names_the_segment_and_the_schedule(db: Database) -> None:
    from bot.clock import utcnow
    from bot.outbox.queues import CAMPAIGN
    from bot.outbox.sender import OutboxSender
    from db.models import Branch, Regency

    async with db.transaction() as session:
        session.add(Branch(code="KC-UJI-SBY", name="Kantor Cabang Uji Surabaya", lat=-7.2,
                           lon=112.7, province_code="ID-JI"))
        await session.flush()
        session.add(Regency(code="kota-uji", name="Kota Uji", kind="kota", province_code="ID-JI",
                            province_name="Jawa Timur", lat=-7.2, lon=112.7,
                            branch_code="KC-UJI-SBY"))
    at = MORNING + timedelta(hours=2)
    segment = Segment(provinces=("ID-JI",), branches=("KC-UJI-SBY",),
                      occupations=("ojek_driver",), lead_statuses=("none",))
    async with db.transaction() as uow:
        view = await broadcasts.create_broadcast(
            uow, QUIET, text="Halo", segment=segment, created_by="akun:ani", preview_chat_id=42,
            now=EVENING, scheduled_at=at, force=True,
        )
    bot = FakeBot()
    sender = OutboxSender(db, bot, QUIET, CAMPAIGN)  # type: ignore[arg-type]
    sender._next_housekeeping = utcnow() + timedelta(days=1)
    assert await sender.run_once(EVENING) == 1
    preview, note = bot.to(42)
    assert preview.text.startswith("Halo")
    assert (
        "Segmen: Provinsi: Jawa Timur; Cabang: Kantor Cabang Uji Surabaya; "
        "Pekerjaan: Ojek / ojol / kurir; Pendaftaran: " in note.text
    )
    assert "ID-JI" not in note.text and "ojek_driver" not in note.text
    assert "2026-11-24 09:00 WIB" in note.text
    assert view.id and "jam tenang" in note.text  # forced: said so
