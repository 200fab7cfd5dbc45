from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Lead, LeadStatusChange

OPEN_STATUSES = ("baru", "diambil", "dihubungi")


# The stored value of bot.leads.LeadStatus.NEW (db/ does not import the domain).
_NEW = "baru"


class LeadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, lead_id: int, *, for_update: bool = False) -> Lead | None:
        query = select(Lead).where(Lead.id == lead_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def open_for_user(self, user_id: int) -> Lead | None:
        query = (
            select(Lead)
            .where(Lead.user_id == user_id, Lead.status.in_(OPEN_STATUSES))
            .order_by(Lead.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def for_user(self, user_id: int) -> Sequence[Lead]:
        query = select(Lead).where(Lead.user_id == user_id).order_by(Lead.id)
        return (await self.session.execute(query)).scalars().all()

    async def open_for_branches(
        self, branch_codes: Sequence[str], limit: int = 20
    ) -> Sequence[Lead]:
        query = (
            select(Lead)
            .where(Lead.branch_code.in_(branch_codes), Lead.status.in_(OPEN_STATUSES))
            .order_by(Lead.created_at, Lead.id)
            .limit(limit)
        )
        return (await self.session.execute(query)).scalars().all()

    async def all_for_branches(self, branch_codes: Sequence[str]) -> Sequence[Lead]:
        query = select(Lead).where(Lead.branch_code.in_(branch_codes)).order_by(Lead.id)
        return (await self.session.execute(query)).scalars().all()

    async def due_reminders(self, announced_before: datetime, limit: int) -> list[tuple[int, int]]:
        """(lead id, reminders sent) of unclaimed leads never reminded, last announced before
        ``announced_before``."""
        rows = await self.session.execute(
            select(Lead.id, Lead.reminders_sent)
            .where(
                Lead.status == _NEW,
                Lead.anonymized_at.is_(None),
                Lead.reminders_sent == 0,
                Lead.last_announced_at < announced_before,
            )
            .limit(limit)
        )
        return [(lead_id, sent) for lead_id, sent in rows.all()]

    async def take_reminder(self, lead_id: int, sent: int, now: datetime) -> bool:
        """Count one reminder, unless another process already did (a guarded UPDATE): True
        when this caller should queue it."""
        won = await self.session.execute(
            update(Lead)
            .where(Lead.id == lead_id, Lead.reminders_sent == sent)
            .values(reminders_sent=sent + 1, last_announced_at=now)
            .execution_options(synchronize_session=False)
        )
        return getattr(won, "rowcount", 0) == 1

    async def due_escalations(self, created_before: datetime, limit: int) -> list[int]:
        """Ids of unclaimed leads created before ``created_before`` and not yet escalated."""
        rows = await self.session.execute(
            select(Lead.id)
            .where(
                Lead.status == _NEW,
                Lead.anonymized_at.is_(None),
                Lead.escalated_at.is_(None),
                Lead.created_at < created_before,
            )
            .limit(limit)
        )
        return list(rows.scalars().all())

    async def take_escalation(self, lead_id: int, now: datetime) -> bool:
        """Mark a lead escalated, unless another process already did: True when this caller
        should queue the escalation."""
        won = await self.session.execute(
            update(Lead)
            .where(Lead.id == lead_id, Lead.escalated_at.is_(None))
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        )
        return getattr(won, "rowcount", 0) == 1

    def add(self, lead: Lead) -> None:
        self.session.add(lead)

    def record_status(
        self,
        lead_id: int,
        status: str,
        by_telegram_id: int | None,
        at: datetime,
        by_name: str | None = None,
    ) -> None:
        self.session.add(
            LeadStatusChange(
                lead_id=lead_id,
                status=status,
                by_telegram_id=by_telegram_id,
                by_name=by_name[:120] if by_name else None,
                at=at,
            )
        )

    async def status_history(self, lead_id: int) -> Sequence[LeadStatusChange]:
        """The lead's status changes that still stand (not undone), in the order they were
        made (by id: a clock that steps back must not reorder them)."""
        query = (
            select(LeadStatusChange)
            .where(LeadStatusChange.lead_id == lead_id, LeadStatusChange.undone_at.is_(None))
            .order_by(LeadStatusChange.id)
        )
        return (await self.session.execute(query)).scalars().all()
