"""The branch directory: regencies, the branches serving them, and the questions routing asks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Literal

from bot.geo.assign import assign_regencies, with_assignment
from bot.geo.geodesy import PointIndex, haversine_km
from bot.geo.model import (
    Branch,
    ForeignPlace,
    OutsideIndonesiaError,
    Place,
    PlaceMatch,
    Regency,
    RoutingResult,
)
from bot.geo.resolve import PlaceIndex, VillageGroups
from bot.geo.territory import TerritoryCheck, check_point


class Directory:
    """Built from plain records (shipped CSV files or database rows); read-only afterwards.

    Two ways to route, as the campaign asked: a shared location goes to the nearest branch by
    great-circle distance; a typed place goes to the branch that serves its regency.
    """

    def __init__(
        self,
        regencies: Iterable[Regency],
        branches: Iterable[Branch],
        places: Iterable[Place] = (),
        neighbours: Iterable[ForeignPlace] = (),
        village_loader: Callable[[], VillageGroups] | None = None,
    ) -> None:
        self._regencies: dict[str, Regency] = {r.code: r for r in regencies}
        self._branches: dict[str, Branch] = {b.code: b for b in branches}
        if not self._branches:
            raise ValueError("a directory needs at least one branch")
        orphans = sorted(
            r.code for r in self._regencies.values() if r.branch_code not in self._branches
        )
        if orphans:
            raise ValueError(f"regencies served by no known branch: {', '.join(orphans[:10])}")
        place_list = list(places)
        neighbour_list = list(neighbours)
        # Points that stand for a regency: its seat and its districts, where a source gave them
        # coordinates of their own (borrowed fallback coordinates would only mislead).
        anchors = [
            (r.lat, r.lon, r.code) for r in self._regencies.values() if r.has_own_coordinates
        ]
        anchors += [
            (p.lat, p.lon, p.regency_code)
            for p in place_list
            if p.lat is not None and p.lon is not None and p.regency_code in self._regencies
        ]
        if not anchors:  # a directory without any own coordinates still routes
            anchors = [(r.lat, r.lon, r.code) for r in self._regencies.values()]
        self._anchors: PointIndex[str] = PointIndex(anchors)
        self._branch_index: PointIndex[Branch] = PointIndex(
            (b.lat, b.lon, b) for b in self._branches.values()
        )
        self._neighbours: PointIndex[str] = PointIndex(
            (n.lat, n.lon, f"{n.name} ({n.country})") for n in neighbour_list
        )
        self._place_index = PlaceIndex(self._regencies, place_list, village_loader)
        self._places = place_list
        self._neighbour_list = neighbour_list
        self._village_loader = village_loader

    # -- records ----------------------------------------------------------------------------

    @property
    def regencies(self) -> Mapping[str, Regency]:
        return self._regencies

    @property
    def branches(self) -> Mapping[str, Branch]:
        return self._branches

    def regency(self, code: str) -> Regency:
        """KeyError for an unknown code."""
        return self._regencies[code]

    def branch(self, code: str) -> Branch:
        """KeyError for an unknown code."""
        return self._branches[code]

    def branch_for_regency(self, code: str) -> Branch:
        """The branch that serves a regency; KeyError for an unknown regency code."""
        return self._branches[self._regencies[code].branch_code]

    # -- by location ------------------------------------------------------------------------

    def check_point(self, lat: float, lon: float) -> TerritoryCheck:
        return check_point(lat, lon, self._anchors, self._neighbours)

    def is_in_indonesia(self, lat: float, lon: float) -> bool:
        return self.check_point(lat, lon).inside

    def nearest_regency(self, lat: float, lon: float) -> tuple[Regency, float]:
        """The regency whose seat or district is nearest: a stand-in for "contains the point"
        (no boundary polygons are shipped), and the distance to that seat or district in km."""
        found = self._anchors.nearest(lat, lon)
        assert found is not None  # the constructor guarantees anchors
        return self._regencies[found[0]], found[1]

    def nearest_branch(self, lat: float, lon: float) -> RoutingResult:
        """The nearest branch by great-circle distance, with the regency the point lies in.

        Raises ``OutsideIndonesiaError`` for a point outside Indonesia, so no caller can route
        Singapore or 0,0 by accident.
        """
        check = self.check_point(lat, lon)
        if not check.inside:
            raise OutsideIndonesiaError(f"({lat}, {lon}) is outside Indonesia: {check.reason}")
        found = self._branch_index.nearest(lat, lon)
        assert found is not None
        branch, distance = found
        regency, _ = self.nearest_regency(lat, lon)
        return _result(branch, regency, distance, "location")

    # -- by typed place ---------------------------------------------------------------------

    def resolve_place(self, text: str) -> PlaceMatch:
        """Typed regency, district, village or postal code -> candidates (one, several, none)."""
        return self._place_index.resolve(text)

    def route_regency(self, code: str) -> RoutingResult:
        """The branch serving a regency; distance from the regency's coordinates to the branch."""
        regency = self._regencies[code]
        branch = self._branches[regency.branch_code]
        distance = haversine_km(regency.lat, regency.lon, branch.lat, branch.lon)
        return _result(branch, regency, distance, "regency")

    # -- after an import of the official branch list ----------------------------------------

    def with_branches(
        self, branches: Iterable[Branch], assignment: Mapping[str, str] | None = None
    ) -> Directory:
        """A new directory with other branches; regencies go to ``assignment`` or, where it is
        silent, to the nearest branch in their province."""
        branch_list = list(branches)
        computed = assign_regencies(self._regencies.values(), branch_list)
        computed.update(assignment or {})
        return Directory(
            with_assignment(self._regencies.values(), computed),
            branch_list,
            self._places,
            self._neighbour_list,
            self._village_loader,
        )


def _result(
    branch: Branch, regency: Regency, distance: float, via: Literal["location", "regency"]
) -> RoutingResult:
    return RoutingResult(
        code=branch.code,
        name=branch.name,
        address=branch.address,
        phone=branch.phone,
        lat=branch.lat,
        lon=branch.lon,
        distance_km=distance,
        regency=regency.display_name,
        regency_code=regency.code,
        province=regency.province,
        province_code=regency.province_code,
        provisional=branch.provisional,
        via=via,
    )
