"""Unclaimed leads: re-announced to their branch after ``LEAD_REMINDER_HOURS``, escalated to the
admins after ``LEAD_ESCALATION_HOURS``. Each happens once per lead even with several bot
processes: a guarded UPDATE decides which process queues the message."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.leads import OUTBOX_LEAD_ESCALATION, OUTBOX_LEAD_REMINDER
from bot.settings import Settings
from db.engine import UnitOfWork
from db.repositories.leads import LeadRepository
from db.repositories.outbox import OutboxRepository

MAX_PER_ROUND = 100


async def queue_due_reminders(uow: UnitOfWork, settings: Settings, now: datetime) -> int:
    """Queue reminders and escalations that are due; returns how many were queued."""
    reminder_before = now - timedelta(hours=settings.lead_reminder_hours)
    escalation_before = now - timedelta(hours=settings.lead_escalation_hours)
    queued = 0
    leads = LeadRepository(uow)
    outbox = OutboxRepository(uow)
    for lead_id, sent in await leads.due_reminders(reminder_before, MAX_PER_ROUND):
        if await leads.take_reminder(lead_id, sent, now):
            outbox.add(OUTBOX_LEAD_REMINDER, lead_id=lead_id, now=now)
            queued += 1
    for lead_id in await leads.due_escalations(escalation_before, MAX_PER_ROUND):
        if await leads.take_escalation(lead_id, now):
            outbox.add(OUTBOX_LEAD_ESCALATION, lead_id=lead_id, now=now)
            queued += 1
    return queued
