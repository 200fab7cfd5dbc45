from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class Lead(Base):
    """A worker's confirmed interest, routed to a branch.

    Holds only what the branch needs to call back (UU 27/2022: data minimisation): name, phone,
    occupation, regency, optional income for the estimate, preferred contact time. No exact
    location is stored: the shared point is used for routing and dropped. ``/hapusdata`` blanks
    the personal fields and keeps the row, anonymised, for the statistics.
    """

    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_branch_status", "branch_code", "status"),
        Index("ix_leads_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="baru")
    name: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    # False when the worker shared a Telegram contact that is not their own: the branch checks.
    phone_is_own: Mapped[bool] = mapped_column(Boolean, default=True)
    occupation: Mapped[str] = mapped_column(String(30))
    occupation_other: Mapped[str | None] = mapped_column(String(60), default=None)
    regency_code: Mapped[str] = mapped_column(String(40))
    province_code: Mapped[str] = mapped_column(String(10))
    place_label: Mapped[str | None] = mapped_column(String(160), default=None)
    branch_code: Mapped[str] = mapped_column(String(40))
    income: Mapped[int | None] = mapped_column(BigInteger, default=None)
    contact_time: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(8), default="id")
    # Indexed for the dashboard's period filter and leads-per-day trend.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    claimed_by_name: Mapped[str | None] = mapped_column(String(120), default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    anonymized_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # Where the card sits in the branch group, so status changes edit it in place.
    card_chat_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class LeadStatusChange(Base):
    """Every status change of a lead: who (staff Telegram id and the name they showed then)
    and when. A change undone within the undo window keeps its row, marked ``undone_at``."""

    __tablename__ = "lead_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    by_telegram_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    by_name: Mapped[str | None] = mapped_column(String(120), default=None)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
