"""Campaign tools: where workers came from (sources), talking to a person (tickets), broadcasts
with their opt-outs, follow-up questions on leads, and the queue and leases that send them.

Delivery tables follow the outbox's rules (``db.models.outbox``): a row is written in the same
transaction as the change it announces and claimed with a lease, so a crash or a Bot API error
delays a message and never loses it. Broadcast recipients are the exception: they are sent at
most once (see ``bot.broadcasts``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow
from db.models.outbox import QueuedMessage

# --- source tracking -------------------------------------------------------------------------


class Source(Base):
    """A deep-link code printed on a poster, read on the radio or handed out by a Perisai agent:
    ``https://t.me/<bot>?start=<code>``."""

    __tablename__ = "sources"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Every /start with this code, repeat visits included.
    touches: Mapped[int] = mapped_column(Integer, default=0)


class UserSource(Base):
    """The first source a worker came through (kept for good) and the latest one."""

    __tablename__ = "user_sources"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    first_source: Mapped[str] = mapped_column(ForeignKey("sources.code"), index=True)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_source: Mapped[str] = mapped_column(ForeignKey("sources.code"), index=True)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())
    touches: Mapped[int] = mapped_column(Integer, default=1)


# --- human handoff ---------------------------------------------------------------------------


class Ticket(Base):
    """A worker's question for a person ("Tanya petugas"), answered by branch staff in their
    group. ``status``: ``open`` (waiting for staff), ``answered`` (staff spoke last), ``closed``."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_branch_code_status", "branch_code", "status"),
        Index("ix_tickets_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # None: the worker has no lead, so no branch; the admin group answers.
    branch_code: Mapped[str | None] = mapped_column(String(40), default=None)
    status: Mapped[str] = mapped_column(String(12), default="open")
    language: Mapped[str] = mapped_column(String(8), default="id")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    out_of_hours: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the worker was told to expect an answer (the next opening), if out of hours.
    expected_by: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # The recent conversation shown to staff, captured when the ticket was opened.
    context: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class TicketMessage(Base):
    """One message of a ticket: the worker's (posted to the group) or a staff answer (relayed
    to the worker). ``group_message_id`` is the message in the staff group, so that a reply to
    it finds its ticket. The staff member's id is kept for audit and never shown to workers."""

    __tablename__ = "ticket_messages"
    __table_args__ = (
        UniqueConstraint("group_chat_id", "group_message_id", name="uq_ticket_messages_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(10))  # "worker" or "staff"
    text: Mapped[str] = mapped_column(Text)
    staff_telegram_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    group_chat_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    group_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)


# --- the campaign's message queue and job leases ---------------------------------------------


class CampaignMessage(QueuedMessage, Base):
    """A message of the campaign tools waiting to be sent: a ticket to a staff group, a staff
    answer to a worker, a follow-up question, an alert, a broadcast preview.

    Rows with the same ``ordering_key`` go out in id order (a ticket's answers arrive as
    written); rows without one are independent. Sends are tracked as the lead outbox's are
    (:class:`db.models.outbox.QueuedMessage`)."""

    __tablename__ = "campaign_outbox"
    __table_args__ = (
        Index("ix_campaign_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_campaign_outbox_ordering_key_status", "ordering_key", "status"),
    )

    ticket_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket_messages.id", ondelete="CASCADE"), default=None
    )
    followup_id: Mapped[int | None] = mapped_column(
        ForeignKey("followups.id", ondelete="CASCADE"), default=None
    )
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), default=None
    )
    ordering_key: Mapped[str | None] = mapped_column(String(40), default=None)


class JobLease(Base):
    """Which process runs a job that must run once across processes (the broadcast sender),
    until when. A process that dies stops renewing and another takes over after expiry."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- broadcasts ------------------------------------------------------------------------------


class OptOut(Base):
    """A worker who sent /berhenti: no broadcasts until /mulai (which deletes the row)."""

    __tablename__ = "opt_outs"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    opted_out_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Broadcast(Base):
    """A campaign message to a segment of workers. ``status``: ``draft`` (preview sent to its
    creator), ``awaiting_approval`` (a second manager must approve), ``scheduled`` (approved,
    waiting for ``scheduled_at``), ``sending``, ``paused``, ``done``, ``cancelled``. The
    segment is a JSON object (see ``bot.broadcasts.Segment``)."""

    __tablename__ = "broadcasts"
    __table_args__ = (Index("ix_broadcasts_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    button_text: Mapped[str | None] = mapped_column(String(64), default=None)
    button_url: Mapped[str | None] = mapped_column(String(300), default=None)
    segment: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_by: Mapped[str] = mapped_column(String(80))
    preview_chat_id: Mapped[int] = mapped_column(BigInteger)
    requested_by: Mapped[str | None] = mapped_column(String(80), default=None)
    approved_by: Mapped[str | None] = mapped_column(String(80), default=None)
    # Recipients when sending was requested; fixed rows once approved.
    audience_size: Mapped[int] = mapped_column(Integer, default=0)
    recipient_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    preview_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    # Not before this moment (``scheduled`` until then); forced: sent in quiet hours too.
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    ignore_quiet_hours: Mapped[bool] = mapped_column(Boolean, default=False)


class BroadcastRecipient(Base):
    """One worker of a broadcast. ``status``: ``pending``, ``sending`` (claimed, in flight),
    ``sent``, ``failed``, ``blocked`` (403), ``skipped`` (opted out meanwhile), ``unknown``
    (in flight when a sender died: maybe delivered, never sent again)."""

    __tablename__ = "broadcast_recipients"
    __table_args__ = (
        Index("ix_broadcast_recipients_broadcast_id_status", "broadcast_id", "status"),
    )

    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(8), default="id")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    # The sending process (its job lease holder id) while ``sending``.
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    error: Mapped[str | None] = mapped_column(String(200), default=None)


# --- follow-up on leads ----------------------------------------------------------------------


class FollowUp(Base):
    """A question to the worker about their lead: ``contact`` (did the branch contact you:
    ``yes``/``no``/``registered``) some days after it was claimed, ``satisfaction`` (``1``-``5``)
    some days after it became "Terdaftar". ``anchor_at`` is the claim or enrolment it follows,
    so each is asked once; a lead re-opened and claimed again is asked again."""

    __tablename__ = "followups"
    __table_args__ = (
        UniqueConstraint("lead_id", "kind", "anchor_at", name="uq_followups_lead_kind_anchor"),
        Index("ix_followups_branch_code_kind", "branch_code", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    anchor_at: Mapped[datetime] = mapped_column(UTCDateTime())
    branch_code: Mapped[str] = mapped_column(String(40))
    # The lead's status when the question was queued (the branch's view, for the dashboard).
    lead_status: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    answer: Mapped[str | None] = mapped_column(String(20), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
