"""The two queues the outbox sender drains, one table each: lead cards, reminders and
escalations (``outbox``), and the campaign tools' messages (``campaign_outbox``: tickets, staff
answers, follow-ups, broadcast previews, whose rows keep a ticket's order). Each comes with the
periodic work that fills it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot import followup
from bot.handoff import close_idle_tickets
from bot.reminders import queue_due_reminders
from bot.settings import Settings
from bot.update_log import prune as prune_update_log
from db.engine import Database, UnitOfWork
from db.repositories.outbox import CampaignOutboxRepository, MessageQueue, OutboxRepository

log = logging.getLogger(__name__)

HOUSEKEEPING_EVERY = timedelta(seconds=60)  # at most (see campaign_housekeeping_every)


@dataclass(frozen=True)
class Queue:
    name: str  # in log lines
    repository: Callable[[UnitOfWork], MessageQueue[Any]]
    # Safe to run in every process (each queued row is taken by one process only).
    housekeeping: Callable[[Database, Settings, datetime], Awaitable[None]]
    housekeeping_every: Callable[[Settings], timedelta]


async def _queue_reminders(db: Database, settings: Settings, now: datetime) -> None:
    # Two units: pruning the update log must not hold back the reminders' commit.
    async with db.transaction() as uow:
        await queue_due_reminders(uow, settings, now)
    async with db.transaction() as uow:
        await prune_update_log(uow, now)


async def _queue_followups(db: Database, settings: Settings, now: datetime) -> None:
    async with db.transaction() as uow:
        queued = await followup.queue_due_followups(uow, settings, now)
    async with db.transaction() as uow:
        closed = await close_idle_tickets(uow, settings, now)
    if queued or closed:
        log.info("follow-up questions queued: %d; idle tickets closed: %d", queued, closed)


def campaign_housekeeping_every(settings: Settings) -> timedelta:
    # Often enough that a short follow-up delay (a few seconds in a demo) is honoured.
    shortest = min(settings.followup_contact_after, settings.followup_satisfaction_after)
    return max(timedelta(seconds=1), min(HOUSEKEEPING_EVERY, shortest / 2))


LEADS = Queue("outbox", OutboxRepository, _queue_reminders, lambda _settings: HOUSEKEEPING_EVERY)
CAMPAIGN = Queue(
    "campaign outbox", CampaignOutboxRepository, _queue_followups, campaign_housekeeping_every
)
QUEUES = (LEADS, CAMPAIGN)
