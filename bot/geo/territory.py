"""Is a shared location in Indonesia? A coarse but explainable test.

1. A bounding box: Indonesia spans about 6°N (Pulau Rondo, north of Sabang) to 11°S (Pulau
   Ndana, south of Rote) and 95°E to 141°E (the Papua New Guinea border runs along 141°E; its
   small Fly River bulge west of the meridian is ignored).
2. Near an Indonesian place: within ``MAX_SEA_KM`` of a regency seat or district with its own
   coordinates, so fishers at sea are served but Christmas Island or the open ocean are not.
3. Not in a neighbour: a point whose nearest known town is in Malaysia, Singapore, Brunei,
   Timor-Leste or the Philippines (within ``NEIGHBOUR_KM`` of it) is theirs. The radius keeps
   lonely Indonesian islands close to a neighbour, such as Miangas near Mindanao, Indonesian.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.geo.geodesy import PointIndex

SOUTH, NORTH, WEST, EAST = -11.2, 6.3, 94.7, 141.02
MAX_SEA_KM = 250.0
NEIGHBOUR_KM = 60.0


@dataclass(frozen=True, slots=True)
class TerritoryCheck:
    """Why a point was accepted or rejected (for logs and tests)."""

    inside: bool
    reason: str
    nearest_km: float | None = None


def in_bounding_box(lat: float, lon: float) -> bool:
    return SOUTH <= lat <= NORTH and WEST <= lon <= EAST


def check_point(
    lat: float,
    lon: float,
    domestic: PointIndex[str],
    foreign: PointIndex[str],
) -> TerritoryCheck:
    """Apply the three rules above; ``domestic`` and ``foreign`` hold places by name."""
    if not in_bounding_box(lat, lon):
        return TerritoryCheck(False, "outside the bounding box")
    near = domestic.nearest(lat, lon)
    if near is None or near[1] > MAX_SEA_KM:
        return TerritoryCheck(False, "too far from any Indonesian place")
    other = foreign.nearest(lat, lon)
    if other is not None and other[1] < near[1] and other[1] <= NEIGHBOUR_KM:
        return TerritoryCheck(False, f"nearer to {other[0]}", near[1])
    return TerritoryCheck(True, f"near {near[0]}", near[1])
