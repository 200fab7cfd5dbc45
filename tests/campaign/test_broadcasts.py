"""Broadcasts on the real database: segments, opt-outs, approval, waves and their outcomes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import broadcasts, sources
from bot.broadcasts import BroadcastError, Decision, Outcome, Segment
from bot.privacy import delete_personal_data
from bot.users import mark_blocked
from db.engine import Database
from db.models import BroadcastRecipient, User
from tests.campaign.helpers import NOW, SETTINGS, lead_of, register, worker

SMALL = SETTINGS.with_overrides(broadcast_approval_threshold=2)


async def create(db: Database, segment: Segment = Segment(), by: str = "akun:ani") -> int:  # noqa: B008
    async with db.transaction() as uow:
        view = await broadcasts.create_broadcast(
            uow,
            SMALL,
            text="Halo <semua> & selamat",
            segment=segment,
            created_by=by,
            preview_chat_id=42,
            now=NOW,
            button_text="Daftar",
            button_url="https://bpjs.example/",
        )
    return view.id


async def preview_delivered(db: Database, broadcast_id: int) -> None:
    async with db.transaction() as session:
        await broadcasts.record_preview(session, broadcast_id, NOW)


async def statuses(db: Database, broadcast_id: int) -> dict[int, str]:
    async with db.transaction() as session:
        rows = await session.execute(
            select(BroadcastRecipient.telegram_id, BroadcastRecipient.status).where(
                BroadcastRecipient.broadcast_id == broadcast_id
            )
        )
        return {telegram_id: status for telegram_id, status in rows.all()}


def test_segments_are_checked() -> None:
    segment = Segment.from_json({"languages": "id", "lead_statuses": ["baru", "none", "baru"]})
    assert segment.lead_statuses == ("baru", "none") and segment.languages == ("id",)
    with pytest.raises(BroadcastError):
        Segment.from_json({"planet": ["mars"]})
    with pytest.raises(BroadcastError):
        Segment.from_json({"languages": ["fr"]})
    with pytest.raises(BroadcastError):
        Segment.from_json({"lead_statuses": ["maybe"]})


async def test_bad_messages_are_refused(db: Database) -> None:
    for text, label, url, code in (
        ("", None, None, "empty_text"),
        ("x" * 4000, None, None, "long_text"),
        ("hi", "Go", None, "button_incomplete"),
        ("hi", "x" * 65, "https://bpjs.example/", "long_button_text"),
        ("hi", "Go", "javascript:alert(1)", "button_url"),
    ):
        # The code names the rule, for the dashboard to word it in the manager's language.
        with pytest.raises(BroadcastError) as refused:
            async with db.transaction() as uow:
                await broadcasts.create_broadcast(
                    uow,
                    SETTINGS,
                    text=text,
                    segment=Segment(),
                    created_by="a",
                    preview_chat_id=1,
                    now=NOW,
                    button_text=label,
                    button_url=url,
                )
        assert refused.value.code == code, text[:10]


async def test_control_characters_are_dropped(db: Database) -> None:
    """A NUL pasted into the form or piped to the CLI: PostgreSQL would refuse the row."""
    async with db.transaction() as uow:
        view = await broadcasts.create_broadcast(
            uow, SETTINGS, text="Halo\x00 semua\r\nBaris dua\tok\x1b", segment=Segment(),
            created_by="a", preview_chat_id=1, now=NOW, button_text="Daf\x00tar",
            button_url="https://bpjs.example/\x00",
        )
    assert view.text == "Halo semua\nBaris dua\tok"
    assert (view.button_text, view.button_url) == ("Daftar", "https://bpjs.example/")
    with pytest.raises(BroadcastError) as refused:
        async with db.transaction() as uow:
            await broadcasts.create_broadcast(
                uow, SETTINGS, text="\x00\x07", segment=Segment(), created_by="a",
                preview_chat_id=1, now=NOW,
            )
    assert refused.value.code == "empty_text"


async def test_audience_skips_opted_out_blocked_and_deleted_workers(db: Database) -> None:
    users = [await worker(db, 9000 + n) for n in range(5)]
    async with db.transaction() as uow:
        await broadcasts.opt_out(uow, users[0], NOW)
    async with db.transaction() as uow:
        assert not await broadcasts.opt_out(uow, users[0], NOW)  # once is enough
    async with db.transaction() as uow:
        await mark_blocked(uow, 9001, True)
    async with db.transaction() as uow:
        await delete_personal_data(uow, users[2], NOW)
    async with db.transaction() as uow:
        assert await broadcasts.audience_size(uow, Segment()) == 2
    async with db.transaction() as uow:
        assert await broadcasts.opt_in(uow, users[0])
    async with db.transaction() as uow:
        assert await broadcasts.audience_size(uow, Segment()) == 3


async def test_segments_by_lead_status_language_province_and_source(db: Database) -> None:
    lead_id = await register(db, 9101)  # Lamongan, status baru
    lead = await lead_of(db, lead_id)
    await worker(db, 9102)  # no lead
    english = await worker(db, 9103, language="en")
    async with db.transaction() as uow:
        await sources.create_source(uow, "RADIO", "", NOW)
    async with db.transaction() as uow:
        await sources.record_touch(uow, english, "RADIO", NOW)

    async def size(**fields: object) -> int:
        async with db.transaction() as uow:
            return await broadcasts.audience_size(uow, Segment.from_json(fields))

    assert await size(lead_statuses=list(broadcasts.NOT_YET_ENROLLED)) == 1
    assert await size(lead_statuses=["none"]) == 2
    assert await size(lead_statuses=["terdaftar"]) == 0
    assert await size(provinces=[lead.province_code], occupations=["petani"]) == 1
    assert await size(branches=[lead.branch_code], languages=["en"]) == 0
    assert await size(languages=["en"]) == 1
    assert await size(sources=["RADIO"]) == 1


async def test_preview_first_then_second_approval_above_the_threshold(db: Database) -> None:
    for n in range(3):
        await worker(db, 9200 + n)
    broadcast_id = await create(db)

    async def request(by: str) -> Decision:
        async with db.transaction() as uow:
            return await broadcasts.request_send(
                uow, SMALL, broadcast_id=broadcast_id, by=by, now=NOW
            )

    assert await request("akun:ani") == Decision.PREVIEW_PENDING
    await preview_delivered(db, broadcast_id)
    assert await request("akun:ani") == Decision.AWAITING_APPROVAL
    assert await request("akun:ani") == Decision.WRONG_STATUS

    async def approve(by: str) -> Decision:
        async with db.transaction() as uow:
            return await broadcasts.approve(uow, SMALL, broadcast_id=broadcast_id, by=by, now=NOW)

    assert await approve("akun:ani") == Decision.SAME_PERSON
    await worker(db, 9210)  # joins after the request: still in, recipients are fixed at approval
    assert await approve("akun:budi") == Decision.SENDING
    async with db.transaction() as uow:
        view = await broadcasts.get_broadcast(uow, SMALL, broadcast_id, NOW)
    assert view is not None and view.status == "sending" and view.approved_by == "akun:budi"
    assert view.progress.recipients == 4 and view.progress.remaining == 4
    assert view.progress.eta_seconds == 1 and view.needs_second_approval
    await worker(db, 9211)  # too late for this one
    assert len(await statuses(db, broadcast_id)) == 4


async def test_small_broadcast_starts_at_once_and_empty_ones_do_not(db: Database) -> None:
    empty = await create(db, Segment(languages=("en",)))
    await preview_delivered(db, empty)
    async with db.transaction() as uow:
        assert (
            await broadcasts.request_send(uow, SMALL, broadcast_id=empty, by="a", now=NOW)
            == Decision.EMPTY
        )
    await worker(db, 9300)
    small = await create(db)
    await preview_delivered(db, small)
    async with db.transaction() as uow:
        assert (
            await broadcasts.request_send(uow, SMALL, broadcast_id=small, by="a", now=NOW)
            == Decision.SENDING
        )


async def started(db: Database, count: int, base: int) -> int:
    for n in range(count):
        await worker(db, base + n)
    broadcast_id = await create(db)
    await preview_delivered(db, broadcast_id)
    settings = SMALL.with_overrides(broadcast_approval_threshold=1000)
    async with db.transaction() as uow:
        decision = await broadcasts.request_send(
            uow, settings, broadcast_id=broadcast_id, by="a", now=NOW
        )
    assert decision == Decision.SENDING
    return broadcast_id


async def test_waves_settle_each_outcome(db: Database) -> None:
    broadcast_id = await started(db, 6, 9400)
    async with db.transaction() as session:
        blocked_user = (
            await session.execute(select(User.id).where(User.telegram_id == 9401))
        ).scalar_one()
    async with db.transaction() as uow:
        await broadcasts.opt_out(uow, (await worker(db, 9402)), NOW)  # after sending started
    async with db.transaction() as uow:
        wave = await broadcasts.claim_wave(
            uow, broadcast_id=broadcast_id, holder="A", size=10, now=NOW
        )
    assert sorted(d.telegram_id for d in wave) == [9400, 9401, 9403, 9404, 9405]
    results = [
        (wave[0].user_id, Outcome.SENT, None),
        (blocked_user, Outcome.BLOCKED, "blocked the bot"),
        (wave[2].user_id, Outcome.RETRY, "429"),
        (wave[3].user_id, Outcome.FAILED, "chat not found"),
        (wave[4].user_id, Outcome.UNKNOWN, "timed out"),
    ]
    async with db.transaction() as uow:
        await broadcasts.record_wave(
            uow, broadcast_id=broadcast_id, holder="A", results=results, now=NOW
        )
    assert await statuses(db, broadcast_id) == {
        9400: "sent",
        9401: "blocked",
        9402: "skipped",
        9403: "pending",
        9404: "failed",
        9405: "unknown",
    }
    async with db.transaction() as session:
        user = await session.get(User, blocked_user)
        assert user is not None and user.blocked_at is not None
    async with db.transaction() as uow:
        assert not await broadcasts.finish_if_done(uow, broadcast_id, NOW)
    async with db.transaction() as uow:
        [retry] = await broadcasts.claim_wave(
            uow, broadcast_id=broadcast_id, holder="A", size=10, now=NOW
        )
    async with db.transaction() as uow:
        await broadcasts.record_wave(
            uow,
            broadcast_id=broadcast_id,
            holder="A",
            results=[(retry.user_id, Outcome.SENT, None)],
            now=NOW + timedelta(seconds=1),
        )
    async with db.transaction() as uow:
        assert (
            await broadcasts.claim_wave(
                uow, broadcast_id=broadcast_id, holder="A", size=10, now=NOW
            )
            == []
        )
    async with db.transaction() as uow:
        assert await broadcasts.finish_if_done(uow, broadcast_id, NOW)
    async with db.transaction() as uow:
        view = await broadcasts.get_broadcast(uow, SETTINGS, broadcast_id, NOW)
    assert view is not None and view.status == "done"
    progress = view.progress
    assert (progress.sent, progress.blocked, progress.skipped, progress.failed) == (2, 1, 1, 1)
    assert (progress.unknown, progress.remaining, progress.eta_seconds) == (1, 0, None)


async def test_a_dead_senders_wave_is_never_sent_again(db: Database) -> None:
    broadcast_id = await started(db, 5, 9500)
    async with db.transaction() as uow:
        assert await broadcasts.hold_sender_lease(uow, "A", NOW, timedelta(seconds=20))
    async with db.transaction() as uow:
        assert not await broadcasts.hold_sender_lease(uow, "B", NOW, timedelta(seconds=20))
    async with db.transaction() as uow:
        wave = await broadcasts.claim_wave(
            uow, broadcast_id=broadcast_id, holder="A", size=2, now=NOW
        )
    # A dies here. B takes over once A's lease has expired.
    later = NOW + timedelta(seconds=21)
    async with db.transaction() as uow:
        assert await broadcasts.hold_sender_lease(uow, "B", later, timedelta(seconds=20))
    async with db.transaction() as uow:
        assert await broadcasts.settle_orphans(uow) == 2
    async with db.transaction() as uow:
        rest = await broadcasts.claim_wave(
            uow, broadcast_id=broadcast_id, holder="B", size=10, now=later
        )
    assert {d.user_id for d in rest}.isdisjoint({d.user_id for d in wave}) and len(rest) == 3
    # A wakes up late: its results no longer apply.
    async with db.transaction() as uow:
        await broadcasts.record_wave(
            uow,
            broadcast_id=broadcast_id,
            holder="A",
            results=[(d.user_id, Outcome.SENT, None) for d in wave],
            now=later,
        )
    assert sorted((await statuses(db, broadcast_id)).values()) == [
        "sending",
        "sending",
        "sending",
        "unknown",
        "unknown",
    ]


async def test_retries_are_capped(db: Database) -> None:
    broadcast_id = await started(db, 1, 9600)
    for _ in range(broadcasts.MAX_ATTEMPTS):
        async with db.transaction() as uow:
            [delivery] = await broadcasts.claim_wave(
                uow, broadcast_id=broadcast_id, holder="A", size=1, now=NOW
            )
        async with db.transaction() as uow:
            await broadcasts.record_wave(
                uow,
                broadcast_id=broadcast_id,
                holder="A",
                results=[(delivery.user_id, Outcome.RETRY, "502")],
                now=NOW,
            )
    assert await statuses(db, broadcast_id) == {9600: "failed"}


async def test_pause_resume_cancel(db: Database) -> None:
    broadcast_id = await started(db, 2, 9700)
    async with db.transaction() as uow:
        assert await broadcasts.set_paused(uow, broadcast_id=broadcast_id, paused=True)
    async with db.transaction() as uow:
        assert (
            await broadcasts.claim_wave(uow, broadcast_id=broadcast_id, holder="A", size=5, now=NOW)
            == []
        )
    async with db.transaction() as uow:
        assert await broadcasts.next_message(uow) is None
    async with db.transaction() as uow:
        assert not await broadcasts.set_paused(uow, broadcast_id=broadcast_id, paused=True)
    async with db.transaction() as uow:
        assert await broadcasts.set_paused(uow, broadcast_id=broadcast_id, paused=False)
    async with db.transaction() as uow:
        message = await broadcasts.next_message(uow)
    assert message is not None and message.button_url == "https://bpjs.example/"
    async with db.transaction() as uow:
        assert await broadcasts.cancel(uow, broadcast_id=broadcast_id, now=NOW)
    async with db.transaction() as uow:
        assert not await broadcasts.cancel(uow, broadcast_id=broadcast_id, now=NOW)
    async with db.transaction() as uow:
        assert [v.status for v in await broadcasts.list_broadcasts(
            uow, SETTINGS, NOW
        )] == ["cancelled"]
