"""outbox send tracking: when a send started, and how many sends had an unknown outcome

Both outboxes (lead cards and campaign messages) record a send as started before the Bot API
request, so a send cut short by a crash or a timeout is known to be uncertain and its retry is
marked as a possible repeat (see db.models.outbox.SendTracking).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("outbox", "campaign_outbox")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("send_started_at", db.base.UTCDateTime(timezone=True), nullable=True)
            )
            batch_op.add_column(
                sa.Column("uncertain_sends", sa.Integer(), server_default="0", nullable=False)
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("uncertain_sends")
            batch_op.drop_column("send_started_at")
