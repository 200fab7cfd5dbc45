from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class SendTracking:
    """Columns of an outbox row whose Bot API sends are tracked (both outboxes share them).

    The Bot API has no idempotency key, so a send whose answer never came (a client timeout, a
    dropped connection, a crash mid-request) may or may not have reached the chat. These columns
    make that knowable after a restart: ``send_started_at`` is committed before each request
    and cleared once the outcome is known; a later attempt that finds it still set knows that
    the sender died mid-request. ``uncertain_sends`` counts the attempts whose outcome is
    unknown; while it is above zero every further send carries a "possible repeat" line
    (``bot.outbox.tracking``), so a chat never sees a silent duplicate.
    """

    send_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    uncertain_sends: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class QueuedMessage(SendTracking):
    """The columns every outbox row has: what to send (``kind`` and ``payload``, rendered when
    sent), where it went, and the retry state a sender works with. The two outboxes add what
    their rows point at (:class:`OutboxMessage`, :class:`db.models.campaign.CampaignMessage`);
    ``db.repositories.outbox.MessageQueue`` claims and counts either."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    chat_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A claim by one sender (process) until this time; a crashed sender's claim expires.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)


class OutboxMessage(QueuedMessage, Base):
    """A message to a branch or admin group, written in the same transaction as the change it
    announces and sent later with retries: a crash or a Bot API error never loses a lead, and
    a card is never repeated without saying so (:class:`SendTracking`)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
