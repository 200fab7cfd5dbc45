"""The two outboxes' queues: one generic :class:`MessageQueue` claims, fetches and counts rows
of either table; :class:`OutboxRepository` (lead cards, reminders) and
:class:`CampaignOutboxRepository` (tickets, answers, follow-ups, broadcasts' previews) add
what their rows point at."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import CampaignMessage, OutboxMessage

Row = TypeVar("Row", OutboxMessage, CampaignMessage)


class MessageQueue(Generic[Row]):
    # The table, set by each subclass.
    model: type[Row]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _queue(self, row: Row, now: datetime) -> Row:
        row.status = "pending"
        row.attempts = 0
        row.next_attempt_at = now
        row.created_at = now
        self.session.add(row)
        return row

    def _claimable(self, now: datetime) -> ColumnElement[bool]:
        """Rows a sender may take besides being due and unclaimed (all, unless overridden)."""
        return true()

    async def claim_due(
        self, now: datetime, lease: timedelta, limit: int, use_skip_locked: bool
    ) -> Sequence[Row]:
        """Claim up to ``limit`` due messages for this sender.

        On PostgreSQL, ``FOR UPDATE SKIP LOCKED`` lets several processes claim disjoint rows;
        the lease (``locked_until``) makes the claim outlive the transaction, and a sender that
        dies leaves rows that become due again when the lease expires.
        """
        model = self.model
        free = or_(model.locked_until.is_(None), model.locked_until < now)
        query = (
            select(model)
            .where(
                model.status == "pending",
                model.next_attempt_at <= now,
                free,
                self._claimable(now),
            )
            .order_by(model.id)
            .limit(limit)
        )
        if use_skip_locked:
            query = query.with_for_update(skip_locked=True, of=model)
        rows = (await self.session.execute(query)).scalars().all()
        claimed: list[Row] = []
        for row in rows:
            # A guarded UPDATE: only one sender wins a row even without row locks (SQLite).
            result = await self.session.execute(
                update(model)
                .where(and_(model.id == row.id, free))
                .values(locked_until=now + lease)
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0) == 1:
                row.locked_until = now + lease
                claimed.append(row)
        return claimed

    async def get(self, message_id: int) -> Row | None:
        return await self.session.get(self.model, message_id)

    async def pending_count(self) -> int:
        query = select(func.count()).select_from(self.model).where(self.model.status == "pending")
        return int((await self.session.execute(query)).scalar_one())


class OutboxRepository(MessageQueue[OutboxMessage]):
    """Lead cards, reminders and escalations to branch and admin groups."""

    model = OutboxMessage

    def add(
        self,
        kind: str,
        *,
        lead_id: int | None,
        payload: dict[str, Any] | None = None,
        chat_id: int | None = None,
        now: datetime,
    ) -> OutboxMessage:
        row = OutboxMessage(kind=kind, lead_id=lead_id, chat_id=chat_id, payload=payload or {})
        return self._queue(row, now)


class CampaignOutboxRepository(MessageQueue[CampaignMessage]):
    """The campaign tools' messages (``db.models.campaign.CampaignMessage``). Rows sharing an
    ``ordering_key`` go out in id order: one waits while an earlier one is pending."""

    model = CampaignMessage

    def add(
        self,
        kind: str,
        *,
        now: datetime,
        ticket_message_id: int | None = None,
        followup_id: int | None = None,
        broadcast_id: int | None = None,
        ordering_key: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> CampaignMessage:
        row = CampaignMessage(
            kind=kind,
            ticket_message_id=ticket_message_id,
            followup_id=followup_id,
            broadcast_id=broadcast_id,
            ordering_key=ordering_key,
            payload=payload or {},
        )
        return self._queue(row, now)

    def _claimable(self, now: datetime) -> ColumnElement[bool]:
        earlier = aliased(CampaignMessage)
        blocked = exists().where(
            earlier.ordering_key == CampaignMessage.ordering_key,
            earlier.status == "pending",
            earlier.id < CampaignMessage.id,
        )
        return or_(CampaignMessage.ordering_key.is_(None), ~blocked)
