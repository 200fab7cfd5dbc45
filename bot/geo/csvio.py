"""The CSV formats of the directory: one reader and one writer per file, so the build script,
the shipped data and an import of the official branch list all agree on columns.

Columns are documented in ``bot/data/PROVENANCE.md``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from bot.geo.model import Branch, ForeignPlace, Place, Regency
from bot.geo.territory import EAST, NORTH, SOUTH, WEST

BRANCH_COLUMNS = (
    "code", "name", "address", "phone", "lat", "lon", "province_code", "kanwil", "provenance",
)  # fmt: skip
BRANCH_REQUIRED = ("code", "name", "lat", "lon")
REGENCY_COLUMNS = (
    "code", "name", "kind", "province_code", "province", "lat", "lon", "coord_source",
    "branch_code", "seat", "aliases",
)  # fmt: skip
PLACE_COLUMNS = ("kind", "name", "aliases", "regency_code", "district", "postal_code", "lat", "lon")
VILLAGE_COLUMNS = ("regency_code", "district", "postal_code", "villages")
NEIGHBOUR_COLUMNS = ("country", "name", "lat", "lon", "geonameid")

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_PHONE = re.compile(r"^[0-9+()\- ]{3,30}$")
_PROVINCE = re.compile(r"^ID-[A-Z]{2}$")
_LIST_SEP = "|"


def is_phone_number(text: str) -> bool:
    """A branch phone as the import accepts it: digits, spaces and ``+ - ( )``, 3-30 long."""
    return bool(_PHONE.match(text))


class BranchCsvError(ValueError):
    """A branch list that must be rejected whole; ``row`` is the line number in the file."""

    def __init__(self, row: int, reason: str) -> None:
        super().__init__(f"row {row}: {reason}" if row else reason)
        self.row = row
        self.reason = reason


def read_branches(stream: IO[str]) -> list[Branch]:
    """Parse and validate a branch list; the first bad row raises ``BranchCsvError``.

    Only ``code``, ``name``, ``lat`` and ``lon`` are required; unknown columns are ignored so a
    campaign can keep notes in the same sheet.
    """
    reader = csv.DictReader(stream)
    header = [h.strip() for h in reader.fieldnames or ()]
    missing = [c for c in BRANCH_REQUIRED if c not in header]
    if missing:
        raise BranchCsvError(1, f"missing column(s): {', '.join(missing)}")
    reader.fieldnames = header
    branches: list[Branch] = []
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        branch = _branch_from_row(row, line)
        if branch.code in seen:
            raise BranchCsvError(line, f"duplicate code {branch.code!r}")
        seen.add(branch.code)
        branches.append(branch)
    if not branches:
        raise BranchCsvError(0, "no branches in the file")
    return branches


def _branch_from_row(row: dict[str, str | None], line: int) -> Branch:
    def get(column: str) -> str:
        return (row.get(column) or "").strip()

    code, name, phone, province = get("code"), get("name"), get("phone"), get("province_code")
    if not _CODE.match(code):
        raise BranchCsvError(line, f"code {code!r} must be 1-40 letters, digits, '.', '_' or '-'")
    if not name:
        raise BranchCsvError(line, "name is empty")
    if phone and not _PHONE.match(phone):
        raise BranchCsvError(line, f"phone {phone!r} is not a phone number")
    if province and not _PROVINCE.match(province):
        raise BranchCsvError(line, f"province_code {province!r} must look like ID-JI")
    lat, lon = _coordinate(get("lat"), "lat", line), _coordinate(get("lon"), "lon", line)
    if not (SOUTH - 1 <= lat <= NORTH + 1 and WEST - 1 <= lon <= EAST + 1):
        raise BranchCsvError(line, f"({lat}, {lon}) is not in Indonesia (lat/lon swapped?)")
    return Branch(
        code=code,
        name=name,
        address=get("address"),
        phone=phone,
        lat=lat,
        lon=lon,
        province_code=province,
        kanwil=get("kanwil"),
        provenance=get("provenance"),
    )


def _coordinate(text: str, column: str, line: int) -> float:
    try:
        # A decimal comma is how Indonesian spreadsheets write "-7,12".
        return float(text.replace(",", "."))
    except ValueError:
        raise BranchCsvError(line, f"{column} {text!r} is not a number") from None


def write_branches(branches: Iterable[Branch], stream: IO[str]) -> None:
    """The same columns ``read_branches`` accepts, so an export can be edited and imported."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(BRANCH_COLUMNS)
    for b in branches:
        writer.writerow(
            [b.code, b.name, b.address, b.phone, _fmt(b.lat), _fmt(b.lon),
             b.province_code, b.kanwil, b.provenance]
        )  # fmt: skip


