"""Sends the outbox to branch and admin groups, with retries: the lead is already safe in the
database, so a Bot API error, a 429 or a restart only delays a card, never loses it.

Runs as a background task in every bot process; rows are claimed with a lease (and
``SKIP LOCKED`` on PostgreSQL), so each message is sent by one process only.

Delivery guarantee: every confirmed lead's card reaches a group at least once, and at most
once without a mark. A send is recorded as started before its request (``bot.outbox_sending``
explains why and how); when its outcome cannot be known (Telegram did not answer within
``READ_TIMEOUT``, the connection dropped, or the process died mid-request) the card is sent
again with the first line "🔁 Dikirim ulang — kartu ini mungkin sudah ada di atas", so staff
never meet a silent duplicate, and both copies' buttons work (they act on the lead id).
Refusals that prove nothing was sent (4xx, 5xx, 429, no connection) are retried unmarked.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.clock import utcnow
from bot.delivery_health import card_target
from bot.leads import OUTBOX_LEAD_ESCALATION, OUTBOX_LEAD_REMINDER, load_card
from bot.outbox_sending import LEASE, READ_TIMEOUT, Attempt, TrackedOutboxSender, retry_backoff
from bot.presentation.lead_cards import CARD_REPEAT_MARKER, STAFF_LANGUAGE, card_keyboard, card_text
from bot.reminders import queue_due_reminders
from bot.settings import Settings
from bot.update_log import prune as prune_update_log
from db.engine import Database
from db.models import Lead, OutboxMessage
from db.repositories.branches import BranchRepository
from db.repositories.outbox import OutboxRepository
from db.repositories.send_attempts import end_send

log = logging.getLogger(__name__)

BATCH = 20
REMINDER_CHECK_EVERY = timedelta(seconds=60)
NO_TARGET_RETRY = timedelta(minutes=5)


@dataclass(frozen=True)
class Rendered:
    chat_id: int
    text: str
    keyboard: InlineKeyboardMarkup | None
    edit_message_id: int | None


class OutboxSender(TrackedOutboxSender):
    name = "outbox"
    model = OutboxMessage

    def __init__(self, db: Database, bot: Bot, settings: Settings) -> None:
        super().__init__(db, bot, asyncio.Event())
        self.settings = settings
        self._next_reminder_check = utcnow()

    async def run_once(self, now: datetime | None = None) -> int:
        now = now or utcnow()
        if now >= self._next_reminder_check:
            self._next_reminder_check = now + REMINDER_CHECK_EVERY
            async with self.db.transaction() as uow:
                await queue_due_reminders(uow, self.settings, now)
            async with self.db.transaction() as uow:
                await prune_update_log(uow, now)
        async with self.db.transaction() as session:
            claimed = await OutboxRepository(session).claim_due(
                now, LEASE, BATCH, use_skip_locked=not self.db.is_sqlite
            )
            leases = [(message.id, message.locked_until) for message in claimed]
        for message_id, claimed_until in leases:
            assert claimed_until is not None
            await self._deliver(message_id, claimed_until)
        return len(leases)

    async def _deliver(self, message_id: int, claimed_until: datetime) -> None:
        async with self.db.transaction() as session:
            message = await OutboxRepository(session).get(message_id)
            if message is None or message.status != "pending":
                return
            rendered = await self._render(session, message)
            kind, attempts = message.kind, message.attempts
            attempt = None
            if rendered is not None:
                # Committed with this transaction, before the request (bot.outbox_sending).
                attempt = await self.begin(
                    session,
                    message_id,
                    claimed_until=claimed_until,
                    now=utcnow(),
                    language=STAFF_LANGUAGE,
                )
        if rendered is None:
            await self._reschedule(
                message_id, NO_TARGET_RETRY, "no branch group and no admin group", attempted=False
            )
            log.warning("outbox %s (%s): no group to deliver to; will retry", message_id, kind)
            return
        if attempt is None:
            return
        try:
            sent_id = await self._send(rendered, attempt)
        except RetryAfter as error:
            retry = error.retry_after
            seconds = retry.total_seconds() if isinstance(retry, timedelta) else float(retry)
            await self._reschedule(message_id, timedelta(seconds=seconds), "429 retry_after")
            return
        except (Forbidden, BadRequest) as error:
            reason = f"{'forbidden' if isinstance(error, Forbidden) else 'bad request'}: {error}"
            if rendered.chat_id != self.settings.admin_group_id:
                # The bot was removed from that group, or it is gone: the admin group next.
                await self._reschedule(message_id, timedelta(seconds=1), reason, fallback=True)
            else:
                # The admin group itself refuses it (bot removed, wrong ADMIN_GROUP_ID): back
                # off like any other failure instead of retrying every second.
                await self._reschedule(message_id, retry_backoff(attempts), reason)
            return
        except TelegramError as error:
            await self._reschedule(
                message_id,
                retry_backoff(attempts),
                str(error) or type(error).__name__,
                outcome_unknown=self.outcome_unknown(attempt, error),
            )
            return
        self.confirmed(attempt)
        await self._mark_sent(message_id, rendered.chat_id, sent_id)

    async def _render(self, session: AsyncSession, message: OutboxMessage) -> Rendered | None:
        lead = await session.get(Lead, message.lead_id) if message.lead_id else None
        if lead is None:
            return None
        card = await load_card(session, lead)
        fallback = bool(message.payload.get("fallback"))
        if message.kind == OUTBOX_LEAD_ESCALATION:
            target = self.settings.admin_group_id
            if target is None:
                return None
            text = _escalation_text(card.id, card.branch_name, self.settings.lead_escalation_hours)
            return Rendered(target, text + "\n\n" + card_text(card), card_keyboard(card), None)
        # The branch's group, else the admin group, else none (the card waits for a group).
        target = (
            await card_target(
                BranchRepository(session),
                lead.branch_code,
                self.settings.admin_group_id,
                fallback=fallback,
            )
        ).chat_id
        if target is None:
            return None
        if message.kind == OUTBOX_LEAD_REMINDER:
            return Rendered(target, card_text(card, reminder=True), card_keyboard(card), None)
        updated = bool(message.payload.get("updated"))
        edit_id = (
            lead.card_message_id
            if lead.card_chat_id == target and lead.card_message_id and not updated
            else None
        )
        return Rendered(target, card_text(card, updated=updated), card_keyboard(card), edit_id)

    async def _send(self, rendered: Rendered, attempt: Attempt) -> int:
        if rendered.edit_message_id is not None:
            # An edit is idempotent: repeating one is harmless, so it carries no repeat line.
            try:
                await self.bot.edit_message_text(
                    rendered.text,
                    chat_id=rendered.chat_id,
                    message_id=rendered.edit_message_id,
                    reply_markup=rendered.keyboard,
                    read_timeout=READ_TIMEOUT,
                )
                return rendered.edit_message_id
            except BadRequest as error:
                if "not modified" in str(error).lower():
                    return rendered.edit_message_id
                if "not found" not in str(error).lower():
                    raise
        sent = await self.bot.send_message(
            rendered.chat_id,
            attempt.text(rendered.text, CARD_REPEAT_MARKER),
            reply_markup=rendered.keyboard,
            read_timeout=READ_TIMEOUT,
        )
        return sent.message_id

    async def _mark_sent(self, message_id: int, chat_id: int, telegram_message_id: int) -> None:
        now = utcnow()
        async with self.db.transaction() as session:
            message = await OutboxRepository(session).get(message_id)
            if message is None:
                return
            message.status, message.sent_at, message.locked_until = "sent", now, None
            message.chat_id, message.message_id = chat_id, telegram_message_id
            message.attempts += 1
            end_send(message, outcome_unknown=False)
            if message.kind != OUTBOX_LEAD_ESCALATION and message.lead_id:
                lead = await session.get(Lead, message.lead_id)
                if lead is not None:
                    lead.card_chat_id, lead.card_message_id = chat_id, telegram_message_id

    async def _reschedule(
        self,
        message_id: int,
        delay: timedelta,
        error: str,
        *,
        fallback: bool = False,
        attempted: bool = True,
        outcome_unknown: bool = False,
    ) -> None:
        """``attempted``: a send was made this round (False: nothing went out, and what an
        earlier attempt left unknown stays so)."""
        now: datetime = utcnow()
        async with self.db.transaction() as session:
            message = await OutboxRepository(session).get(message_id)
            if message is None:
                return
            message.attempts += 1
            message.next_attempt_at = now + delay
            message.locked_until = None
            message.last_error = error[:500]
            if attempted:
                end_send(message, outcome_unknown=outcome_unknown)
            if fallback:
                message.payload = {**message.payload, "fallback": True}
        log.warning("outbox %s: %s; retry in %.0fs", message_id, error[:200], delay.total_seconds())


def _escalation_text(lead_id: int, branch: str, hours: int) -> str:
    from bot.i18n import _

    return _(
        "🚨 <b>Escalation:</b> lead #{id} for {branch} has not been claimed for {hours} hours.",
        STAFF_LANGUAGE,
        id=lead_id,
        branch=branch,
        hours=hours,
    )
