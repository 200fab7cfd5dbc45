"""The campaign tools' background work, one task each in every bot process:

* :class:`CampaignOutboxSender` sends the campaign outbox (tickets to staff groups, staff
  answers to workers, follow-up questions, alerts to branches, broadcast previews). Rows are
  claimed with a lease (``SKIP LOCKED`` on PostgreSQL) as ``bot.delivery`` does, so each goes
  out from one process; a ticket's messages go out in order. Its sends are tracked as the lead
  cards' are (``bot.outbox_sending``): one whose outcome is unknown is sent again marked as a
  possible repeat, in the reader's language, never silently twice. Every minute it also queues
  due follow-up questions and closes idle tickets (both safe to run in every process).
* :class:`BroadcastSender` sends broadcasts. A job lease in the database makes one process the
  sender at a time, so the pace (``BROADCAST_RATE``, evenly spaced, never in bursts) holds for
  the whole deployment; a sender that dies is replaced when its lease expires. It starts
  scheduled broadcasts when their time comes and holds every broadcast's messages inside the
  quiet hours (``BROADCAST_QUIET_HOURS``) but forced ones.

``bot.app.on_startup`` calls :func:`start_campaign_jobs`, ``on_stop`` :func:`stop_campaign_jobs`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import broadcasts, followup, handoff
from bot.clock import utcnow
from bot.handoff import close_idle_tickets
from bot.outbox_sending import (
    IDLE_WAIT_SECONDS,
    LEASE,
    READ_TIMEOUT,
    Attempt,
    TrackedOutboxSender,
    maybe_delivered,
    retry_backoff,
)
from bot.presentation import broadcasts as broadcast_views
from bot.presentation import followups as followup_views
from bot.presentation import handoff as handoff_views
from bot.presentation.lead_cards import STAFF_LANGUAGE, card_keyboard
from bot.services import SERVICES_KEY, Services
from bot.settings import Settings
from bot.users import mark_blocked
from db.engine import Database, UnitOfWork
from db.models import CampaignMessage
from db.repositories.outbox import CampaignOutboxRepository
from db.repositories.send_attempts import end_send

log = logging.getLogger(__name__)

TASKS_KEY = "campaign_tasks"
BATCH = 20
HOUSEKEEPING_EVERY = timedelta(seconds=60)  # at most; see CampaignOutboxSender
MAX_ATTEMPTS = 12
NO_TARGET_RETRY = timedelta(minutes=5)
# The broadcast sender's lease: renewed every wave; a dead sender's expires after this.
SENDER_LEASE_TTL = timedelta(seconds=20)
STOP_WAIT_SECONDS = 10.0


async def start_campaign_jobs(application: Any) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    wake = services.campaign_wake = asyncio.Event()
    outbox = CampaignOutboxSender(services.db, application.bot, services.settings, wake)
    sender = BroadcastSender(services.db, application.bot, services.settings)
    application.bot_data[TASKS_KEY] = (
        outbox,
        sender,
        asyncio.create_task(outbox.run_forever(), name="campaign-outbox"),
        asyncio.create_task(sender.run_forever(), name="broadcasts"),
    )


async def stop_campaign_jobs(application: Any) -> None:
    """Between two messages: the broadcast wave in flight is finished and recorded first."""
    jobs = application.bot_data.pop(TASKS_KEY, None)
    if jobs is None:
        return
    _outbox, sender, outbox_task, sender_task = jobs
    await sender.stop(sender_task)
    outbox_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await outbox_task


# --- the campaign outbox ---------------------------------------------------------------------


@dataclass
class Outgoing:
    """A rendered campaign message: tried on ``targets`` in order (groups fall back to the
    next one when the bot was removed); ``private`` targets are workers."""

    targets: list[int]
    text: str
    keyboard: InlineKeyboardMarkup | None = None
    private: bool = False
    language: str = STAFF_LANGUAGE  # the reader's (a worker's own, in a private chat)
    reply_to: tuple[int, int] | None = None
    note: str | None = None  # a second message after the first (the preview's explanation)
    after_sent: Callable[[UnitOfWork, int, int], Awaitable[None]] | None = None
    after_failed: Callable[[UnitOfWork, str], Awaitable[None]] | None = None
    on_blocked_notice: tuple[int, str] | None = None  # (group, text) when the worker blocked us
    tried: list[int] = field(default_factory=list)


class CampaignOutboxSender(TrackedOutboxSender):
    name = "campaign outbox"
    model = CampaignMessage

    def __init__(self, db: Database, bot: Bot, settings: Settings, wake: asyncio.Event) -> None:
        super().__init__(db, bot, wake)
        self.settings = settings
        # Often enough that a short follow-up delay (a few seconds in a demo) is honoured.
        shortest = min(settings.followup_contact_after, settings.followup_satisfaction_after)
        self.housekeeping_every = max(timedelta(seconds=1), min(HOUSEKEEPING_EVERY, shortest / 2))
        self._next_housekeeping = utcnow()

    async def run_once(self, now: datetime | None = None) -> int:
        now = now or utcnow()
        if now >= self._next_housekeeping:
            self._next_housekeeping = now + self.housekeeping_every
            async with self.db.transaction() as uow:
                queued = await followup.queue_due_followups(uow, self.settings, now)
            async with self.db.transaction() as uow:
                closed = await close_idle_tickets(uow, self.settings, now)
            if queued or closed:
                log.info("follow-up questions queued: %d; idle tickets closed: %d", queued, closed)
        async with self.db.transaction() as session:
            claimed = await CampaignOutboxRepository(session).claim_due(
                now, LEASE, BATCH, use_skip_locked=not self.db.is_sqlite
            )
            leases = [(message.id, message.locked_until) for message in claimed]
        for message_id, claimed_until in leases:
            assert claimed_until is not None
            await self._deliver(message_id, claimed_until, now)
        return len(leases)

    async def _deliver(self, message_id: int, claimed_until: datetime, now: datetime) -> None:
        async with self.db.transaction() as session:
            message = await CampaignOutboxRepository(session).get(message_id)
            if message is None or message.status != "pending":
                return
            outgoing = await self._render(session, message)
            attempts = message.attempts
            tried = [int(chat) for chat in message.payload.get("tried", [])]
            targets = [t for t in outgoing.targets if t not in tried] if outgoing else []
            attempt = None
            if outgoing is not None and targets:
                # Committed with this transaction, before the request (bot.outbox_sending).
                attempt = await self.begin(
                    session,
                    message_id,
                    claimed_until=claimed_until,
                    now=now,
                    language=outgoing.language,
                )
        if outgoing is None:
            await self._finish(message_id, "dropped", None, None, None)
            return
        if not targets:
            if attempts + 1 >= MAX_ATTEMPTS:
                await self._fail(
                    message_id, outgoing, "no group took it", blocked=False, attempted=False
                )
                return
            await self._reschedule(
                message_id, now + NO_TARGET_RETRY, "no group to deliver to", [], attempted=False
            )
            return
        if attempt is None:
            return
        target = targets[0]
        try:
            sent_id = await self._send(target, outgoing, attempt)
        except RetryAfter as error:
            await self._reschedule(message_id, now + _seconds(error.retry_after), "429", tried)
            return
        except (Forbidden, BadRequest) as error:
            if outgoing.private:
                await self._fail(message_id, outgoing, str(error), blocked=_blocked(error))
            else:
                # The bot left that group, or it is gone: the next group in line.
                await self._reschedule(
                    message_id, now + timedelta(seconds=1), str(error), [*tried, target]
                )
            return
        except TelegramError as error:
            unknown = self.outcome_unknown(attempt, error)
            reason = str(error) or type(error).__name__
            if attempts + 1 >= MAX_ATTEMPTS:
                await self._fail(
                    message_id, outgoing, reason, blocked=False, outcome_unknown=unknown
                )
                return
            await self._reschedule(
                message_id,
                now + retry_backoff(attempts),
                reason,
                tried,
                outcome_unknown=unknown,
            )
            return
        self.confirmed(attempt)
        await self._finish(message_id, "sent", outgoing, target, sent_id)

    async def _send(self, chat_id: int, outgoing: Outgoing, attempt: Attempt) -> int:
        reply = None
        if outgoing.reply_to is not None and outgoing.reply_to[0] == chat_id:
            reply = ReplyParameters(outgoing.reply_to[1], allow_sending_without_reply=True)
        sent = await self.bot.send_message(
            chat_id,
            attempt.text(outgoing.text),
            reply_markup=outgoing.keyboard,
            reply_parameters=reply,
            read_timeout=READ_TIMEOUT,
        )
        if outgoing.note:
            try:
                await self.bot.send_message(chat_id, outgoing.note, read_timeout=READ_TIMEOUT)
            except TelegramError:
                log.warning("campaign note to %s not sent", chat_id, exc_info=True)
        return sent.message_id

    async def _render(self, session: UnitOfWork, message: CampaignMessage) -> Outgoing | None:
        render = RENDERERS.get(message.kind)
        if render is None:
            log.error("campaign outbox %s: unknown kind %s", message.id, message.kind)
            return None
        return await render(session, self.settings, message)

    async def _finish(
        self,
        message_id: int,
        status: str,
        outgoing: Outgoing | None,
        chat_id: int | None,
        sent_id: int | None,
    ) -> None:
        async with self.db.transaction() as session:
            message = await CampaignOutboxRepository(session).get(message_id)
            if message is None:
                return
            message.status, message.locked_until = status, None
            message.attempts += 1 if status == "sent" else 0
            if status == "sent":
                end_send(message, outcome_unknown=False)
                message.sent_at, message.chat_id, message.message_id = utcnow(), chat_id, sent_id
                if outgoing is not None and outgoing.after_sent and chat_id and sent_id:
                    await outgoing.after_sent(session, chat_id, sent_id)

    async def _fail(
        self,
        message_id: int,
        outgoing: Outgoing,
        error: str,
        *,
        blocked: bool,
        attempted: bool = True,
        outcome_unknown: bool = False,
    ) -> None:
        """``attempted``: a send was made this round (see ``_reschedule``)."""
        async with self.db.transaction() as session:
            message = await CampaignOutboxRepository(session).get(message_id)
            if message is None:
                return
            message.status, message.locked_until = "failed", None
            message.attempts += 1
            message.last_error = error[:500]
            if attempted:
                end_send(message, outcome_unknown=outcome_unknown)
            if outgoing.after_failed:
                await outgoing.after_failed(session, error)
        log.warning("campaign outbox %s failed for good: %s", message_id, error[:200])
        if blocked and outgoing.private:
            async with self.db.transaction() as uow:
                await mark_blocked(uow, outgoing.targets[0], True)
            if outgoing.on_blocked_notice is not None:
                chat_id, text = outgoing.on_blocked_notice
                with contextlib.suppress(TelegramError):
                    await self.bot.send_message(chat_id, text)

    async def _reschedule(
        self,
        message_id: int,
        retry_at: datetime,
        error: str,
        tried: list[int],
        *,
        attempted: bool = True,
        outcome_unknown: bool = False,
    ) -> None:
        """``attempted``: a send was made this round (False: nothing went out, and what an
        earlier attempt left unknown stays so)."""
        # retry_at is on the clock of the round that claimed the message, so a round run for a
        # given time (tests, catch-up) sees its own retries as due.
        async with self.db.transaction() as session:
            message = await CampaignOutboxRepository(session).get(message_id)
            if message is None:
                return
            message.attempts += 1
            message.next_attempt_at = retry_at
            message.locked_until = None
            message.last_error = error[:500]
            if attempted:
                end_send(message, outcome_unknown=outcome_unknown)
            message.payload = {**message.payload, "tried": tried}
        log.warning("campaign outbox %s: %s; retry at %s", message_id, error[:200], retry_at)


# --- broadcasts ------------------------------------------------------------------------------


class BroadcastSender:
    """Sends the oldest broadcast that is ``sending``, in waves of about 0.2 s of messages."""

    def __init__(self, db: Database, bot: Bot, settings: Settings, holder: str | None = None):
        self.db = db
        self.bot = bot
        self.rate = settings.broadcast_rate
        self.quiet_hours = settings.broadcast_quiet_hours
        self.wave_size = max(1, math.ceil(self.rate / 5))
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._stopping = asyncio.Event()
        self._holding = False
        self._next_send = 0.0  # loop time of the next allowed send
        self._pace_lock = asyncio.Lock()

    async def run_forever(self) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    busy = await self.run_once()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("broadcast round failed")
                    # Settle what this round left in flight before the next one.
                    self._holding = False
                    busy = False
                if not busy:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stopping.wait(), IDLE_WAIT_SECONDS)
        finally:
            if self._holding:
                with contextlib.suppress(Exception):
                    async with self.db.transaction() as uow:
                        await broadcasts.release_sender_lease(uow, self.holder)

    async def stop(self, task: asyncio.Task[None]) -> None:
        """Finish the wave in flight (no new sends), record it, release the lease."""
        self._stopping.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), STOP_WAIT_SECONDS)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run_once(self, now: datetime | None = None) -> bool:
        """One wave; False when there was nothing to send (or another process sends, or the
        quiet hours hold every broadcast). ``now``: the round's clock (tests)."""
        now = now or utcnow()
        async with self.db.transaction() as uow:
            holding = await broadcasts.hold_sender_lease(uow, self.holder, now, SENDER_LEASE_TTL)
        if not holding:
            self._holding = False
            return False
        if not self._holding:
            async with self.db.transaction() as uow:
                orphans = await broadcasts.settle_orphans(uow)
            self._holding = True
            if orphans:
                log.warning("broadcast: %d recipients were in flight in a dead sender", orphans)
        async with self.db.transaction() as uow:
            started = await broadcasts.start_due(uow, now)
        if started:
            log.info("broadcast: %d scheduled broadcasts started", started)
        async with self.db.transaction() as uow:
            message = await broadcasts.next_message(uow, now, self.quiet_hours)
        if message is None:
            return False
        async with self.db.transaction() as uow:
            wave = await broadcasts.claim_wave(
                uow,
                broadcast_id=message.broadcast_id,
                holder=self.holder,
                size=self.wave_size,
                now=now,
            )
        if not wave:
            async with self.db.transaction() as uow:
                return await broadcasts.finish_if_done(uow, message.broadcast_id, utcnow())
        results = await self._send_wave(message, wave)
        async with self.db.transaction() as uow:
            await broadcasts.record_wave(
                uow,
                broadcast_id=message.broadcast_id,
                holder=self.holder,
                results=results,
                now=utcnow(),
            )
        return True

    async def _send_wave(
        self, message: broadcasts.Message, wave: list[broadcasts.Delivery]
    ) -> list[tuple[int, broadcasts.Outcome, str | None]]:
        tasks = [asyncio.create_task(self._send_one(message, d)) for d in wave]
        return list(await asyncio.gather(*tasks))

    async def _pace(self) -> bool:
        """Wait for this send's turn: one start per ``1/rate`` s, measured after waking, so a
        stalled event loop resumes the pace instead of releasing a burst. False: stopping."""
        async with self._pace_lock:
            loop = asyncio.get_running_loop()
            delay = self._next_send - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if self._stopping.is_set():
                return False
            self._next_send = loop.time() + 1.0 / self.rate
            return True

    async def _send_one(
        self, message: broadcasts.Message, delivery: broadcasts.Delivery
    ) -> tuple[int, broadcasts.Outcome, str | None]:
        if not await self._pace():
            return delivery.user_id, broadcasts.Outcome.RETRY, "sender stopping"
        Outcome = broadcasts.Outcome
        try:
            await self.bot.send_message(
                delivery.telegram_id,
                broadcast_views.broadcast_text(message, delivery.language),
                reply_markup=broadcast_views.broadcast_keyboard(message),
            )
        except RetryAfter as error:
            # Telegram says slow down: everything waits, this one goes back in the queue.
            pause = _seconds(error.retry_after).total_seconds()
            self._next_send = max(self._next_send, asyncio.get_running_loop().time() + pause)
            return delivery.user_id, Outcome.RETRY, "429"
        except Forbidden:
            return delivery.user_id, Outcome.BLOCKED, "blocked the bot"
        except BadRequest as error:
            return delivery.user_id, Outcome.FAILED, str(error)
        except NetworkError as error:  # TimedOut too
            # A timeout waiting for the answer or a connection dropped mid-request: maybe
            # delivered. No connection, a full pool, a 5xx answer: never sent.
            outcome = Outcome.UNKNOWN if maybe_delivered(error) else Outcome.RETRY
            return delivery.user_id, outcome, str(error)[:200] or "timed out"
        except TelegramError as error:
            return delivery.user_id, Outcome.FAILED, str(error)[:200]
        return delivery.user_id, Outcome.SENT, None


