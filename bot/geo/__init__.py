"""Branch directory and routing: which BPJS Ketenagakerjaan branch office serves a worker.

Pure domain code: plain records in, plain results out. ``load_default_directory()`` reads the
data shipped in ``bot/data/`` (see ``bot/data/PROVENANCE.md``); a ``Directory`` can equally be
built from database rows.
"""

from bot.geo.assign import assign_regencies
from bot.geo.csvio import BranchCsvError, read_branches, write_branches
from bot.geo.directory import Directory
from bot.geo.geodesy import haversine_km
from bot.geo.model import (
    CALL_CENTER,
    Branch,
    ForeignPlace,
    OutsideIndonesiaError,
    Place,
    PlaceCandidate,
    PlaceMatch,
    Regency,
    RoutingResult,
)
from bot.geo.shipped import load_default_directory

__all__ = [
    "CALL_CENTER",
    "Branch",
    "BranchCsvError",
    "Directory",
    "ForeignPlace",
    "OutsideIndonesiaError",
    "Place",
    "PlaceCandidate",
    "PlaceMatch",
    "Regency",
    "RoutingResult",
    "assign_regencies",
    "haversine_km",
    "load_default_directory",
    "read_branches",
    "write_branches",
]
