from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Event, Lead, Ticket, TicketMessage, UnansweredQuestion


class TicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, ticket_id: int, *, for_update: bool = False) -> Ticket | None:
        query = select(Ticket).where(Ticket.id == ticket_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def unclosed_for_user(self, user_id: int) -> Ticket | None:
        query = (
            select(Ticket)
            .where(Ticket.user_id == user_id, Ticket.status != "closed")
            .order_by(Ticket.id.desc())
            .limit(1)
            .with_for_update()
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    def add(self, ticket: Ticket) -> None:
        self.session.add(ticket)

    def add_message(self, message: TicketMessage) -> None:
        self.session.add(message)

    async def add_message_once(self, message: TicketMessage) -> bool:
        """Insert; False when a message with the same group chat and message id exists
        (Telegram delivered the staff reply twice)."""
        try:
            async with self.session.begin_nested():
                self.session.add(message)
            return True
        except IntegrityError:
            return False

    async def message(self, message_id: int) -> TicketMessage | None:
        return await self.session.get(TicketMessage, message_id)

    async def by_group_message(self, chat_id: int, message_id: int) -> TicketMessage | None:
        query = select(TicketMessage).where(
            TicketMessage.group_chat_id == chat_id, TicketMessage.group_message_id == message_id
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def posted_somewhere(self, ticket_id: int) -> bool:
        """Whether a message of the ticket sits in a staff group (later ones follow it there)."""
        query = (
            select(TicketMessage.id)
            .where(TicketMessage.ticket_id == ticket_id, TicketMessage.group_chat_id.is_not(None))
            .limit(1)
        )
        return (await self.session.execute(query)).first() is not None

    async def messages(self, ticket_id: int) -> Sequence[TicketMessage]:
        query = (
            select(TicketMessage)
            .where(TicketMessage.ticket_id == ticket_id)
            .order_by(TicketMessage.id)
        )
        return (await self.session.execute(query)).scalars().all()

    async def latest_lead(self, user_id: int) -> Lead | None:
        """The worker's latest lead that still has their data (it names their branch)."""
        query = (
            select(Lead)
            .where(Lead.user_id == user_id, Lead.anonymized_at.is_(None))
            .order_by(Lead.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def recent_events(self, user_id: int, since: datetime, limit: int) -> Sequence[Event]:
        query = (
            select(Event)
            .where(Event.user_id == user_id, Event.created_at >= since)
            .order_by(Event.created_at.desc(), Event.id.desc())
            .limit(limit)
        )
        return (await self.session.execute(query)).scalars().all()

    async def recent_unanswered(
        self, user_id: int, since: datetime, limit: int
    ) -> Sequence[UnansweredQuestion]:
        query = (
            select(UnansweredQuestion)
            .where(UnansweredQuestion.user_id == user_id, UnansweredQuestion.created_at >= since)
            .order_by(UnansweredQuestion.created_at.desc(), UnansweredQuestion.id.desc())
            .limit(limit)
        )
        return (await self.session.execute(query)).scalars().all()

    async def in_period(
        self, since: datetime | None, until: datetime | None, branch_code: str | None
    ) -> Sequence[Ticket]:
        query = select(Ticket)
        if since is not None:
            query = query.where(Ticket.created_at >= since)
        if until is not None:
            query = query.where(Ticket.created_at < until)
        if branch_code is not None:
            query = query.where(Ticket.branch_code == branch_code)
        return (await self.session.execute(query.order_by(Ticket.id))).scalars().all()

    async def close_idle(self, before: datetime, now: datetime) -> int:
        """Close answered tickets with no message since ``before``."""
        result = await self.session.execute(
            update(Ticket)
            .where(Ticket.status == "answered", Ticket.updated_at < before)
            .values(status="closed", closed_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def forget_user(self, user_id: int) -> None:
        await self.session.execute(delete(Ticket).where(Ticket.user_id == user_id))
