from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class User(Base):
    """A Telegram user who has talked to the bot. Holds no personal data beyond the Telegram id
    and language: names and phone numbers live only on a lead, and only after consent."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    language: Mapped[str] = mapped_column(String(8), default="id")
    # True once the user picked a language with /bahasa: Telegram's language_code no longer wins.
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    # Indexed for the dashboard's new-users-per-day trend.
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # Set when Telegram answers 403 (the user blocked the bot): we stop sending to them.
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
