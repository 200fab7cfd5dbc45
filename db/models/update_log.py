from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class ProcessedUpdate(Base):
    """Webhook updates already taken, by Telegram's ``update_id``.

    Telegram re-delivers an update it got no 200 for, possibly to another process behind the
    load balancer: the primary key makes exactly one process take it. Rows older than a day
    are pruned (Telegram gives up re-delivering long before).
    """

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
