"""The records of the branch directory and the answers routing gives, as plain frozen data.

A ``Directory`` is built from these records whether they come from the shipped CSV files or
from database rows, so nothing here knows where they were stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.knowledge.facts import fact

RegencyKind = Literal["kab", "kota"]
PlaceKind = Literal["regency", "district", "village", "postal"]

# Shown for every branch: the national call centre, from the facts file (its one home).
CALL_CENTER = str(fact("call_center"))


@dataclass(frozen=True, slots=True)
class Branch:
    """A BPJS Ketenagakerjaan branch office (Kantor Cabang)."""

    code: str
    name: str
    address: str
    phone: str
    lat: float
    lon: float
    province_code: str = ""
    kanwil: str = ""  # regional office (Kantor Wilayah), empty when unknown
    provenance: str = ""

    @property
    def provisional(self) -> bool:
        """True for the derived placeholder offices shipped until the official list is imported."""
        return "provisional" in self.provenance.lower()


@dataclass(frozen=True, slots=True)
class Regency:
    """A regency (kabupaten) or city (kota) and the branch that serves it."""

    code: str
    name: str  # without "Kabupaten"/"Kota": "Lamongan"
    kind: RegencyKind
    province_code: str  # ISO 3166-2: "ID-JI"
    province: str
    lat: float
    lon: float
    coord_source: str  # "geonames:<id> ..." or "fallback: ..."
    branch_code: str
    seat: str = ""  # ibu kota (seat of government)
    aliases: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        """``"Kabupaten Lamongan"`` / ``"Kota Pasuruan"``: unambiguous, unlike the bare name."""
        return f"{'Kabupaten' if self.kind == 'kab' else 'Kota'} {self.name}"

    @property
    def has_own_coordinates(self) -> bool:
        """False when the coordinates were borrowed (e.g. the province capital's)."""
        return not self.coord_source.startswith("fallback")


@dataclass(frozen=True, slots=True)
class Place:
    """A district (kecamatan), village (kelurahan/desa) or postal code inside a regency.

    ``district`` names the village's or postal code's kecamatan; ``lat``/``lon`` are set only
    where a source gave this place its own coordinates.
    """

    kind: PlaceKind
    name: str
    regency_code: str
    district: str = ""
    postal_code: str = ""
    lat: float | None = None
    lon: float | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ForeignPlace:
    """A town in a neighbouring country, used to tell border areas apart."""

    country: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class RoutingResult:
    """The branch chosen for a worker, flat so a handler or the CLI can show it directly."""

    code: str
    name: str
    address: str
    phone: str
    lat: float
    lon: float
    distance_km: float  # from the shared point (or the regency's coordinates) to the branch
    regency: str  # display name: "Kabupaten Lamongan"
    regency_code: str
    province: str
    province_code: str
    provisional: bool
    via: Literal["location", "regency"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, distance rounded to 0.1 km."""
        return {
            "code": self.code,
            "name": self.name,
            "address": self.address,
            "phone": self.phone,
            "lat": self.lat,
            "lon": self.lon,
            "distance_km": round(self.distance_km, 1),
            "regency": self.regency,
            "regency_code": self.regency_code,
            "province": self.province,
            "province_code": self.province_code,
            "provisional": self.provisional,
            "via": self.via,
        }


@dataclass(frozen=True, slots=True)
class PlaceCandidate:
    """One way to read what a worker typed: a place and the regency it lies in."""

    kind: PlaceKind
    name: str  # the matched place's name: "Babat"
    label: str  # for a choice list: "Kec. Babat, Kabupaten Lamongan, Jawa Timur"
    regency_code: str
    regency: str  # display name
    province: str
    score: float  # 100 for an exact match, lower for a typo-tolerant one

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "label": self.label,
            "regency_code": self.regency_code,
            "regency": self.regency,
            "province": self.province,
            "score": round(self.score, 1),
        }


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """What typed text resolved to: one candidate (found), several (ask), or none."""

    query: str
    candidates: tuple[PlaceCandidate, ...]
    total: int = 0  # candidates before the list was cut to a readable length

    @property
    def truncated(self) -> bool:
        return self.total > len(self.candidates)

    @property
    def found(self) -> bool:
        return len(self.candidates) == 1

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1

    @property
    def best(self) -> PlaceCandidate | None:
        """The single match; None when ambiguous or unknown."""
        return self.candidates[0] if self.found else None


class OutsideIndonesiaError(ValueError):
    """A point no branch should serve: not in Indonesia (or its nearby waters)."""
