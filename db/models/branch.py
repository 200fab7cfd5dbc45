from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class Branch(Base):
    """A BPJS Ketenagakerjaan branch office (Kantor Cabang)."""

    __tablename__ = "branches"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    province_code: Mapped[str] = mapped_column(String(10), default="")
    kanwil: Mapped[str] = mapped_column(String(120), default="")
    provenance: Mapped[str] = mapped_column(String(200), default="")
    provisional: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Regency(Base):
    """A regency or city (kabupaten/kota) and the branch that serves it."""

    __tablename__ = "regencies"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    province_code: Mapped[str] = mapped_column(String(10), index=True)
    province_name: Mapped[str] = mapped_column(String(120))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    branch_code: Mapped[str] = mapped_column(ForeignKey("branches.code"), index=True)


class BranchGroup(Base):
    """A Telegram group linked to a branch: its staff receive that branch's leads there."""

    __tablename__ = "branch_groups"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    branch_code: Mapped[str] = mapped_column(ForeignKey("branches.code"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    linked_by: Mapped[int] = mapped_column(BigInteger)


class LinkCode(Base):
    """A one-time code an admin hands to a branch so its staff can link their group."""

    __tablename__ = "link_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    branch_code: Mapped[str] = mapped_column(ForeignKey("branches.code"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class BranchChange(Base):
    """One change a manager made to the branch directory (dashboard, Cabang): the audit trail.

    ``action``: ``edit`` (details: ``{field: [before, after]}``), ``move_regency``
    (``{"regency": code, "regency_name": ..., "from": branch}``: ``branch_code`` is the branch
    it moved to, ``other_branch_code`` the one it left, so both branches list it),
    ``link_code`` (``{}``: the code itself is never stored).
    No foreign key: the trail outlives a branch removed by ``cabang import``.
    """

    __tablename__ = "branch_changes"
    __table_args__ = (
        Index("ix_branch_changes_branch_code_at", "branch_code", "at"),
        Index("ix_branch_changes_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(80))  # "akun:<username>"
    branch_code: Mapped[str] = mapped_column(String(40))
    other_branch_code: Mapped[str | None] = mapped_column(String(40), default=None)
    action: Mapped[str] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
