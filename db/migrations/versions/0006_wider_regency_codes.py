"""wider regency codes (shipped codes reach 36 characters, e.g. kab-kepulauan-siau-tagulandang-biaro)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("leads", False), ("events", True))


def upgrade() -> None:
    for table, nullable in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "regency_code",
                existing_type=sa.String(length=20),
                type_=sa.String(length=40),
                existing_nullable=nullable,
            )


def downgrade() -> None:
    for table, nullable in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "regency_code",
                existing_type=sa.String(length=40),
                type_=sa.String(length=20),
                existing_nullable=nullable,
            )