def _seconds(value: float | timedelta) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def _blocked(error: TelegramError) -> bool:
    return isinstance(error, Forbidden) and "blocked" in str(error).lower()


# --- what each kind of campaign message says, and what happens once it is sent ------------------
# A renderer returns None when there is nothing (left) to send: the row is then dropped.

Renderer = Callable[[UnitOfWork, Settings, CampaignMessage], Awaitable[Outgoing | None]]


async def _ticket_to_group(
    session: UnitOfWork, settings: Settings, message: CampaignMessage
) -> Outgoing | None:
    if not message.ticket_message_id:
        return None
    post = await handoff.ticket_post(session, settings, message.ticket_message_id)
    if post is None:
        return None
    tm_id = post.ticket_message_id

    async def posted(s: UnitOfWork, chat_id: int, sent_id: int) -> None:
        await handoff.record_group_post(s, tm_id, chat_id, sent_id)

    return Outgoing(
        post.targets,
        handoff_views.ticket_post_text(post),
        handoff_views.ticket_keyboard(post.ticket_id),
        reply_to=post.reply_to,
        after_sent=posted,
    )


async def _ticket_to_worker(
    session: UnitOfWork, settings: Settings, message: CampaignMessage
) -> Outgoing | None:
    if not message.ticket_message_id:
        return None
    answer = await handoff.staff_answer(session, message.ticket_message_id)
    if answer is None:
        return None
    notice = (
        (answer.reply_chat_id, handoff_views.undelivered_text(answer.ticket_id))
        if answer.reply_chat_id
        else None
    )
    return Outgoing(
        [answer.worker_telegram_id],
        handoff_views.staff_answer_text(answer),
        handoff_views.staff_answer_keyboard(answer.language),
        private=True,
        language=answer.language,
        on_blocked_notice=notice,
    )


