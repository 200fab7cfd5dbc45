"""question labels: managers' topics for missed questions, the classifier's learning loop

A manager labels a question the bot could not answer (dashboard, Tak terjawab); the label becomes
a training phrasing once ``python -m bot nlu latih`` accepts a model trained with it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "question_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("normalized", sa.String(length=300), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("labelled_by", sa.String(length=64), nullable=False),
        sa.Column("labelled_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("trained_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_question_labels_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_labels")),
        sa.UniqueConstraint("normalized", name=op.f("uq_question_labels_normalized")),
    )
    op.create_index("ix_question_labels_user_id", "question_labels", ["user_id"])
    op.create_index("ix_question_labels_trained_at", "question_labels", ["trained_at"])


def downgrade() -> None:
    op.drop_index("ix_question_labels_trained_at", table_name="question_labels")
    op.drop_index("ix_question_labels_user_id", table_name="question_labels")
    op.drop_table("question_labels")
