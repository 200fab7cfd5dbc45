"""Starts and stops the outbox senders with the bot: one task per queue in every process, woken
together by the one ``Services.outbox_wake`` event."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from bot.outbox.queues import QUEUES
from bot.outbox.sender import OutboxSender
from bot.services import SERVICES_KEY, Services

TASKS_KEY = "outbox_tasks"


async def start_outbox(application: Any) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    wake = services.outbox_wake = asyncio.Event()
    senders = [
        OutboxSender(services.db, application.bot, services.settings, queue, wake)
        for queue in QUEUES
    ]
    application.bot_data[TASKS_KEY] = [
        asyncio.create_task(sender.run_forever(), name=sender.name.replace(" ", "-"))
        for sender in senders
    ]


async def stop_outbox(application: Any) -> None:
    """Cancelled between two sends or mid-request: a send in flight is recorded as started,
    so the next round marks its resend (bot.outbox.tracking)."""
    for task in application.bot_data.pop(TASKS_KEY, []):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
