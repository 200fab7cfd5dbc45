"""branch directory: the audit trail of managers' changes to branches (issue #13)

Every change a manager makes on the dashboard's Cabang page (a branch's name, address or
phone, a regency moved to another branch, a link code made) is one ``branch_changes`` row:
who (``akun:<username>``), when, which branch, and what changed (before and after).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "branch_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("branch_code", sa.String(length=40), nullable=False),
        sa.Column("other_branch_code", sa.String(length=40), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_branch_changes")),
    )
    op.create_index("ix_branch_changes_branch_code_at", "branch_changes", ["branch_code", "at"])
    op.create_index("ix_branch_changes_at", "branch_changes", ["at"])


def downgrade() -> None:
    op.drop_index("ix_branch_changes_at", table_name="branch_changes")
    op.drop_index("ix_branch_changes_branch_code_at", table_name="branch_changes")
    op.drop_table("branch_changes")
