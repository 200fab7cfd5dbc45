"""Tracked outbox sends (bot.outbox.tracking) in both queues, with a scripted Bot stand-in on
the real database: the start of a send is committed before the request; a send whose outcome
is unknown (a timeout, a dropped connection, a crash mid-request) is sent again marked as a
possible repeat; a refusal that proves nothing was sent is retried unmarked."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import httpx
import pytest
from sqlalchemy import select, update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot import handoff
from bot.clock import utcnow
from bot.i18n import _
from bot.leads import OUTBOX_LEAD_CARD
from bot.outbox.queues import LEADS
from bot.outbox.sender import OutboxSender
from bot.outbox.tasks import TASKS_KEY, start_outbox, stop_outbox
from bot.outbox.tracking import POSSIBLE_REPEAT, READ_TIMEOUT, maybe_delivered
from bot.presentation.lead_cards import CARD_REPEAT_MARKER
from bot.routing import load_directory
from bot.services import SERVICES_KEY, Services
from bot.settings import Settings
from db.engine import Database
from db.models import CampaignMessage, OutboxMessage
from db.repositories.outbox import OutboxRepository
from tests.campaign.helpers import ADMIN, ADMIN_GROUP, NOW, SETTINGS, lead_of, link_group, worker
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
    edited: list[Sent] = field(default_factory=list)
    edit_error: BaseException | None = None  # raised by every edit_message_text

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


    async def edit_message_text(self, text: str, **kwargs: Any) -> Any:
        self.tried.append(text)
        if self.edit_error is not None:
            raise self.edit_error
        self.edited.append(Sent(kwargs["chat_id"], text, kwargs))
        return True


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


def lead_sender(db: Database, bot: ScriptedBot, settings: Settings = SETTINGS) -> OutboxSender:
    sender = OutboxSender(db, bot, settings, LEADS)  # type: ignore[arg-type]
    sender._next_housekeeping = utcnow() + timedelta(days=1)  # no reminders in these tests
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
    await lead_sender(db, bot)._deliver(theirs.id, my_lease, later, lambda: later)
    assert bot.tried == []
    assert (await outbox_row(db)).send_started_at is None


KICKED = Forbidden("Forbidden: bot was kicked from the supergroup chat")
BRANCH_GROUP = -100_4242


async def test_a_card_its_branch_group_refuses_goes_to_the_admin_group(db: Database) -> None:
    lead_id = await register(db, 7106, place="Lamongan")
    await link_group(db, BRANCH_GROUP, (await lead_of(db, lead_id)).branch_code)
    bot = ScriptedBot(script=[KICKED])
    sender = lead_sender(db, bot)
    await drain_leads(sender)
    [card] = bot.sent  # the refused try proves nothing arrived: no repeat line
    assert card.chat_id == ADMIN_GROUP and card.text.startswith(f"📝 <b>Lead baru #{lead_id}")
    row = await outbox_row(db)
    assert row.status == "sent" and row.chat_id == ADMIN_GROUP and row.attempts == 2
    assert row.payload["tried"] == [BRANCH_GROUP] and row.uncertain_sends == 0
    lead = await lead_of(db, lead_id)
    assert (lead.card_chat_id, lead.card_message_id) == (ADMIN_GROUP, bot.next_id)


async def test_a_card_refused_with_no_admin_group_waits_for_a_group(db: Database) -> None:
    lead_id = await register(db, 7107, place="Lamongan")
    await link_group(db, BRANCH_GROUP, (await lead_of(db, lead_id)).branch_code)
    bot = ScriptedBot(script=[KICKED])
    sender = lead_sender(db, bot, replace(SETTINGS, admin_group_id=None))
    for round_ in range(1, 16):  # more rounds than MAX_ATTEMPTS: a card is never given up
        await sender.run_once(utcnow() + timedelta(minutes=10 * round_))
    assert bot.sent == [] and len(bot.tried) == 1
    row = await outbox_row(db)
    assert row.status == "pending" and row.last_error == "no branch group and no admin group"
    assert row.payload["tried"] == [BRANCH_GROUP] and row.send_started_at is None


async def test_a_card_already_posted_is_edited_in_place(db: Database) -> None:
    lead_id = await register(db, 7108, place="Lamongan")
    bot = ScriptedBot()
    sender = lead_sender(db, bot)
    await drain_leads(sender)
    [posted] = bot.sent
    async with db.transaction() as session:  # as a deletion re-renders the card
        OutboxRepository(session).add(
            OUTBOX_LEAD_CARD, lead_id=lead_id, payload={"updated": False}, now=utcnow()
        )
    await drain_leads(sender)
    [edit] = bot.edited
    assert len(bot.sent) == 1 and edit.kwargs["message_id"] == bot.next_id
    assert edit.chat_id == ADMIN_GROUP and edit.text == posted.text
    assert edit.kwargs["read_timeout"] == READ_TIMEOUT
    bot.edit_error = BadRequest("Message to edit not found")  # staff deleted it: post anew
    async with db.transaction() as session:
        OutboxRepository(session).add(
            OUTBOX_LEAD_CARD, lead_id=lead_id, payload={"updated": False}, now=utcnow()
        )
    await drain_leads(sender)
    assert len(bot.sent) == 2 and bot.sent[1].text == posted.text
    assert (await lead_of(db, lead_id)).card_message_id == bot.next_id


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


async def test_a_ticket_every_group_refused_starts_over_after_a_wait(db: Database) -> None:
    """The admin group refused the ticket (its only group): five minutes on, it is tried again
    rather than given up."""
    user = await worker(db, 7203)
    await submit(db, user, "Kapan?")
    bot = ScriptedBot(script=[KICKED])
    sender = outbox_sender(db, bot)
    for minute in range(10):
        await sender.run_once(NOW + timedelta(hours=1, minutes=minute))
    [post] = bot.sent
    assert post.chat_id == ADMIN_GROUP and len(bot.tried) == 2
    async with db.transaction() as session:
        row = (await session.execute(select(CampaignMessage))).scalars().one()
    assert row.status == "sent" and row.attempts == 3 and row.payload["tried"] == []
    assert row.uncertain_sends == 0


# --- the running senders ------------------------------------------------------------------------


@dataclass
class _Application:
    bot: ScriptedBot
    bot_data: dict[str, Any]


async def test_the_outbox_tasks_send_what_either_queue_holds(db: Database) -> None:
    """bot.app starts one sender task per queue, sharing Services' one wake event."""
    async with db.transaction() as uow:
        directory = await load_directory(uow)
    services = Services(SETTINGS, db, directory)
    both_sent = asyncio.Event()

    async def count() -> None:
        if len(bot.tried) == 2:
            both_sent.set()

    bot = ScriptedBot(before_send=count)
    application = _Application(bot, {SERVICES_KEY: services})
    await start_outbox(application)
    try:
        assert services.outbox_wake is not None and not services.outbox_wake.is_set()
        assert {task.get_name() for task in application.bot_data[TASKS_KEY]} == {
            "outbox",
            "campaign-outbox",
        }
        lead_id = await register(db, 7301, place="Lamongan")
        await submit(db, await worker(db, 7302), "Kapan?", when=utcnow())
        services.wake_outbox()
        await asyncio.wait_for(both_sent.wait(), 20)
        for _wait in range(100):  # until both sends are recorded
            if await _all_sent(db):
                break
            await asyncio.sleep(0.05)
    finally:
        await stop_outbox(application)
        # A sender cancelled mid-query leaves SQLite's worker thread an answer to deliver:
        # let it arrive before the test's event loop closes.
        await asyncio.sleep(0.2)
    assert TASKS_KEY not in application.bot_data and await _all_sent(db)
    card, ticket = sorted(bot.sent, key=lambda s: s.text)
    assert card.text.startswith(f"📝 <b>Lead baru #{lead_id}") and "Kapan?" in ticket.text


async def _all_sent(db: Database) -> bool:
    async with db.transaction() as session:
        rows = [
            *(await session.execute(select(OutboxMessage.status))).scalars(),
            *(await session.execute(select(CampaignMessage.status))).scalars(),
        ]
    return rows == ["sent", "sent"]
