from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class DashboardAccount(Base):
    """A campaign staff member who may log in to the dashboard.

    ``role`` is ``manajer`` (every figure) or ``cabang`` (one branch's figures, ``branch_code``).
    ``password_hash`` is a self-describing scrypt string (see ``bot.accounts``), never the password.
    ``telegram_id``: the staff member's own Telegram user id, where the previews of the broadcasts
    they create on the dashboard go (None: they cannot create broadcasts there).
    """

    __tablename__ = "dashboard_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))
    branch_code: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, default=None)


class DashboardSession(Base):
    """A logged-in browser. The cookie carries a random token; only its SHA-256 is stored, so a
    copy of the database cannot be replayed as a login. Deleting the row logs the browser out."""

    __tablename__ = "dashboard_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("dashboard_accounts.id", ondelete="CASCADE"), index=True
    )
    # Per-session secret echoed by every form (synchronizer-token CSRF protection).
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
