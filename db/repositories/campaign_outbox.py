from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import CampaignMessage


class CampaignOutboxRepository:
    """The campaign tools' message queue (see ``db.models.campaign.CampaignMessage``)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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
        message = CampaignMessage(
            kind=kind,
            ticket_message_id=ticket_message_id,
            followup_id=followup_id,
            broadcast_id=broadcast_id,
            ordering_key=ordering_key,
            payload=payload or {},
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        self.session.add(message)
        return message

    async def get(self, message_id: int) -> CampaignMessage | None:
        return await self.session.get(CampaignMessage, message_id)

    async def claim_due(
        self, now: datetime, lease: timedelta, limit: int, use_skip_locked: bool
    ) -> Sequence[CampaignMessage]:
        """Claim due messages as ``delivery.OutboxRepository.claim_due`` does, skipping any
        whose ``ordering_key`` has an earlier message still pending (it goes first)."""
        earlier = aliased(CampaignMessage)
        blocked = exists().where(
            earlier.ordering_key == CampaignMessage.ordering_key,
            earlier.status == "pending",
            earlier.id < CampaignMessage.id,
        )
        free = or_(CampaignMessage.locked_until.is_(None), CampaignMessage.locked_until < now)
        query = (
            select(CampaignMessage)
            .where(
                CampaignMessage.status == "pending",
                CampaignMessage.next_attempt_at <= now,
                free,
                or_(CampaignMessage.ordering_key.is_(None), ~blocked),
            )
            .order_by(CampaignMessage.id)
            .limit(limit)
        )
        if use_skip_locked:
            query = query.with_for_update(skip_locked=True, of=CampaignMessage)
        rows = (await self.session.execute(query)).scalars().all()
        claimed: list[CampaignMessage] = []
        for row in rows:
            # Guarded UPDATE: one sender wins a row even without row locks (SQLite).
            result = await self.session.execute(
                update(CampaignMessage)
                .where(and_(CampaignMessage.id == row.id, free))
                .values(locked_until=now + lease)
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0) == 1:
                row.locked_until = now + lease
                claimed.append(row)
        return claimed
