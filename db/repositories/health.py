"""Delivery health queries: per branch, its linked groups, its leads, its lead cards still in the
outbox, and its leads past the reminder deadline. Read by ``bot.delivery_health``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Branch, BranchGroup, Lead, LeadStatusChange, OutboxMessage

# Outbox kinds that put a lead's card in its branch's group (escalations go to the admins).
CARD_KINDS = ("lead_card", "lead_reminder")
NEW = "baru"


@dataclass(frozen=True)
class BranchDeliveryRow:
    branch_code: str
    branch_name: str
    groups: int
    leads: int
    undelivered: int
    oldest_undelivered_at: datetime | None
    overdue: int


class HealthRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def per_branch(
        self, *, overdue_before: datetime, branch_code: str | None = None
    ) -> list[BranchDeliveryRow]:
        """Every branch that has leads or a linked group (or just ``branch_code``).

        ``overdue_before``: a lead still new and created before it is overdue (the rule of
        ``bot.stats`` and ``bot.reminders``)."""
        overdue = and_(
            Lead.status == NEW, Lead.anonymized_at.is_(None), Lead.created_at < overdue_before
        )
        lead_query = select(
            Lead.branch_code, func.count(), func.count(case((overdue, 1)))
        ).group_by(Lead.branch_code)
        card_query = (
            select(Lead.branch_code, func.count(), func.min(OutboxMessage.created_at))
            .join(OutboxMessage, OutboxMessage.lead_id == Lead.id)
            .where(OutboxMessage.kind.in_(CARD_KINDS), OutboxMessage.status == "pending")
            .group_by(Lead.branch_code)
        )
        group_query = select(BranchGroup.branch_code, func.count()).group_by(
            BranchGroup.branch_code
        )
        if branch_code is not None:
            lead_query = lead_query.where(Lead.branch_code == branch_code)
            card_query = card_query.where(Lead.branch_code == branch_code)
            group_query = group_query.where(BranchGroup.branch_code == branch_code)
        execute = self.session.execute
        leads = {code: (int(n), int(late)) for code, n, late in await execute(lead_query)}
        cards = {code: (int(n), oldest) for code, n, oldest in await execute(card_query)}
        groups = {code: int(n) for code, n in await execute(group_query)}
        codes = set(leads) | set(groups) | set(cards)
        if branch_code is not None:
            codes.add(branch_code)
        names_query = select(Branch.code, Branch.name).where(Branch.code.in_(codes))
        names = {code: name for code, name in await execute(names_query)} if codes else {}
        return [
            BranchDeliveryRow(
                branch_code=code,
                branch_name=names.get(code, code),
                groups=groups.get(code, 0),
                leads=leads.get(code, (0, 0))[0],
                undelivered=cards.get(code, (0, None))[0],
                oldest_undelivered_at=cards.get(code, (0, None))[1],
                overdue=leads.get(code, (0, 0))[1],
            )
            for code in sorted(codes)
        ]

    async def leads_with_undelivered_card(self, lead_ids: Sequence[int]) -> set[int]:
        """Of ``lead_ids``, the new leads whose card is still in the outbox and whose branch
        has no linked group."""
        if not lead_ids:
            return set()
        no_group = ~exists().where(BranchGroup.branch_code == Lead.branch_code)
        query = select(Lead.id).where(
            Lead.id.in_(lead_ids),
            Lead.status == NEW,
            no_group,
            exists().where(
                OutboxMessage.lead_id == Lead.id,
                OutboxMessage.kind.in_(CARD_KINDS),
                OutboxMessage.status == "pending",
            ),
        )
        return set((await self.session.execute(query)).scalars().all())

    async def release_cards_of(self, branch_code: str, now: datetime) -> int:
        """Make the branch's waiting cards due now, for its group again (a group was just
        linked: a card that an earlier group refused lists it in ``tried``, or, queued before
        refusals were listed, is marked ``fallback`` for the admin group); how many."""
        query = (
            select(OutboxMessage)
            .join(Lead, OutboxMessage.lead_id == Lead.id)
            .where(
                Lead.branch_code == branch_code,
                OutboxMessage.kind.in_(CARD_KINDS),
                OutboxMessage.status == "pending",
            )
        )
        released = 0
        for message in (await self.session.execute(query)).scalars():
            if {"fallback", "tried"} & message.payload.keys():
                message.payload = {
                    k: v for k, v in message.payload.items() if k not in ("fallback", "tried")
                }
            elif message.next_attempt_at <= now:
                continue
            message.next_attempt_at = min(message.next_attempt_at, now)
            released += 1
        return released

    async def lead_with_card(
        self, lead_id: int
    ) -> tuple[Lead, OutboxMessage | None, Sequence[LeadStatusChange]] | None:
        """A lead, its latest card in the outbox (None if it never had one), and its status
        changes that stand (undone ones left out, as on the card), oldest first."""
        lead = await self.session.get(Lead, lead_id)
        if lead is None:
            return None
        card = (
            await self.session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.lead_id == lead_id, OutboxMessage.kind == "lead_card")
                .order_by(OutboxMessage.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        history = (
            await self.session.execute(
                select(LeadStatusChange)
                .where(LeadStatusChange.lead_id == lead_id, LeadStatusChange.undone_at.is_(None))
                .order_by(LeadStatusChange.at, LeadStatusChange.id)
            )
        ).scalars().all()
        return lead, card, history
