from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import FollowUp, Lead


class FollowUpRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, followup_id: int, *, for_update: bool = False) -> FollowUp | None:
        query = select(FollowUp).where(FollowUp.id == followup_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def leads_due(
        self,
        kind: str,
        anchor: str,
        statuses: Sequence[str],
        after: datetime,
        before: datetime,
        limit: int,
    ) -> Sequence[Lead]:
        """Leads in ``statuses`` whose ``anchor`` column (``claimed_at`` or ``closed_at``)
        falls in [after, before) and that have no follow-up of ``kind`` for that anchor yet."""
        anchor_column = getattr(Lead, anchor)
        asked = exists().where(
            and_(
                FollowUp.lead_id == Lead.id,
                FollowUp.kind == kind,
                FollowUp.anchor_at == anchor_column,
            )
        )
        query = (
            select(Lead)
            .where(
                Lead.status.in_(statuses),
                Lead.user_id.is_not(None),
                Lead.anonymized_at.is_(None),
                anchor_column >= after,
                anchor_column < before,
                ~asked,
            )
            .order_by(anchor_column)
            .limit(limit)
        )
        return (await self.session.execute(query)).scalars().all()

    async def add_once(self, followup: FollowUp) -> bool:
        """False when another process queued the same question first (unique constraint)."""
        try:
            async with self.session.begin_nested():
                self.session.add(followup)
            return True
        except IntegrityError:
            return False

    async def answer_counts(
        self, since: datetime | None, until: datetime | None
    ) -> Sequence[tuple[str, str, str, str, str | None, int]]:
        """(branch, kind, status, lead status when asked, answer, count) for questions
        queued in the period."""
        query = select(
            FollowUp.branch_code,
            FollowUp.kind,
            FollowUp.status,
            FollowUp.lead_status,
            FollowUp.answer,
            func.count(),
        ).group_by(
            FollowUp.branch_code,
            FollowUp.kind,
            FollowUp.status,
            FollowUp.lead_status,
            FollowUp.answer,
        )
        if since is not None:
            query = query.where(FollowUp.created_at >= since)
        if until is not None:
            query = query.where(FollowUp.created_at < until)
        rows = (await self.session.execute(query)).all()
        return [(r[0], r[1], r[2], r[3], r[4], int(r[5])) for r in rows]
