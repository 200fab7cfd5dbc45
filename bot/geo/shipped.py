"""The directory shipped in ``bot/data/`` (built by ``scripts/build_regions.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

from bot.geo import csvio
from bot.geo.directory import Directory

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
REGENCIES_CSV = DATA_DIR / "regencies.csv"
BRANCHES_CSV = DATA_DIR / "branches.csv"
PLACES_CSV = DATA_DIR / "places.csv"
VILLAGES_CSV = DATA_DIR / "villages.csv"
NEIGHBOURS_CSV = DATA_DIR / "neighbours.csv"


def _village_groups() -> Iterator[tuple[str, str, str, list[str]]]:
    # Read only when a typed text matched no regency or district: most lookups never need it.
    with csvio.open_text(VILLAGES_CSV) as stream:
        yield from csvio.read_village_groups(stream)


@cache
def load_default_directory() -> Directory:
    """The shipped directory, read once per process."""
    with csvio.open_text(REGENCIES_CSV) as stream:
        regencies = csvio.read_regencies(stream)
    with csvio.open_text(BRANCHES_CSV) as stream:
        branches = csvio.read_branches(stream)
    with csvio.open_text(PLACES_CSV) as stream:
        places = csvio.read_places(stream)
    with csvio.open_text(NEIGHBOURS_CSV) as stream:
        neighbours = csvio.read_neighbours(stream)
    return Directory(regencies, branches, places, neighbours, _village_groups)
