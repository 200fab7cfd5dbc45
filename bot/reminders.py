"""Unclaimed leads: re-announced to their branch after ``LEAD_REMINDER_HOURS``, escalated to the
admins after ``LEAD_ESCALATION_HOURS``. Each happens once per lead even with several bot
processes: a guarded UPDATE decides which process queues the message."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.leads import OUTBOX_LEAD_ESCALATION, OUTBOX_LEAD_REMINDER, LeadStatus
from bot.settings import Settings
from db.engine import Database
from db.models import Lead
from db.repositories.outbox import OutboxRepository

MAX_PER_ROUND = 100


async def queue_due_reminders(db: Database, settings: Settings, now: datetime) -> int:
    """Queue reminders and escalations that are due; returns how many were queued."""
    reminder_before = now - timedelta(hours=settings.lead_reminder_hours)
    escalation_before = now - timedelta(hours=settings.lead_escalation_hours)
    queued = 0
    async with db.transaction() as session:
        outbox = OutboxRepository(session)
        due_reminders = (
            await session.execute(
                select(Lead.id, Lead.reminders_sent)
                .where(
                    Lead.status == LeadStatus.NEW,
                    Lead.anonymized_at.is_(None),
                    Lead.reminders_sent == 0,
                    Lead.last_announced_at < reminder_before,
                )
                .limit(MAX_PER_ROUND)
            )
        ).all()
        for lead_id, sent in due_reminders:
            won = await session.execute(
                update(Lead)
                .where(Lead.id == lead_id, Lead.reminders_sent == sent)
                .values(reminders_sent=sent + 1, last_announced_at=now)
                .execution_options(synchronize_session=False)
            )
            if getattr(won, "rowcount", 0) == 1:
                outbox.add(OUTBOX_LEAD_REMINDER, lead_id=lead_id, now=now)
                queued += 1
        due_escalations = (
            (
                await session.execute(
                    select(Lead.id)
                    .where(
                        Lead.status == LeadStatus.NEW,
                        Lead.anonymized_at.is_(None),
                        Lead.escalated_at.is_(None),
                        Lead.created_at < escalation_before,
                    )
                    .limit(MAX_PER_ROUND)
                )
            )
            .scalars()
            .all()
        )
        for lead_id in due_escalations:
            won = await session.execute(
                update(Lead)
                .where(Lead.id == lead_id, Lead.escalated_at.is_(None))
                .values(escalated_at=now)
                .execution_options(synchronize_session=False)
            )
            if getattr(won, "rowcount", 0) == 1:
                outbox.add(OUTBOX_LEAD_ESCALATION, lead_id=lead_id, now=now)
                queued += 1
    return queued
