"""The broadcast sender, a task in every bot process. (The campaign tools' other messages,
tickets, staff answers, follow-up questions, alerts and broadcast previews, go through the
outbox: ``bot.outbox``, whose campaign queue also queues due follow-ups and closes idle tickets.)

:class:`BroadcastSender` sends broadcasts. A job lease in the database makes one process the
sender at a time, so the pace (``BROADCAST_RATE``, evenly spaced, never in bursts) holds for the
whole deployment; a sender that dies is replaced when its lease expires. It starts scheduled
broadcasts when their time comes and holds every broadcast's messages inside the quiet hours
(``BROADCAST_QUIET_HOURS``) but forced ones.

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
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import broadcasts
from bot.clock import utcnow
from bot.outbox.tracking import IDLE_WAIT_SECONDS, maybe_delivered, retry_after
from bot.presentation import broadcasts as broadcast_views
from bot.services import SERVICES_KEY, Services
from bot.settings import Settings
from db.engine import Database

log = logging.getLogger(__name__)

TASKS_KEY = "campaign_tasks"
# The broadcast sender's lease: renewed every wave; a dead sender's expires after this.
SENDER_LEASE_TTL = timedelta(seconds=20)
STOP_WAIT_SECONDS = 10.0


async def start_campaign_jobs(application: Any) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    sender = BroadcastSender(services.db, application.bot, services.settings)
    application.bot_data[TASKS_KEY] = (
        sender,
        asyncio.create_task(sender.run_forever(), name="broadcasts"),
    )


async def stop_campaign_jobs(application: Any) -> None:
    """Between two messages: the broadcast wave in flight is finished and recorded first."""
    jobs = application.bot_data.pop(TASKS_KEY, None)
    if jobs is None:
        return
    sender, sender_task = jobs
    await sender.stop(sender_task)


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
            pause = retry_after(error).total_seconds()
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