async def _followup_question(
    session: UnitOfWork, settings: Settings, message: CampaignMessage
) -> Outgoing | None:
    if not message.followup_id:
        return None
    question = await followup.question(session, message.followup_id)
    if question is None or question.answered:
        return None
    fid = question.followup_id

    async def asked(s: UnitOfWork, _chat: int, _sent: int) -> None:
        await followup.record_asked(s, fid, utcnow(), delivered=True)

    async def not_asked(s: UnitOfWork, _error: str) -> None:
        await followup.record_asked(s, fid, utcnow(), delivered=False)

    return Outgoing(
        [question.worker_telegram_id],
        followup_views.question_text(question),
        followup_views.question_keyboard(question),
        private=True,
        language=question.language,
        after_sent=asked,
        after_failed=not_asked,
    )


async def _followup_alert(
    session: UnitOfWork, settings: Settings, message: CampaignMessage
) -> Outgoing | None:
    if not message.followup_id:
        return None
    alert = await followup.alert(session, settings, message.followup_id)
    if alert is None:
        return None
    alert_id = alert.followup_id

    async def alerted(s: UnitOfWork, chat_id: int, sent_id: int) -> None:
        await followup.record_alert_posted(s, alert_id, chat_id, sent_id)

    return Outgoing(
        alert.targets,
        followup_views.alert_text(alert.card),
        card_keyboard(alert.card),
        after_sent=alerted,
    )


