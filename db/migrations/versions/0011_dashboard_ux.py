"""dashboard ux: scheduled broadcasts and quiet hours (issue #15)

A broadcast can wait for a time (``scheduled_at``, status ``scheduled`` until then) and can be
forced to go out inside the quiet hours (``ignore_quiet_hours``, see bot.quiet_hours).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scheduled_at", db.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "ignore_quiet_hours", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_column("ignore_quiet_hours")
        batch_op.drop_column("scheduled_at")
