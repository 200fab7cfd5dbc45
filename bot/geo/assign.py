"""Which branch serves which regency, when no list says so.

Used by the build script for the provisional directory and available to an import of an
official branch list that gives offices but not the regencies they serve.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from bot.geo.geodesy import haversine_km
from bot.geo.model import Branch, Regency


def assign_regencies(regencies: Iterable[Regency], branches: Iterable[Branch]) -> dict[str, str]:
    """Regency code -> code of the nearest branch in the same province.

    Branches are organised by province, so a regency is not handed to a closer office across a
    provincial border; a province without any branch falls back to the nearest one anywhere.
    """
    branch_list = list(branches)
    if not branch_list:
        raise ValueError("no branches to assign regencies to")
    by_province: dict[str, list[Branch]] = {}
    for branch in branch_list:
        by_province.setdefault(branch.province_code, []).append(branch)
    result: dict[str, str] = {}
    for regency in regencies:
        pool = by_province.get(regency.province_code) or branch_list
        nearest = min(pool, key=lambda b: haversine_km(regency.lat, regency.lon, b.lat, b.lon))
        result[regency.code] = nearest.code
    return result


def with_assignment(regencies: Iterable[Regency], assignment: Mapping[str, str]) -> list[Regency]:
    """Copies of the regencies with ``branch_code`` taken from ``assignment`` where it has one."""
    return [
        replace(r, branch_code=assignment[r.code]) if r.code in assignment else r for r in regencies
    ]
