"""lead status authors: who pressed each status, and undone changes (issue #13)

``lead_status_changes`` already recorded the staff member's Telegram id; the card now shows
their name as it was at that time (``by_name``), and a change undone within five minutes keeps
its row for the record, marked ``undone_at``.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lead_status_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("by_name", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("undone_at", db.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("lead_status_changes", schema=None) as batch_op:
        batch_op.drop_column("undone_at")
        batch_op.drop_column("by_name")
