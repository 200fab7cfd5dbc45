"""Tracked outbox sends (bot.outbox_sending) in both senders, with a scripted Bot stand-in on
the real database: the start of a send is committed before the request; a send whose outcome
is unknown (a timeout, a dropped connection, a crash mid-request) is sent again marked as a
possible repeat; a refusal that proves nothing was sent is retried unmarked."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import httpx
import pytest
from sqlalchemy import select, update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot import handoff
from bot.clock import utcnow
from bot.delivery import OutboxSender
from bot.i18n import _
from bot.outbox_sending import POSSIBLE_REPEAT, READ_TIMEOUT, maybe_delivered
from bot.presentation.lead_cards import CARD_REPEAT_MARKER
from db.engine import Database
from db.models import CampaignMessage, OutboxMessage
from db.repositories.outbox import OutboxRepository
from tests.campaign.helpers import ADMIN, ADMIN_GROUP, NOW, SETTINGS, worker
from tests.campaign.test_campaign_jobs import drain, outbox_sender
from tests.campaign.test_handoff import submit
from tests.db.test_leads import register

CARD_MARKER = _(CARD_REPEAT_MARKER, "id")


def caused(error: TelegramError, cause: Exception) -> TelegramError:
    """The error as python-telegram-bot raises it: ``raise ... from`` the httpx error."""
    error.__cause__ = cause
    return error


READ_TIMED_OUT = caused(TimedOut(), httpx.ReadTimeout("read"))
DROPPED = caused(NetworkError("httpx.RemoteProtocolError: closed"), httpx.RemoteProtocolError("x"))
POOL_FULL = caused(TimedOut("Pool timeout"), httpx.PoolTimeout("pool"))
NOT_CONNECTED = caused(NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("refused"))
SERVER_ERROR = NetworkError("Internal Server Error")  # an answer from Telegram: no httpx cause


@pytest.mark.parametrize(
    ("error", "maybe"),
    [
        (READ_TIMED_OUT, True),
        (DROPPED, True),
        (POOL_FULL, False),
        (caused(TimedOut(), httpx.ConnectTimeout("connect")), False),
        (NOT_CONNECTED, False),
        (SERVER_ERROR, False),
        (RetryAfter(3), False),
        # The bot's own client (bot.telegram_request) raises from aiohttp's errors.
        (caused(TimedOut(), aiohttp.SocketTimeoutError("read")), True),
        (caused(NetworkError("aiohttp"), aiohttp.ServerDisconnectedError()), True),
        (caused(TimedOut(), aiohttp.ConnectionTimeoutError("pool")), False),
        (caused(NetworkError("aiohttp"), aiohttp.ClientConnectorError(None, OSError(111, "refused"))), False),  # noqa: E501
    ],
)
def test_which_failures_may_have_been_delivered(error: TelegramError, maybe: bool) -> None:
    assert maybe_delivered(error) is maybe


@dataclass
class Sent:
    chat_id: int
    text: str
    kwargs: dict[str, Any]


@dataclass
class ScriptedBot:
    """``send_message``: raises the next entry of ``script`` (None: succeeds), then succeeds.
    ``before_send`` runs inside each call, as if the request were on its way."""

    script: list[BaseException | None] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    tried: list[str] = field(default_factory=list)
    before_send: Any = None
    next_id: int = 5000

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
        self.tried.append(text)
        if self.before_send is not None:
            await self.before_send()
        if self.script:
            error = self.script.pop(0)
            if error is not None:
                raise error
        self.sent.append(Sent(chat_id, text, kwargs))
        self.next_id += 1
        return _Message(self.next_id)


@dataclass
class _Message:
    message_id: int


def hung_bot() -> tuple[ScriptedBot, asyncio.Event]:
    """A Bot whose request never gets an answer, and the event set once one is on its way."""
    in_flight = asyncio.Event()

    async def never_answers() -> None:
        in_flight.set()
        await asyncio.Event().wait()

    return ScriptedBot(before_send=never_answers), in_flight


def lead_sender(db: Database, bot: ScriptedBot) -> OutboxSender:
    sender = OutboxSender(db, bot, SETTINGS)  # type: ignore[arg-type]
    sender._next_reminder_check = utcnow() + timedelta(days=1)  # no reminders in these tests
    return sender


async def drain_leads(sender: OutboxSender) -> None:
    # Each round later than the last, so that a retry's backoff has passed.
    for minute in range(1, 20):
        if await sender.run_once(utcnow() + timedelta(minutes=minute)) == 0:
            return


async def outbox_row(db: Database) -> OutboxMessage:
    async with db.transaction() as session:
        return (await session.execute(select(OutboxMessage))).scalars().one()


async def test_a_card_send_is_recorded_as_started_before_the_request(db: Database) -> None:
    await register(db, 7101, place="Lamongan")  # no branch group: the admin group
    seen: list[datetime | None] = []

    async def look() -> None:
        seen.append((await outbox_row(db)).send_started_at)

    bot = ScriptedBot(before_send=look)
    await drain_leads(lead_sender(db, bot))
    [card] = bot.sent
    assert seen[0] is not None  # committed while the request was on its way
    assert card.chat_id == ADMIN_GROUP and card.text.startswith("📝 <b>Lead baru #")
    assert card.kwargs["read_timeout"] == READ_TIMEOUT  # slow answers are waited for
    row = await outbox_row(db)
    assert row.status == "sent" and row.send_started_at is None and row.uncertain_sends == 0


@pytest.mark.parametrize("error", [READ_TIMED_OUT, DROPPED], ids=["read timeout", "dropped"])
async def test_a_card_whose_send_may_have_arrived_is_sent_again_marked(
    db: Database, error: TelegramError
) -> None:
    lead_id = await register(db, 7102, place="Lamongan")
    bot = ScriptedBot(script=[error])
    sender = lead_sender(db, bot)
    await drain_leads(sender)
    [card] = bot.sent  # the first try may have arrived as well: this one says so
    first_line, rest = card.text.split("\n", 1)
    assert first_line == CARD_MARKER == "🔁 Dikirim ulang — kartu ini mungkin sudah ada di atas."
    assert rest.startswith(f"📝 <b>Lead baru #{lead_id}</b>")
    assert bot.tried[0] == rest  # the first try was the plain card
    row = await outbox_row(db)
    assert row.status == "sent" and row.uncertain_sends == 1 and row.send_started_at is None
    assert sender.stats == {"outcome_unknown": 1, "sent": 1, "sent_marked": 1}


@pytest.mark.parametrize(
    "error",
    [SERVER_ERROR, POOL_FULL, NOT_CONNECTED, RetryAfter(1)],
    ids=["500", "pool full", "not connected", "429"],
)
async def test_a_card_refused_for_sure_is_sent_again_unmarked(
    db: Database, error: TelegramError
) -> None:
    await register(db, 7103, place="Lamongan")
    bot = ScriptedBot(script=[error])
    sender = lead_sender(db, bot)
    await drain_leads(sender)
    [card] = bot.sent
    assert card.text.startswith("📝 <b>Lead baru #")
    row = await outbox_row(db)
    assert row.status == "sent" and row.uncertain_sends == 0 and row.attempts == 2
    assert sender.stats == {"sent": 1}


async def test_a_card_in_flight_when_the_sender_died_is_sent_again_marked(db: Database) -> None:
    await register(db, 7104, place="Lamongan")
    first, in_flight = hung_bot()
    task = asyncio.create_task(lead_sender(db, first).run_once())
    await in_flight.wait()
    task.cancel()  # the process dies with the request in flight
    await asyncio.gather(task, return_exceptions=True)
    row = await outbox_row(db)
    assert row.status == "pending" and row.send_started_at is not None
    async with db.transaction() as session:  # its lease runs out
        await session.execute(update(OutboxMessage).values(locked_until=None))
    second = ScriptedBot()
    restarted = lead_sender(db, second)
    await drain_leads(restarted)
    [card] = second.sent
    assert card.text.split("\n", 1)[0] == CARD_MARKER
    row = await outbox_row(db)
    assert row.status == "sent" and row.uncertain_sends == 1
    assert restarted.stats == {"sent": 1, "sent_marked": 1}


async def test_a_sender_whose_claim_was_taken_does_not_send(db: Database) -> None:
    await register(db, 7105, place="Lamongan")
    now = utcnow()
    async with db.transaction() as session:
        [mine] = await OutboxRepository(session).claim_due(
            now, timedelta(seconds=1), 10, use_skip_locked=not db.is_sqlite
        )
        my_lease = mine.locked_until
    later = now + timedelta(seconds=2)  # my lease ran out: another sender claims the row
    async with db.transaction() as session:
        [theirs] = await OutboxRepository(session).claim_due(
            later, timedelta(seconds=60), 10, use_skip_locked=not db.is_sqlite
        )
    bot = ScriptedBot()
    assert my_lease is not None
    await lead_sender(db, bot)._deliver(theirs.id, my_lease)
    assert bot.tried == []
    assert (await outbox_row(db)).send_started_at is None


# --- the campaign outbox -----------------------------------------------------------------------


async def test_a_staff_answer_that_timed_out_is_sent_again_marked_in_the_workers_language(
    db: Database,
) -> None:
    user = await worker(db, 7201, language="en")
    bot = ScriptedBot()
    sender = outbox_sender(db, bot)
    await submit(db, user, "When?", language="en")
    await drain(sender)
    [ticket] = bot.sent
    assert ticket.chat_id == ADMIN_GROUP and ticket.kwargs["read_timeout"] == READ_TIMEOUT
    async with db.transaction() as uow:
        await handoff.relay_staff_reply(
            uow,
            SETTINGS,
            chat_id=ADMIN_GROUP,
            reply_to_message_id=bot.next_id,
            staff_message_id=700,
            staff_telegram_id=ADMIN,
            text="Tomorrow at 9.",
            now=NOW,
        )
    bot.script = [READ_TIMED_OUT]
    await drain(sender)
    [answer] = [s for s in bot.sent if s.chat_id == 7201]
    first_line, rest = answer.text.split("\n", 1)
    assert first_line == _(POSSIBLE_REPEAT, "en")
    assert first_line == "🔁 Sent again — this message may already be above."
    assert "Tomorrow at 9." in rest and bot.tried[-2] == rest
    async with db.transaction() as session:
        rows = (await session.execute(select(CampaignMessage).order_by(CampaignMessage.id))).all()
    assert [(r.status, r.uncertain_sends) for (r,) in rows] == [("sent", 0), ("sent", 1)]
    assert sender.stats == {"sent": 2, "outcome_unknown": 1, "sent_marked": 1}


async def test_a_ticket_post_in_flight_when_the_sender_died_is_sent_again_marked(
    db: Database,
) -> None:
    user = await worker(db, 7202)
    await submit(db, user, "Kapan?")
    first, in_flight = hung_bot()
    task = asyncio.create_task(outbox_sender(db, first).run_once(NOW + timedelta(hours=1)))
    await in_flight.wait()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    second = ScriptedBot()
    # Two hours on: the dead sender's lease has run out.
    await outbox_sender(db, second).run_once(NOW + timedelta(hours=3))
    [post] = second.sent
    first_line, rest = post.text.split("\n", 1)
    assert first_line == "🔁 Dikirim ulang — pesan ini mungkin sudah ada di atas."
    assert rest == first.tried[0]


@pytest.mark.parametrize(
    "refusal",
    [Forbidden("bot was kicked from the supergroup chat"), BadRequest("Chat not found")],
    ids=["403", "400"],
)
async def test_an_admin_group_that_refuses_cards_is_retried_with_backoff(
    db: Database, refusal: TelegramError
) -> None:
    """No branch group, and the admin group refuses (bot removed, wrong ADMIN_GROUP_ID): the
    card waits longer after each refusal instead of being retried every second."""
    await register(db, 7105, place="Lamongan")
    bot = ScriptedBot(script=[refusal, refusal, refusal])
    sender = lead_sender(db, bot)
    delays = []
    for _round in range(3):
        now = utcnow() + timedelta(minutes=10 * _round)
        assert await sender.run_once(now) == 1
        row = await outbox_row(db)
        assert row.status == "pending"
        assert row.next_attempt_at is not None
        delays.append(row.next_attempt_at - utcnow())
    assert delays[0] >= timedelta(seconds=1.5)
    assert delays[0] < delays[1] < delays[2]
    assert bot.sent == [] and len(bot.tried) == 3
