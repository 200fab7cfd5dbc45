from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class UnansweredQuestion(Base):
    """A question the bot could not answer with confidence, kept so the knowledge base can be
    improved. The text is truncated and phone numbers are masked before it is stored; it is
    deleted with the user's other data on /hapusdata."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(300))
    normalized: Mapped[str] = mapped_column(String(300))
    best_topic: Mapped[str | None] = mapped_column(String(40), default=None)
    confidence: Mapped[float | None] = mapped_column(Float, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class QuestionLabel(Base):
    """A manager's verdict on a question the bot missed: the topic it should have answered
    (``di_luar_topik`` for "not ours"). Labels become training phrasings once
    ``python -m bot nlu latih`` accepts a model trained with them (``trained_at``).

    One label per normalised question text (the dashboard groups repeats). The text is the stored
    unanswered question (truncated, phone numbers masked); it goes when the worker who asked it
    deletes their data (/hapusdata), like the question itself.
    """

    __tablename__ = "question_labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, default=None
    )
    text: Mapped[str] = mapped_column(String(300))
    normalized: Mapped[str] = mapped_column(String(300), unique=True)
    topic: Mapped[str] = mapped_column(String(40))
    labelled_by: Mapped[str] = mapped_column(String(64))
    labelled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    trained_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
