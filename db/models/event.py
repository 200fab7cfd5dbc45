from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class Event(Base):
    """One step of a conversation, for the campaign's statistics.

    Analytics hold no names or phone numbers: ``details`` carries only codes and figures
    (topic, confidence, step, income bracket), never free text typed by a worker.
    """

    __tablename__ = "events"
    __table_args__ = (
        # topic last: the dashboard's questions-per-topic for a period reads the index alone.
        Index("ix_events_kind_created_at_topic", "kind", "created_at", "topic"),
        Index("ix_events_user_id_kind", "user_id", "kind"),
        # The dashboard's funnel: distinct workers per kind, read from the index alone.
        Index("ix_events_kind_user_id", "kind", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    topic: Mapped[str | None] = mapped_column(String(40), default=None)
    confidence: Mapped[float | None] = mapped_column(Float, default=None)
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    branch_code: Mapped[str | None] = mapped_column(String(40), default=None)
    regency_code: Mapped[str | None] = mapped_column(String(40), default=None)
    province_code: Mapped[str | None] = mapped_column(String(10), default=None)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