async def _broadcast_preview(
    session: UnitOfWork, settings: Settings, message: CampaignMessage
) -> Outgoing | None:
    if not message.broadcast_id:
        return None
    preview = await broadcasts.preview(session, settings, message.broadcast_id)
    if preview is None:
        return None
    bid = preview.broadcast_id

    async def previewed(s: UnitOfWork, _chat: int, _sent: int) -> None:
        await broadcasts.record_preview(s, bid, utcnow())

    async def not_previewed(s: UnitOfWork, error: str) -> None:
        await broadcasts.record_preview(s, bid, utcnow(), error)

    return Outgoing(
        [preview.chat_id],
        broadcast_views.broadcast_text(preview.message, "id"),
        broadcast_views.broadcast_keyboard(preview.message),
        private=True,
        language="id",  # as the preview's text
        note=broadcast_views.preview_note(preview),
        after_sent=previewed,
        after_failed=not_previewed,
    )


RENDERERS: dict[str, Renderer] = {
    handoff.OUTBOX_TICKET_TO_GROUP: _ticket_to_group,
    handoff.OUTBOX_TICKET_TO_WORKER: _ticket_to_worker,
    followup.OUTBOX_FOLLOWUP_QUESTION: _followup_question,
    followup.OUTBOX_FOLLOWUP_ALERT: _followup_alert,
    broadcasts.OUTBOX_BROADCAST_PREVIEW: _broadcast_preview,
}
