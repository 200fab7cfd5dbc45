"""Great-circle distance and a small grid index for "nearest point" questions."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Generic, TypeVar

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)

T = TypeVar("T")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class PointIndex(Generic[T]):
    """Items at points, bucketed in 1° cells, so a lookup reads a few cells instead of all.

    Indonesia lies within 12° of the equator, where a degree of longitude is at least 108 km;
    after searching ``r`` rings of cells every point closer than ``r * 108`` km has been seen.
    """

    _CELL_DEG = 1.0
    _MIN_CELL_KM = 108.0

    def __init__(self, items: Iterable[tuple[float, float, T]]) -> None:
        self._cells: dict[tuple[int, int], list[tuple[float, float, T]]] = defaultdict(list)
        self._size = 0
        for lat, lon, item in items:
            self._cells[self._cell(lat, lon)].append((lat, lon, item))
            self._size += 1
        self._max_ring = 200  # covers the globe's width in cells at the equator

    def __len__(self) -> int:
        return self._size

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat / self._CELL_DEG), math.floor(lon / self._CELL_DEG))

    def nearest(self, lat: float, lon: float) -> tuple[T, float] | None:
        """The closest item and its distance in km; None for an empty index."""
        if not self._size:
            return None
        ci, cj = self._cell(lat, lon)
        best: tuple[T, float] | None = None
        for ring in range(self._max_ring):
            for cell in _ring_cells(ci, cj, ring):
                for plat, plon, item in self._cells.get(cell, ()):
                    d = haversine_km(lat, lon, plat, plon)
                    if best is None or d < best[1]:
                        best = (item, d)
            # Everything within ring * cell width has now been searched.
            if best is not None and best[1] <= ring * self._MIN_CELL_KM:
                return best
        return best


def _ring_cells(ci: int, cj: int, ring: int) -> Iterable[tuple[int, int]]:
    if ring == 0:
        yield (ci, cj)
        return
    for dj in range(-ring, ring + 1):
        yield (ci - ring, cj + dj)
        yield (ci + ring, cj + dj)
    for di in range(-ring + 1, ring):
        yield (ci + di, cj - ring)
        yield (ci + di, cj + ring)
