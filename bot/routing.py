"""The branch directory as the rest of the bot sees it: loaded from the database (seeded from
the shipped data on first start) and adapted to what the registration flow asks."""

from __future__ import annotations

import logging

from bot.geo import Branch as GeoBranch
from bot.geo import Directory, OutsideIndonesiaError, RoutingResult, load_default_directory
from bot.registration.flow import RoutedPlace
from db.engine import UnitOfWork
from db.models import Branch, Regency
from db.repositories.branches import BranchRepository

log = logging.getLogger(__name__)

# How often a running bot looks for managers' changes to the directory (dashboard, Cabang).
DIRECTORY_CHECK_SECONDS = 30.0


class DirectoryPlaces:
    """``PlaceResolver`` for the registration flow, backed by a :class:`Directory`."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory

    def from_point(self, lat: float, lon: float) -> RoutedPlace | None:
        try:
            result = self.directory.nearest_branch(lat, lon)
        except OutsideIndonesiaError:
            return None
        return _routed(result, result.regency)

    def from_text(self, text: str) -> list[RoutedPlace]:
        match = self.directory.resolve_place(text[:200])
        return [
            _routed(self.directory.route_regency(candidate.regency_code), candidate.label)
            for candidate in match.candidates
        ]


def _routed(result: RoutingResult, label: str) -> RoutedPlace:
    return RoutedPlace(
        regency_code=result.regency_code,
        regency_name=result.regency,
        province_code=result.province_code,
        province_name=result.province,
        branch_code=result.code,
        label=label,
    )


def branch_rows(directory: Directory) -> tuple[list[Branch], list[Regency]]:
    """Database rows for a directory's branches and regency assignment."""
    branches = [
        Branch(
            code=b.code,
            name=b.name,
            address=b.address,
            phone=b.phone,
            lat=b.lat,
            lon=b.lon,
            province_code=b.province_code,
            kanwil=b.kanwil,
            provenance=b.provenance,
            provisional=b.provisional,
        )
        for b in directory.branches.values()
    ]
    regencies = [
        Regency(
            code=r.code,
            name=r.display_name,
            kind=r.kind,
            province_code=r.province_code,
            province_name=r.province,
            lat=r.lat,
            lon=r.lon,
            branch_code=r.branch_code,
        )
        for r in directory.regencies.values()
    ]
    return branches, regencies


def geo_branch(row: Branch) -> GeoBranch:
    """The directory record for a database row (the inverse of ``branch_rows``)."""
    return GeoBranch(
        code=row.code,
        name=row.name,
        address=row.address,
        phone=row.phone,
        lat=row.lat,
        lon=row.lon,
        province_code=row.province_code,
        kanwil=row.kanwil,
        provenance=row.provenance,
    )


async def load_directory(uow: UnitOfWork) -> Directory:
    """The directory in force: the database's branches (an imported official list, or the
    shipped provisional one, which is written to the database on first start)."""
    shipped = load_default_directory()
    repository = BranchRepository(uow)
    if await repository.count() == 0:
        branches, regencies = branch_rows(shipped)
        await repository.replace_all(branches, regencies)
        log.info("branch directory seeded with %d shipped branches", len(branches))
        return shipped
    stored_branches = await repository.all_branches()
    assignment = {r.code: r.branch_code for r in await repository.all_regencies()}
    geo_branches = [geo_branch(b) for b in stored_branches]
    return shipped.with_branches(geo_branches, assignment)


async def directory_version(uow: UnitOfWork) -> int:
    """The newest recorded change's id (0 before any): it moves with every change a manager
    makes on the dashboard. (``cabang import`` asks for a restart instead.)"""
    return await BranchRepository(uow).latest_change_id()