def read_regencies(stream: IO[str]) -> list[Regency]:
    result: list[Regency] = []
    for row in csv.DictReader(stream):
        kind = row["kind"]
        if kind not in ("kab", "kota"):
            raise ValueError(f"regency {row['code']}: kind {kind!r} is not kab or kota")
        result.append(
            Regency(
                code=row["code"],
                name=row["name"],
                kind="kab" if kind == "kab" else "kota",
                province_code=row["province_code"],
                province=row["province"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                coord_source=row["coord_source"],
                branch_code=row["branch_code"],
                seat=row["seat"],
                aliases=_split(row["aliases"]),
            )
        )
    return result


def write_regencies(regencies: Iterable[Regency], stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(REGENCY_COLUMNS)
    for r in regencies:
        writer.writerow(
            [r.code, r.name, r.kind, r.province_code, r.province, _fmt(r.lat), _fmt(r.lon),
             r.coord_source, r.branch_code, r.seat, _LIST_SEP.join(r.aliases)]
        )  # fmt: skip


def read_places(stream: IO[str]) -> list[Place]:
    result: list[Place] = []
    for kind, name, aliases, regency, district, postal, lat, lon in _rows(stream, PLACE_COLUMNS):
        if kind not in ("district", "postal"):
            raise ValueError(f"place {name!r}: kind {kind!r} is not district or postal")
        result.append(
            Place(
                kind="district" if kind == "district" else "postal",
                name=name,
                regency_code=regency,
                district=district,
                postal_code=postal,
                lat=float(lat) if lat else None,
                lon=float(lon) if lon else None,
                aliases=_split(aliases),
            )
        )
    return result


def write_places(places: Iterable[Place], stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(PLACE_COLUMNS)
    for p in places:
        writer.writerow(
            [p.kind, p.name, _LIST_SEP.join(p.aliases), p.regency_code, p.district,
             p.postal_code, _fmt(p.lat), _fmt(p.lon)]
        )  # fmt: skip


def read_village_groups(stream: IO[str]) -> Iterator[tuple[str, str, str, list[str]]]:
    """(regency code, district, postal code, raw village names): one row per district+postcode.

    Villages are grouped because there are some 80,000 of them; the raw names keep the source's
    "A/B" and "A (B)" spellings, which ``names.split_variants`` turns into aliases when loaded.
    """
    for regency, district, postal, villages in _rows(stream, VILLAGE_COLUMNS):
        yield regency, district, postal, villages.split(_LIST_SEP)


def write_village_groups(
    groups: Iterable[tuple[str, str, str, list[str]]], stream: IO[str]
) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(VILLAGE_COLUMNS)
    for regency, district, postal, villages in groups:
        writer.writerow([regency, district, postal, _LIST_SEP.join(villages)])


def read_neighbours(stream: IO[str]) -> list[ForeignPlace]:
    return [
        ForeignPlace(country, name, float(lat), float(lon))
        for country, name, lat, lon, _id in _rows(stream, NEIGHBOUR_COLUMNS)
    ]


def write_neighbours(rows: Iterable[tuple[ForeignPlace, int]], stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(NEIGHBOUR_COLUMNS)
    for place, geonameid in rows:
        writer.writerow([place.country, place.name, _fmt(place.lat), _fmt(place.lon), geonameid])


def _rows(stream: IO[str], columns: tuple[str, ...]) -> Iterator[list[str]]:
    reader = csv.reader(stream)
    header = tuple(next(reader, ()))
    if header != columns:
        raise ValueError(f"expected columns {','.join(columns)}, got {','.join(header)}")
    yield from reader


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(_LIST_SEP) if part)


def _fmt(value: float | None) -> str:
    """Five decimals (about 1 m) keep the files small and diffs stable."""
    return "" if value is None else f"{value:.5f}".rstrip("0").rstrip(".")


def open_text(path: Path) -> IO[str]:
    return path.open(encoding="utf-8", newline="")
