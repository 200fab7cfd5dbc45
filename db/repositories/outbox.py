from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OutboxMessage


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(
        self,
        kind: str,
        *,
        lead_id: int | None,
        payload: dict[str, Any] | None = None,
        chat_id: int | None = None,
        now: datetime,
    ) -> OutboxMessage:
        message = OutboxMessage(
            kind=kind,
            lead_id=lead_id,
            chat_id=chat_id,
            payload=payload or {},
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        self.session.add(message)
        return message

    async def claim_due(
        self, now: datetime, lease: timedelta, limit: int, use_skip_locked: bool
    ) -> Sequence[OutboxMessage]:
        """Claim up to ``limit`` due messages for this sender.

        On PostgreSQL, ``FOR UPDATE SKIP LOCKED`` lets several processes claim disjoint rows;
        the lease (``locked_until``) makes the claim outlive the transaction, and a sender that
        dies leaves rows that become due again when the lease expires.
        """
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.status == "pending",
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        if use_skip_locked:
            query = query.with_for_update(skip_locked=True)
        rows = (await self.session.execute(query)).scalars().all()
        claimed: list[OutboxMessage] = []
        for row in rows:
            # A guarded UPDATE: only one sender wins a row even without row locks (SQLite).
            result = await self.session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == row.id,
                    or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
                )
                .values(locked_until=now + lease)
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0) == 1:
                row.locked_until = now + lease
                claimed.append(row)
        return claimed

    async def get(self, message_id: int) -> OutboxMessage | None:
        return await self.session.get(OutboxMessage, message_id)

    async def pending_count(self) -> int:
        from sqlalchemy import func

        query = (
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
        )
        return int((await self.session.execute(query)).scalar_one())
