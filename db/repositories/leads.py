from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Lead, LeadStatusChange

OPEN_STATUSES = ("baru", "diambil", "dihubungi")


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

    async def unclaimed_since(self, before: datetime, limit: int = 50) -> Sequence[Lead]:
        """New leads whose last announcement is older than ``before`` (reminder candidates)."""
        query = (
            select(Lead)
            .where(Lead.status == "baru", Lead.last_announced_at < before)
            .order_by(Lead.last_announced_at)
            .limit(limit)
        )
        return (await self.session.execute(query)).scalars().all()

    def add(self, lead: Lead) -> None:
        self.session.add(lead)

    def record_status(
        self, lead_id: int, status: str, by_telegram_id: int | None, at: datetime
    ) -> None:
        self.session.add(
            LeadStatusChange(lead_id=lead_id, status=status, by_telegram_id=by_telegram_id, at=at)
        )
