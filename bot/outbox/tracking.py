"""Bot API sends that are never repeated silently: the rules the outbox sender
(:class:`bot.outbox.sender.OutboxSender`) follows for every message it sends.

The Bot API has no idempotency key for ``sendMessage``, and a bot cannot read a chat's
history, so a send whose answer never arrived (a client timeout, a dropped connection, the
process killed mid-request) can be proven neither delivered nor lost. Resending it may
duplicate it; not resending it may lose a lead. So:

1. Wait for slow answers (:data:`READ_TIMEOUT`): a send that Telegram carries out slowly is
   recorded as sent, not retried.
2. Record the attempt before the request (:func:`begin`, committed first): after a crash, or
   after a timeout or dropped connection that may have reached Telegram, the row is known to
   be uncertain (``uncertain_sends`` above zero). A crash after the record and before the
   request counts as uncertain too: erring that way costs a marked copy, the other way a
   silent one.
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

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp
import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut

from bot.i18n import N_, _
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


def retry_after(error: RetryAfter) -> timedelta:
    """How long Telegram asked us to wait (a 429)."""
    value = error.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def with_repeat_line(text: str, language: str, marker: str = POSSIBLE_REPEAT) -> str:
    return _(marker, language) + "\n" + text


@dataclass(frozen=True)
class Attempt:
    """One send of an outbox row, recorded as started (see :func:`begin`).

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


async def begin(
    session: AsyncSession,
    model: type[OutboxMessage] | type[CampaignMessage],
    row_id: int,
    *,
    claimed_until: datetime,
    now: datetime,
    language: str,
    queue: str,
) -> Attempt | None:
    """Record in ``session`` that a send of the row starts (the caller commits before
    sending). None: another sender has claimed the row since (this one must not send).
    ``queue`` names the row's queue in log lines."""
    uncertain = await begin_send(
        session, model, row_id, claimed_until=claimed_until, now=now, lease=LEASE
    )
    if uncertain is None:
        log.info("%s %s: claimed by another sender meanwhile; not sent here", queue, row_id)
        return None
    if uncertain:
        log.warning(
            "%s %s: %d earlier send(s) may have been delivered; sending again, marked as a "
            "possible repeat",
            queue,
            row_id,
            uncertain,
        )
    return Attempt(row_id, uncertain, language)
