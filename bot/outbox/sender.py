"""Sends a queue of the outbox (``bot.outbox.queues``), with retries: what a row announces is
already safe in the database, so a Bot API error, a 429 or a restart only delays a message,
never loses it. Every row is rendered by its kind (``bot.outbox.renderers``), sent with the
rules of ``bot.outbox.tracking``, then finished, failed or rescheduled here.

Runs as a background task per queue in every bot process; rows are claimed with a lease (and
``SKIP LOCKED`` on PostgreSQL), so each message is sent by one process only.

Delivery guarantee: every confirmed lead's card reaches a group at least once, and at most
once without a mark. A send is recorded as started before its request; when its outcome cannot
be known (Telegram did not answer within ``READ_TIMEOUT``, the connection dropped, or the
process died mid-request) the message is sent again with a first line saying it may be a
repeat ("🔁 Dikirim ulang — kartu ini mungkin sudah ada di atas" on a card), so no chat meets a
silent duplicate, and both copies' buttons work (they act on the lead or ticket id). Refusals
that prove nothing was sent (4xx, 5xx, 429, no connection) are retried unmarked.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Bot, ReplyParameters
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.clock import utcnow
from bot.outbox.outgoing import Outgoing
from bot.outbox.queues import Queue
from bot.outbox.renderers import RENDERERS
from bot.outbox.tracking import (
    IDLE_WAIT_SECONDS,
    LEASE,
    READ_TIMEOUT,
    Attempt,
    begin,
    maybe_delivered,
    retry_after,
    retry_backoff,
)
from bot.settings import Settings
from bot.users import mark_blocked
from db.engine import Database, UnitOfWork
from db.models import CampaignMessage, OutboxMessage
from db.repositories.send_attempts import end_send

log = logging.getLogger(__name__)

BATCH = 20
MAX_ATTEMPTS = 12  # for messages that may be given up (not lead cards: Outgoing.keep_trying)
NO_TARGET_RETRY = timedelta(minutes=5)


class OutboxSender:
    def __init__(
        self,
        db: Database,
        bot: Bot,
        settings: Settings,
        queue: Queue,
        wake: asyncio.Event | None = None,
    ) -> None:
        self.db = db
        self.bot = bot
        self.settings = settings
        self.queue = queue
        # Set when something is queued (Services.wake_outbox), so it goes out at once.
        self.wake = wake or asyncio.Event()
        # sent: messages Telegram confirmed; sent_marked: those of them that carried the repeat
        # line; outcome_unknown: attempts that may or may not have been delivered.
        self.stats: Counter[str] = Counter()
        self.housekeeping_every = queue.housekeeping_every(settings)
        self._next_housekeeping = utcnow()

    @property
    def name(self) -> str:
        return self.queue.name

    async def run_forever(self) -> None:
        while True:
            try:
                sent = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                # The database may be briefly away; the rows are still there next round.
                log.exception("%s round failed", self.name)
                sent = 0
            if sent == 0:
                # The event is shared by the queues' senders: one may clear a wake meant for
                # the other just before it waits, which then sends at most IDLE_WAIT later.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), IDLE_WAIT_SECONDS)
                self.wake.clear()

    async def run_once(self, now: datetime | None = None) -> int:
        """One round; how many rows it claimed. ``now``: the round's clock (tests, catch-up):
        retries are scheduled on it, so a round run for a given time sees its own as due."""
        now = now or utcnow()
        if now >= self._next_housekeeping:
            self._next_housekeeping = now + self.housekeeping_every
            await self.queue.housekeeping(self.db, self.settings, now)
        async with self.db.transaction() as session:
            claimed = await self.queue.repository(session).claim_due(
                now, LEASE, BATCH, use_skip_locked=not self.db.is_sqlite
            )
            leases = [(message.id, message.locked_until) for message in claimed]
        # The round's clock, running on: a send's lease is renewed from when the send starts.
        started = time.monotonic()

        def clock() -> datetime:
            return now + timedelta(seconds=time.monotonic() - started)

        for message_id, claimed_until in leases:
            assert claimed_until is not None
            await self._deliver(message_id, claimed_until, now, clock)
        return len(leases)

    async def _deliver(
        self,
        message_id: int,
        claimed_until: datetime,
        now: datetime,
        clock: Callable[[], datetime],
    ) -> None:
        """Send one claimed row. ``now``: the round's clock, for retries; ``clock``: the time
        as the round sees it when this send starts, for the send's lease."""
        async with self.db.transaction() as session:
            message = await self.queue.repository(session).get(message_id)
            if message is None or message.status != "pending":
                return
            outgoing = await self._render(session, message)
            attempts = message.attempts
            tried = [int(chat) for chat in message.payload.get("tried", [])]
            targets = [t for t in outgoing.targets if t not in tried] if outgoing else []
            attempt = None
            if outgoing is not None and targets:
                # Committed with this transaction, before the request (bot.outbox.tracking).
                attempt = await begin(
                    session,
                    type(message),
                    message_id,
                    claimed_until=claimed_until,
                    now=clock(),
                    language=outgoing.language,
                    queue=self.name,
                )
        if outgoing is None:
            await self._finish(message_id, "dropped", None, None, None)
            return
        if not targets:
            if not outgoing.keep_trying and attempts + 1 >= MAX_ATTEMPTS:
                await self._fail(
                    message_id, outgoing, "no group took it", blocked=False, attempted=False
                )
                return
            # A lead card waits for a group to be linked (which releases it for that group:
            # bot.staff.link_group); other messages start over from their first group.
            await self._reschedule(
                message_id,
                now + NO_TARGET_RETRY,
                outgoing.no_target_error,
                tried if outgoing.keep_trying else [],
                attempted=False,
            )
            return
        if attempt is None:
            return
        target = targets[0]
        try:
            sent_id = await self._send(target, outgoing, attempt)
        except RetryAfter as error:
            await self._reschedule(
                message_id, now + retry_after(error), "429 retry_after", tried
            )
            return
        except (Forbidden, BadRequest) as error:
            if outgoing.private:
                await self._fail(message_id, outgoing, str(error), blocked=_blocked(error))
                return
            reason = f"{'forbidden' if isinstance(error, Forbidden) else 'bad request'}: {error}"
            if outgoing.keep_trying and target == outgoing.last_resort:
                # The admin group itself refuses it (bot removed, wrong ADMIN_GROUP_ID): back
                # off like any other failure instead of retrying every second.
                await self._reschedule(message_id, now + retry_backoff(attempts), reason, tried)
            else:
                # The bot left that group, or it is gone: the next group in line.
                await self._reschedule(
                    message_id, now + timedelta(seconds=1), reason, [*tried, target]
                )
            return
        except TelegramError as error:
            unknown = self._outcome_unknown(attempt, error)
            reason = str(error) or type(error).__name__
            if not outgoing.keep_trying and attempts + 1 >= MAX_ATTEMPTS:
                await self._fail(
                    message_id, outgoing, reason, blocked=False, outcome_unknown=unknown
                )
                return
            await self._reschedule(
                message_id, now + retry_backoff(attempts), reason, tried, outcome_unknown=unknown
            )
            return
        self._confirmed(attempt)
        await self._finish(message_id, "sent", outgoing, target, sent_id)

    async def _render(
        self, session: UnitOfWork, message: OutboxMessage | CampaignMessage
    ) -> Outgoing | None:
        render = RENDERERS.get(message.kind)
        if render is None:
            log.error("%s %s: unknown kind %s", self.name, message.id, message.kind)
            return None
        return await render(session, self.settings, message)

    async def _send(self, chat_id: int, outgoing: Outgoing, attempt: Attempt) -> int:
        if outgoing.edit is not None and outgoing.edit[0] == chat_id:
            edited = await self._edit(chat_id, outgoing.edit[1], outgoing)
            if edited:
                return outgoing.edit[1]
        reply = None
        if outgoing.reply_to is not None and outgoing.reply_to[0] == chat_id:
            reply = ReplyParameters(outgoing.reply_to[1], allow_sending_without_reply=True)
        sent = await self.bot.send_message(
            chat_id,
            attempt.text(outgoing.text, outgoing.repeat_marker),
            reply_markup=outgoing.keyboard,
            reply_parameters=reply,
            read_timeout=READ_TIMEOUT,
        )
        if outgoing.note:
            try:
                await self.bot.send_message(chat_id, outgoing.note, read_timeout=READ_TIMEOUT)
            except TelegramError:
                log.warning("%s: note to %s not sent", self.name, chat_id, exc_info=True)
        return sent.message_id

    async def _edit(self, chat_id: int, message_id: int, outgoing: Outgoing) -> bool:
        """Edit the message in place; False: it is gone, post a new one. An edit is
        idempotent: repeating one is harmless, so it carries no repeat line."""
        try:
            await self.bot.edit_message_text(
                outgoing.text,
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=outgoing.keyboard,
                read_timeout=READ_TIMEOUT,
            )
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return True
            if "not found" not in str(error).lower():
                raise
            return False
        return True

    def _outcome_unknown(self, attempt: Attempt, error: TelegramError) -> bool:
        """Whether the failed send may have been delivered (counted and logged if so)."""
        if not maybe_delivered(error):
            return False
        self.stats["outcome_unknown"] += 1
        log.warning(
            "%s %s: outcome unknown (%s); Telegram may have delivered it, a resend will be marked",
            self.name,
            attempt.row_id,
            str(error)[:200] or type(error).__name__,
        )
        return True

    def _confirmed(self, attempt: Attempt) -> None:
        """Telegram confirmed the send."""
        self.stats["sent"] += 1
        if attempt.possible_repeat:
            self.stats["sent_marked"] += 1
            log.warning(
                "%s %s: delivered as a marked possible repeat (sent marked so far: %d)",
                self.name,
                attempt.row_id,
                self.stats["sent_marked"],
            )

    async def _finish(
        self,
        message_id: int,
        status: str,
        outgoing: Outgoing | None,
        chat_id: int | None,
        sent_id: int | None,
    ) -> None:
        """``sent`` (where to, and what follows), or ``dropped`` (nothing left to send)."""
        async with self.db.transaction() as session:
            message = await self.queue.repository(session).get(message_id)
            if message is None:
                return
            message.status, message.locked_until = status, None
            if status == "sent":
                message.attempts += 1
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
        """Given up for good. ``attempted``: a send was made this round (see ``_reschedule``)."""
        async with self.db.transaction() as session:
            message = await self.queue.repository(session).get(message_id)
            if message is None:
                return
            message.status, message.locked_until = "failed", None
            message.attempts += 1
            message.last_error = error[:500]
            if attempted:
                end_send(message, outcome_unknown=outcome_unknown)
            if outgoing.after_failed:
                await outgoing.after_failed(session, error)
        log.warning("%s %s failed for good: %s", self.name, message_id, error[:200])
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
        """Try again at ``retry_at`` (on the clock of the round that claimed the message, so a
        round run for a given time sees its own retries as due), skipping the groups ``tried``.
        ``attempted``: a send was made this round (False: nothing went out, and what an
        earlier attempt left unknown stays so)."""
        async with self.db.transaction() as session:
            message = await self.queue.repository(session).get(message_id)
            if message is None:
                return
            message.attempts += 1
            message.next_attempt_at = retry_at
            message.locked_until = None
            message.last_error = error[:500]
            if attempted:
                end_send(message, outcome_unknown=outcome_unknown)
            if message.payload.get("tried", []) != tried:
                message.payload = {**message.payload, "tried": tried}
        log.warning("%s %s: %s; retry at %s", self.name, message_id, error[:200], retry_at)


def _blocked(error: TelegramError) -> bool:
    return isinstance(error, Forbidden) and "blocked" in str(error).lower()
