"""What the two outbox senders share: their loop, and Bot API sends that are never repeated
silently. ``bot.delivery`` (lead cards) and ``bot.campaign_jobs`` (tickets, staff answers,
follow-up questions, alerts, previews) build on :class:`TrackedOutboxSender`.

The Bot API has no idempotency key for ``sendMessage``, and a bot cannot read a chat's
history, so a send whose answer never arrived (a client timeout, a dropped connection, the
process killed mid-request) can be proven neither delivered nor lost. Resending it may
duplicate it; not resending it may lose a lead. So:

1. Wait for slow answers (:data:`READ_TIMEOUT`): a send that Telegram carries out slowly is
   recorded as sent, not retried.
2. Record the attempt before the request (``db.repositories.send_attempts.begin_send``,
   committed first): after a crash, or after a timeout or dropped connection that may have
   reached Telegram, the row is known to be uncertain (``uncertain_sends`` above zero). A
   crash after the record and before the request counts as uncertain too: erring that way
   costs a marked copy, the other way a silent one.
3. Send an uncertain row again, so nothing is lost, with a first line saying that it may be a
   repeat (:data:`POSSIBLE_REPEAT`, in the reader's language): a chat may see a message twice,
   but never a second copy that does not say so. Both copies work (a lead card's buttons act
   on the lead id, a ticket post's reply finds the ticket from its button). Such sends are
   counted apart (``stats``, and a warning in the log).

Exactly-once as the chat sees it would need either an idempotency key or a way to look for
the first copy; probing message ids with edits or forwards is unreliable (ids are not
per-chat sequences in basic groups, other members post in between, protected chats refuse
forwards), so the marked repeat is the honest best the real Bot API allows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

import aiohttp
import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot
from telegram.error import NetworkError, TelegramError, TimedOut

from bot.i18n import N_, _
from db.engine import Database
from db.models import CampaignMessage, OutboxMessage
from db.repositories.send_attempts import begin_send

log = logging.getLogger(__name__)

# Telegram usually answers sendMessage within a second, but under load answers take well over
# python-telegram-bot's 5 s default read timeout, and a message that Telegram did deliver
# would then be reported as TimedOut and retried. 30 s covers those slow answers, while a
# hung request still ends long before the sender's lease on the row (LEASE) runs out.
READ_TIMEOUT = 30.0
# A sender's claim on a row, renewed when each send starts: longer than one send can take
# (READ_TIMEOUT plus the connect and write timeouts and the rate limiter's pacing of a busy
# group), so a live sender keeps its row; a dead sender's rows are retried after this.
LEASE = timedelta(minutes=2)
IDLE_WAIT_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 300

POSSIBLE_REPEAT = N_("🔁 Sent again — this message may already be above.")


def maybe_delivered(error: TelegramError) -> bool:
    """Whether a failed request may still have been carried out by Telegram.

    A timeout waiting for the answer, or a connection dropped mid-request: maybe. A full
    connection pool, a connection never made, or an error answer from Telegram (4xx, 5xx,
    429): the message was not sent. (The bot's HTTP client is aiohttp, see
    ``bot.telegram_request``; httpx, python-telegram-bot's default, is understood too.)
    """
    cause = error.__cause__
    if isinstance(error, TimedOut):
        return not isinstance(
            cause, httpx.PoolTimeout | httpx.ConnectTimeout | aiohttp.ConnectionTimeoutError
        )
    if isinstance(error, NetworkError):
        if isinstance(cause, httpx.ConnectError | aiohttp.ClientConnectorError):
            return False
        return isinstance(cause, httpx.HTTPError | aiohttp.ClientError)
    return False


def retry_backoff(attempts: int) -> timedelta:
    """How long a failed row waits before its next try: doubling per attempt, at most 5 min."""
    return timedelta(seconds=min(MAX_BACKOFF_SECONDS, 2 ** min(attempts + 1, 9)))


def with_repeat_line(text: str, language: str, marker: str = POSSIBLE_REPEAT) -> str:
    return _(marker, language) + "\n" + text


@dataclass(frozen=True)
class Attempt:
    """One send of an outbox row, recorded as started (see :meth:`TrackedOutboxSender.begin`).

    ``uncertain_sends``: earlier sends of the row whose outcome is unknown; above zero, this
    send may be a repeat and says so."""

    row_id: int
    uncertain_sends: int
    language: str

    @property
    def possible_repeat(self) -> bool:
        return self.uncertain_sends > 0

    def text(self, text: str, marker: str = POSSIBLE_REPEAT) -> str:
        """The text to send as a new message: with the repeat line when it may be one."""
        return with_repeat_line(text, self.language, marker) if self.possible_repeat else text


class TrackedOutboxSender:
    """The loop and the tracked sends of an outbox sender. Subclasses implement
    :meth:`run_once`, begin each send with :meth:`begin` in the transaction that renders it,
    send through :attr:`bot` with ``read_timeout=READ_TIMEOUT`` and the text of
    :meth:`Attempt.text`, and record the outcome with ``send_attempts.end_send`` (passing
    :meth:`outcome_unknown` for an error)."""

    name: ClassVar[str]  # in log lines
    model: ClassVar[type[OutboxMessage] | type[CampaignMessage]]

    def __init__(self, db: Database, bot: Bot, wake: asyncio.Event) -> None:
        self.db = db
        self.bot = bot
        self.wake = wake
        # sent: messages Telegram confirmed; sent_marked: those of them that carried the repeat
        # line; outcome_unknown: attempts that may or may not have been delivered.
        self.stats: Counter[str] = Counter()

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
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), IDLE_WAIT_SECONDS)
                self.wake.clear()

    async def run_once(self, now: datetime | None = None) -> int:
        """One round; how many rows it claimed."""
        raise NotImplementedError

    async def begin(
        self,
        session: AsyncSession,
        row_id: int,
        *,
        claimed_until: datetime,
        now: datetime,
        language: str,
    ) -> Attempt | None:
        """Record in ``session`` that a send of the row starts (the caller commits before
        sending). None: another sender has claimed the row since (this one must not send)."""
        uncertain = await begin_send(
            session, self.model, row_id, claimed_until=claimed_until, now=now, lease=LEASE
        )
        if uncertain is None:
            log.info("%s %s: claimed by another sender meanwhile; not sent here", self.name, row_id)
            return None
        if uncertain:
            log.warning(
                "%s %s: %d earlier send(s) may have been delivered; sending again, marked as a "
                "possible repeat",
                self.name,
                row_id,
                uncertain,
            )
        return Attempt(row_id, uncertain, language)

    def outcome_unknown(self, attempt: Attempt, error: TelegramError) -> bool:
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

    def confirmed(self, attempt: Attempt) -> None:
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
