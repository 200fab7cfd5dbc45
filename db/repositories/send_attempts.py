"""Tracked sends of outbox rows (both outboxes; see ``db.models.outbox.SendTracking``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CampaignMessage, OutboxMessage

TrackedRow = OutboxMessage | CampaignMessage


async def begin_send(
    session: AsyncSession,
    model: type[OutboxMessage] | type[CampaignMessage],
    row_id: int,
    *,
    claimed_until: datetime,
    now: datetime,
    lease: timedelta,
) -> int | None:
    """Record that a send of row ``row_id`` starts now, and renew the sender's lease for it.

    The caller commits before making the request. One guarded UPDATE: it applies only while
    the row is pending and still claimed by this sender (``claimed_until`` is the lease this
    sender set), and it counts a previous attempt that never recorded its outcome (the sender
    died mid-request) as uncertain, reading and writing the row atomically, so two senders can
    never both see a row as "never tried". Returns the row's count of sends with an unknown
    outcome (above zero: this send may be a repeat), or None when the claim is gone.
    """
    result = await session.execute(
        update(model)
        .where(
            model.id == row_id,
            model.status == "pending",
            model.locked_until == claimed_until,
        )
        .values(
            uncertain_sends=model.uncertain_sends
            + case((model.send_started_at.is_(None), 0), else_=1),
            send_started_at=now,
            locked_until=now + lease,
        )
        .returning(model.uncertain_sends)
        .execution_options(synchronize_session=False)
    )
    uncertain = result.scalar_one_or_none()
    return None if uncertain is None else int(uncertain)


def end_send(row: TrackedRow, *, outcome_unknown: bool) -> None:
    """The attempt's outcome is recorded (in the caller's transaction, with the row's new
    status): it either is known, or is counted as unknown for good."""
    row.send_started_at = None
    if outcome_unknown:
        row.uncertain_sends += 1
