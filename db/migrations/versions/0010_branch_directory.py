"""branch directory: the audit trail of managers' changes to branches (issue #13)

Every change a manager makes on the dashboard's Cabang page (a branch's name, address or
phone, a regency moved to another branch, a link code made) is one ``branch_changes`` row:
who (``akun:<username>``), when, which branch, and what changed (before and after).

A database already seeded with the earlier shipped (derived) directory gets the corrections the
shipped data now carries (see bot/data/PROVENANCE.md): the branches the seed news names in
Lamongan and Bojonegoro, serving their own regency, and Kabupaten Bogor served from Bogor rather
than Depok. Each is applied only where the old derived assignment is still in place (an
imported official list or a manager's choice is left alone) and recorded as a change by
``migrasi:0010``. A fresh database is seeded from the shipped data on first start instead.
The downgrade drops the trail but keeps the directory as it is.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

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
    _correct_seeded_directory()


ACTOR = "migrasi:0010"
# (code, name, lat, lon, provenance, regency served, the derived branch serving it before)
SOURCED = (
    ("KC-LAMONGAN", "Kantor Cabang Lamongan", -7.11667, 112.41667,
     "sourced: seeds/002_e7e957eb7a6b1db3.txt 'BPJS Ketenagakerjaan Cabang Lamongan'; placed at "
     "kab Lamongan (geonames:1638562 seat Lamongan); address unknown — verify",
     "kab-lamongan", "KC-SURABAYA"),
    ("KC-BOJONEGORO", "Kantor Cabang Bojonegoro", -7.1502, 111.8817,
     "sourced: seeds/002_e7e957eb7a6b1db3.txt 'Kepala BPJS Ketenagakerjaan Bojonegoro'; placed "
     "at kab Bojonegoro (geonames:1648451 seat Bojonegoro); address unknown — verify",
     "kab-bojonegoro", "KC-MADIUN"),
)
# (regency, derived branch before, branch now)
MOVES = (("kab-bogor", "KC-DEPOK", "KC-BOGOR"),)

_branches = sa.table(
    "branches", sa.column("code", sa.String), sa.column("name", sa.String),
    sa.column("address", sa.String), sa.column("phone", sa.String),
    sa.column("lat", sa.Float), sa.column("lon", sa.Float),
    sa.column("province_code", sa.String), sa.column("kanwil", sa.String),
    sa.column("provenance", sa.String), sa.column("provisional", sa.Boolean),
    sa.column("updated_at", db.base.UTCDateTime()),
)
_regencies = sa.table(
    "regencies", sa.column("code", sa.String), sa.column("name", sa.String),
    sa.column("branch_code", sa.String),
)
_changes = sa.table(
    "branch_changes", sa.column("at", db.base.UTCDateTime()), sa.column("actor", sa.String),
    sa.column("branch_code", sa.String), sa.column("other_branch_code", sa.String),
    sa.column("action", sa.String), sa.column("details", sa.JSON),
)


def _correct_seeded_directory() -> None:
    connection = op.get_bind()
    now = datetime.now(UTC)

    def derived(code: str) -> bool:
        provenance = connection.execute(
            sa.select(_branches.c.provenance).where(_branches.c.code == code)
        ).scalar_one_or_none()
        return provenance is not None and provenance.startswith("provisional:")

    def move(regency: str, before: str, after: str) -> None:
        name = connection.execute(
            sa.select(_regencies.c.name).where(
                _regencies.c.code == regency, _regencies.c.branch_code == before)
        ).scalar_one_or_none()
        if name is None:  # moved or imported since: left alone
            return
        connection.execute(sa.update(_regencies).where(_regencies.c.code == regency)
                           .values(branch_code=after))
        connection.execute(sa.insert(_changes).values(
            at=now, actor=ACTOR, branch_code=after, other_branch_code=before,
            action="move_regency",
            details={"regency": regency, "regency_name": name, "from": before, "to": after},
        ))

    for code, name, lat, lon, provenance, regency, before in SOURCED:
        if not derived(before):
            continue
        exists = connection.execute(
            sa.select(_branches.c.code).where(_branches.c.code == code)).first()
        if exists is None:
            connection.execute(sa.insert(_branches).values(
                code=code, name=name, address="", phone="", lat=lat, lon=lon,
                province_code="ID-JI", kanwil="", provenance=provenance, provisional=False,
                updated_at=now,
            ))
        move(regency, before, code)
    for regency, before, after in MOVES:
        if derived(before) and derived(after):
            move(regency, before, after)


def downgrade() -> None:
    op.drop_index("ix_branch_changes_at", table_name="branch_changes")
    op.drop_index("ix_branch_changes_branch_code_at", table_name="branch_changes")
    op.drop_table("branch_changes")
