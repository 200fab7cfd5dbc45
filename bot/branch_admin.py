"""Managing the branch directory: loading the official branch list (``cabang import``),
writing it out (``cabang export``), and the managers' changes on the dashboard's Cabang page.

An import is all or nothing: the file is validated row by row first (a bad row rejects the
whole file with its row number), then branches and the regency assignment are swapped in one
transaction. Regencies go to the nearest imported branch in their province.

On the Cabang page a manager edits a branch (name, address, phone, whether it is verified),
moves a regency to another branch, or makes a link code for a staff group. Each change is one
``branch_changes`` row (who, when, before and after), written in the same transaction as the
change. The bot routes with the change once its directory is reloaded (see ``bot.routing``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import IO, Any

from bot.clock import utcnow
from bot.geo import BranchCsvError, load_default_directory, read_branches, write_branches
from bot.geo.csvio import is_phone_number
from bot.routing import branch_rows, geo_branch
from bot.staff import create_link_code
from db.engine import UnitOfWork
from db.models import BranchChange
from db.repositories.branches import BranchRepository

MAX_NAME, MAX_ADDRESS = 120, 300
CLI_ACTOR = "cli"  # changes made with ``python -m bot cabang ...``
ALL_BRANCHES = "*"  # the branch_code of a change to the whole directory (an import)


class ImportRejected(ValueError):
    """The file is valid but cannot replace the directory; ``str()`` says why."""


@dataclass(frozen=True)
class ImportSummary:
    branches: int
    regencies: int
    provinces_without_branch: tuple[str, ...]


async def import_branches(
    uow: UnitOfWork, stream: IO[str], *, actor: str = CLI_ACTOR, now: datetime | None = None
) -> ImportSummary:
    branches = read_branches(stream)  # raises BranchCsvError with the row number
    try:
        directory = load_default_directory().with_branches(branches)
    except ValueError as error:
        raise BranchCsvError(0, str(error)) from None
    branch_models, regency_models = branch_rows(directory)
    new_codes = {b.code for b in branches}
    repository = BranchRepository(uow)
    linked = await repository.linked_branch_codes()
    orphaned = sorted(set(linked) - new_codes)
    if orphaned:
        raise ImportRejected(
            "staff groups are linked to branches missing from the file: "
            + ", ".join(orphaned)
        )
    await repository.replace_all(branch_models, regency_models)
    # Recorded like a manager's change: the trail shows it and running bots reload.
    repository.record_change(BranchChange(
        at=now or utcnow(), actor=actor, branch_code=ALL_BRANCHES,
        action=ChangeAction.IMPORT, details={"branches": len(branches)},
    ))
    covered = {b.province_code for b in branches if b.province_code}
    provinces = {r.province_code for r in directory.regencies.values()}
    return ImportSummary(
        branches=len(branches),
        regencies=len(regency_models),
        provinces_without_branch=tuple(sorted(provinces - covered)) if covered else (),
    )


async def export_branches(uow: UnitOfWork, stream: IO[str]) -> int:
    rows = await BranchRepository(uow).all_branches()
    write_branches((geo_branch(b) for b in rows), stream)
    return len(rows)


# --- the dashboard's Cabang page ------------------------------------------------------------


class ChangeAction(StrEnum):
    EDIT = "edit"
    MOVE_REGENCY = "move_regency"
    LINK_CODE = "link_code"
    IMPORT = "import"  # ``cabang import`` replaced the whole directory


class Refusal(StrEnum):
    """Why a change was not made; the page shows each in the manager's language."""

    UNKNOWN_BRANCH = "unknown_branch"
    UNKNOWN_REGENCY = "unknown_regency"
    EMPTY_NAME = "empty_name"
    LONG_NAME = "long_name"
    LONG_ADDRESS = "long_address"
    BAD_PHONE = "bad_phone"
    UNCHANGED = "unchanged"
    SAME_BRANCH = "same_branch"


class ChangeRefused(ValueError):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True)
class RegencyEntry:
    code: str
    name: str  # "Kabupaten Lamongan"
    province_code: str
    branch_code: str


@dataclass(frozen=True)
class BranchEntry:
    """One branch as the Cabang page lists it."""

    code: str
    name: str
    address: str
    phone: str
    province_code: str
    provisional: bool  # derived placeholder: never named to a worker
    provenance: str
    regencies: tuple[RegencyEntry, ...]
    group_chat_ids: tuple[int, ...]


@dataclass(frozen=True)
class ChangeEntry:
    at: datetime
    actor: str
    branch_code: str
    other_branch_code: str | None
    action: str
    details: dict[str, Any]


@dataclass(frozen=True)
class BranchEdit:
    name: str
    address: str
    phone: str
    verified: bool  # False: provisional, the worker reads "the office serving <regency>"


