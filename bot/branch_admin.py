"""Loading the official branch list (``cabang import``) and writing it out (``cabang export``).

An import is all or nothing: the file is validated row by row first (a bad row rejects the
whole file with its row number), then branches and the regency assignment are swapped in one
transaction. Regencies go to the nearest imported branch in their province.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from sqlalchemy import select

from bot.geo import BranchCsvError, load_default_directory, read_branches, write_branches
from bot.routing import branch_rows, geo_branch
from db.engine import Database
from db.models import BranchGroup
from db.repositories.branches import BranchRepository


class ImportRejected(ValueError):
    """The file is valid but cannot replace the directory; ``str()`` says why."""


@dataclass(frozen=True)
class ImportSummary:
    branches: int
    regencies: int
    provinces_without_branch: tuple[str, ...]


async def import_branches(db: Database, stream: IO[str]) -> ImportSummary:
    branches = read_branches(stream)  # raises BranchCsvError with the row number
    try:
        directory = load_default_directory().with_branches(branches)
    except ValueError as error:
        raise BranchCsvError(0, str(error)) from None
    branch_models, regency_models = branch_rows(directory)
    new_codes = {b.code for b in branches}
    async with db.transaction() as session:
        linked = (await session.execute(select(BranchGroup.branch_code))).scalars().all()
        orphaned = sorted(set(linked) - new_codes)
        if orphaned:
            raise ImportRejected(
                "staff groups are linked to branches missing from the file: "
                + ", ".join(orphaned)
            )
        await BranchRepository(session).replace_all(branch_models, regency_models)
    covered = {b.province_code for b in branches if b.province_code}
    provinces = {r.province_code for r in directory.regencies.values()}
    return ImportSummary(
        branches=len(branches),
        regencies=len(regency_models),
        provinces_without_branch=tuple(sorted(provinces - covered)) if covered else (),
    )


async def export_branches(db: Database, stream: IO[str]) -> int:
    async with db.transaction() as session:
        rows = await BranchRepository(session).all_branches()
    write_branches((geo_branch(b) for b in rows), stream)
    return len(rows)
