"""The senders with a recording Bot stand-in: tickets and answers in order, group fallback,
broadcast pacing, a stop that loses nothing, a kill that sends nobody twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import select
from telegram.error import Forbidden

from bot import broadcasts, handoff
from bot.broadcasts import Segment
from bot.campaign_jobs import BroadcastSender
from bot.clock import utcnow
from bot.outbox.queues import CAMPAIGN
from bot.outbox.sender import OutboxSender
from db.engine import Database
from db.models import BroadcastRecipient, CampaignMessage, User
from tests.campaign.helpers import (
    ADMIN,
    ADMIN_GROUP,
    NOW,
    SETTINGS,
    FakeBot,
    lead_of,
    link_group,
    register,
    worker,
)
from tests.campaign.test_handoff import submit


def outbox_sender(db: Database, bot: FakeBot) -> OutboxSender:
    """The campaign queue's sender."""
    sender = OutboxSender(db, bot, SETTINGS, CAMPAIGN)  # type: ignore[arg-type]
    sender._next_housekeeping = utcnow() + timedelta(days=1)
    return sender


async def drain(sender: OutboxSender) -> None:
    # Each round a minute later than the last, so that the round after a retry finds it due.
    for minute in range(20):
        if await sender.run_once(NOW + timedelta(hours=1, minutes=minute)) == 0:
            return


async def test_ticket_round_trip_in_order_with_group_fallback(db: Database) -> None:
    lead_id = await register(db, 8101)
    lead = await lead_of(db, lead_id)
    assert lead.user_id is not None
    await link_group(db, -3001, lead.branch_code)
    bot = FakeBot(fail={-3001: Forbidden("bot was kicked from the supergroup chat")})
    sender = outbox_sender(db, bot)
    async with db.transaction() as uow:
        await handoff.submit_question(
            uow, SETTINGS, user_id=lead.user_id, text="Kapan <dihubungi>?", language="id", now=NOW
        )
    await drain(sender)
    [posted] = bot.to(ADMIN_GROUP)  # the branch group threw the bot out: the admin group
    assert "Kapan &lt;dihubungi&gt;?" in posted.text and "#1" in posted.text
    assert posted.reply_markup is not None
    async with db.transaction() as session:
        opening = (await session.execute(select(CampaignMessage))).scalars().one()
        assert opening.status == "sent" and opening.chat_id == ADMIN_GROUP
    for n, text in enumerate(("Besok jam 9.", "Bawa KTP ya.", "Terima kasih.")):
        async with db.transaction() as uow:
            result = await handoff.relay_staff_reply(
                uow,
                SETTINGS,
                chat_id=ADMIN_GROUP,
                reply_to_message_id=bot.next_id,
                staff_message_id=500 + n,
                staff_telegram_id=ADMIN,
                text=text,
                now=NOW,
            )
        assert result.outcome == handoff.ReplyOutcome.RELAYED
    await drain(sender)
    answers = bot.to(8101)
    assert [a.text.split("\n")[1] for a in answers] == [
        "Besok jam 9.",
        "Bawa KTP ya.",
        "Terima kasih.",
    ]
    assert answers[0].text.startswith("💬 <b>Petugas BPJS Ketenagakerjaan Cabang ")
    assert answers[0].reply_markup is not None  # "reply to staff"


async def test_blocked_worker_is_marked_and_staff_are_told(db: Database) -> None:
    user = await worker(db, 8201)
    bot = FakeBot(fail={8201: Forbidden("Forbidden: bot was blocked by the user")})
    sender = outbox_sender(db, bot)
    await submit(db, user, "Halo")  # no lead: routed by place, to the admin group
    await drain(sender)
    async with db.transaction() as uow:
        await handoff.relay_staff_reply(
            uow,
            SETTINGS,
            chat_id=ADMIN_GROUP,
            reply_to_message_id=bot.next_id,
            staff_message_id=900,
            staff_telegram_id=ADMIN,
            text="Halo",
            now=NOW,
        )
    await drain(sender)
    assert "tidak terkirim" in bot.to(ADMIN_GROUP)[-1].text
    async with db.transaction() as session:
        assert (await session.get(User, user)).blocked_at is not None  # type: ignore[union-attr]


async def start_broadcast(db: Database, count: int, base: int) -> int:
    for n in range(count):
        await worker(db, base + n)
    async with db.transaction() as uow:
        view = await broadcasts.create_broadcast(
            uow,
            SETTINGS,
            text="Ayo daftar!",
            segment=Segment(),
            created_by="a",
            preview_chat_id=1,
            now=NOW,
        )
    async with db.transaction() as session:
        await broadcasts.record_preview(session, view.id, NOW)
    async with db.transaction() as uow:
        await broadcasts.request_send(uow, SETTINGS, broadcast_id=view.id, by="a", now=NOW)
    return view.id


def max_in_any_second(times: list[float]) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def sent_at_least(bot: FakeBot, count: int) -> None:
    for _ in range(5000):
        if len(bot.sent) >= count:
            return
        await asyncio.sleep(0.001)
    raise AssertionError(f"only {len(bot.sent)} sent")


async def recipient_statuses(db: Database) -> Counter[str]:
    async with db.transaction() as session:
        rows = (await session.execute(select(BroadcastRecipient.status))).scalars().all()
    return Counter(rows)


async def test_broadcast_is_paced_and_blocked_users_are_marked(db: Database) -> None:
    await start_broadcast(db, 45, 20_000)
    bot = FakeBot(fail={20_007: Forbidden("Forbidden: bot was blocked by the user")})
    sender = BroadcastSender(db, bot, SETTINGS.with_overrides(broadcast_rate=30), "A")  # type: ignore[arg-type]
    started = asyncio.get_running_loop().time()
    while await sender.run_once():
        pass
    elapsed = asyncio.get_running_loop().time() - started
    assert len(bot.sent) == 44 and elapsed >= 1.3
    assert max_in_any_second([s.at for s in bot.sent]) <= 30
    assert await recipient_statuses(db) == Counter({"sent": 44, "blocked": 1})
    async with db.transaction() as uow:
        [view] = await broadcasts.list_broadcasts(uow, SETTINGS, NOW)
    assert view.status == "done"


async def test_stop_finishes_the_wave_and_a_kill_never_sends_twice(db: Database) -> None:
    await start_broadcast(db, 60, 30_000)
    bot = FakeBot(latency=0.01)
    settings = SETTINGS.with_overrides(broadcast_rate=30)
    first = BroadcastSender(db, bot, settings, "first")  # type: ignore[arg-type]
    task = asyncio.create_task(first.run_forever())
    await sent_at_least(bot, 10)
    await first.stop(task)  # graceful: nothing left in flight
    counts = await recipient_statuses(db)
    assert counts["sent"] == len(bot.sent) and counts["sending"] == 0 and counts["unknown"] == 0

    second = BroadcastSender(db, bot, settings, "second")  # type: ignore[arg-type]
    task = asyncio.create_task(second.run_forever())
    await sent_at_least(bot, 30)
    task.cancel()  # killed mid-wave: its in-flight rows stay "sending"
    await asyncio.gather(task, return_exceptions=True)
    await asyncio.sleep(0.05)
    third = BroadcastSender(db, bot, settings, "third")  # type: ignore[arg-type]
    while await third.run_once():
        pass
    counts = await recipient_statuses(db)
    per_chat = Counter(s.chat_id for s in bot.sent)
    assert max(per_chat.values()) == 1  # nobody twice
    assert counts["sent"] + counts["unknown"] == 60 and counts["unknown"] <= third.wave_size
    assert len(per_chat) >= counts["sent"]