async def list_branches(uow: UnitOfWork) -> list[BranchEntry]:
    """Every branch with its service area and linked staff groups, by province then name."""
    repository = BranchRepository(uow)
    branches = await repository.all_branches()
    regencies = await repository.all_regencies()
    groups = await repository.all_groups()
    area: dict[str, list[RegencyEntry]] = {}
    for r in sorted(regencies, key=lambda r: r.name):
        area.setdefault(r.branch_code, []).append(
            RegencyEntry(r.code, r.name, r.province_code, r.branch_code)
        )
    chats: dict[str, list[int]] = {}
    for g in groups:
        chats.setdefault(g.branch_code, []).append(g.chat_id)
    entries = [
        BranchEntry(
            code=b.code, name=b.name, address=b.address, phone=b.phone,
            province_code=b.province_code, provisional=b.provisional, provenance=b.provenance,
            regencies=tuple(area.get(b.code, ())), group_chat_ids=tuple(chats.get(b.code, ())),
        )
        for b in branches
    ]
    return sorted(entries, key=lambda e: (e.province_code, e.name, e.code))


async def all_regencies(uow: UnitOfWork) -> list[RegencyEntry]:
    rows = await BranchRepository(uow).all_regencies()
    return [RegencyEntry(r.code, r.name, r.province_code, r.branch_code) for r in rows]


async def recent_changes(
    uow: UnitOfWork, branch_code: str | None = None, limit: int = 50
) -> list[ChangeEntry]:
    rows = await BranchRepository(uow).changes(branch_code, limit)
    return [
        ChangeEntry(c.at, c.actor, c.branch_code, c.other_branch_code, c.action, dict(c.details))
        for c in rows
    ]


async def edit_branch(
    uow: UnitOfWork, code: str, edit: BranchEdit, *, actor: str, now: datetime
) -> dict[str, list[Any]]:
    """Apply the edit; returns what changed (``{field: [before, after]}``), also recorded."""
    name, address, phone = edit.name.strip(), edit.address.strip(), edit.phone.strip()
    if not name:
        raise ChangeRefused(Refusal.EMPTY_NAME)
    if len(name) > MAX_NAME:
        raise ChangeRefused(Refusal.LONG_NAME)
    if len(address) > MAX_ADDRESS:
        raise ChangeRefused(Refusal.LONG_ADDRESS)
    if phone and not is_phone_number(phone):
        raise ChangeRefused(Refusal.BAD_PHONE)
    repository = BranchRepository(uow)
    branch = await repository.get(code)
    if branch is None:
        raise ChangeRefused(Refusal.UNKNOWN_BRANCH)
    changed: dict[str, list[Any]] = {}
    for field, value in (("name", name), ("address", address), ("phone", phone)):
        if getattr(branch, field) != value:
            changed[field] = [getattr(branch, field), value]
            setattr(branch, field, value)
    if branch.provisional == edit.verified:
        changed["verified"] = [not branch.provisional, edit.verified]
        branch.provisional = not edit.verified
        # The directory reads "provisional" from the provenance (bot.geo.Branch).
        branch.provenance = (
            f"verified on the dashboard by {actor}, {now:%Y-%m-%d}"
            if edit.verified
            else f"provisional: marked unverified on the dashboard by {actor}, {now:%Y-%m-%d}"
        )
    if not changed:
        raise ChangeRefused(Refusal.UNCHANGED)
    branch.updated_at = now
    repository.record_change(
        BranchChange(at=now, actor=actor, branch_code=code, action=ChangeAction.EDIT,
                     details=changed)
    )
    return changed


async def move_regency(
    uow: UnitOfWork, regency_code: str, to_branch: str, *, actor: str, now: datetime
) -> str:
    """Hand a regency to ``to_branch``; returns the branch it left (recorded with the move)."""
    repository = BranchRepository(uow)
    regency = await repository.regency(regency_code)
    if regency is None:
        raise ChangeRefused(Refusal.UNKNOWN_REGENCY)
    if await repository.get(to_branch) is None:
        raise ChangeRefused(Refusal.UNKNOWN_BRANCH)
    previous = regency.branch_code
    if previous == to_branch:
        raise ChangeRefused(Refusal.SAME_BRANCH)
    regency.branch_code = to_branch
    repository.record_change(
        BranchChange(
            at=now, actor=actor, branch_code=to_branch, other_branch_code=previous,
            action=ChangeAction.MOVE_REGENCY,
            details={"regency": regency.code, "regency_name": regency.name,
                     "from": previous, "to": to_branch},
        )
    )
    return previous


async def make_link_code(uow: UnitOfWork, branch_code: str, *, actor: str, now: datetime) -> str:
    """A one-time code for ``/hubungkan`` in the branch's staff group (as ``cabang link-code``);
    the trail records that one was made, never the code."""
    try:
        code = await create_link_code(uow, branch_code, now)
    except LookupError:
        raise ChangeRefused(Refusal.UNKNOWN_BRANCH) from None
    BranchRepository(uow).record_change(
        BranchChange(at=now, actor=actor, branch_code=branch_code,
                     action=ChangeAction.LINK_CODE, details={})
    )
    return code
