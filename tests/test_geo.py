"""Branch directory and routing (bot.geo) on the shipped data.

The routing table pins the shipped (provisional) directory: when the official branch list
replaces it, the expected branch codes change and this table with them; the expected regencies
do not.
"""

from __future__ import annotations

import io
import random
import subprocess
import sys
import textwrap

import pytest

from bot.geo import (
    Branch,
    BranchCsvError,
    Directory,
    OutsideIndonesiaError,
    Place,
    Regency,
    assign_regencies,
    haversine_km,
    load_default_directory,
    read_branches,
    write_branches,
)
from bot.geo.geodesy import PointIndex
from bot.geo.model import RegencyKind
from bot.geo.names import compact, parse_query, split_variants


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_default_directory()


# (province, lat, lon, expected regency code, expected branch code). Points are town centres
# taken from general knowledge, not from the shipped data; at least one per province (38).
ROUTING_TABLE = [
    ("ID-AC", 5.55, 95.32, "kota-banda-aceh", "KC-BANDA-ACEH"),
    ("ID-AC", 4.14, 96.13, "kab-aceh-barat", "KC-LHOKSEUMAWE"),
    ("ID-AC", 5.89, 95.32, "kota-sabang", "KC-BANDA-ACEH"),
    ("ID-SU", 3.59, 98.67, "kota-medan", "KC-MEDAN"),
    ("ID-SU", 1.29, 97.61, "kota-gunungsitoli", "KC-GUNUNGSITOLI"),
    ("ID-SU", 2.33, 99.07, "kab-toba-samosir", "KC-PEMATANGSIANTAR"),
    ("ID-SB", -0.95, 100.35, "kota-padang", "KC-PADANG"),
    ("ID-SB", -0.30, 100.37, "kota-bukittinggi", "KC-PADANG"),
    ("ID-RI", 0.51, 101.45, "kota-pekanbaru", "KC-PEKANBARU"),
    ("ID-RI", 1.67, 101.45, "kota-dumai", "KC-DUMAI"),
    ("ID-JA", -1.61, 103.61, "kota-jambi", "KC-JAMBI"),
    ("ID-SS", -2.98, 104.76, "kota-palembang", "KC-PALEMBANG"),
    ("ID-SS", -3.30, 102.86, "kota-lubuk-linggau", "KC-LUBUK-LINGGAU"),
    ("ID-BE", -3.80, 102.27, "kota-bengkulu", "KC-BENGKULU"),
    ("ID-LA", -5.43, 105.26, "kota-bandar-lampung", "KC-BANDAR-LAMPUNG"),
    ("ID-BB", -2.13, 106.11, "kota-pangkal-pinang", "KC-PANGKAL-PINANG"),
    ("ID-BB", -2.74, 107.63, "kab-belitung", "KC-TANJUNG-PANDAN"),
    ("ID-KR", 1.13, 104.05, "kota-batam", "KC-BATAM"),
    ("ID-KR", 0.92, 104.45, "kota-tanjung-pinang", "KC-TANJUNG-PINANG"),
    ("ID-KR", 3.94, 108.38, "kab-natuna", "KC-RANAI"),
    ("ID-JK", -6.175, 106.827, "kota-jakarta-pusat", "KC-JAKARTA"),
    ("ID-JB", -6.91, 107.61, "kota-bandung", "KC-BANDUNG"),
    ("ID-JB", -6.60, 106.80, "kota-bogor", "KC-BOGOR"),
    ("ID-JB", -6.48, 106.85, "kab-bogor", "KC-DEPOK"),
    ("ID-JB", -6.24, 106.99, "kota-bekasi", "KC-BEKASI"),
    ("ID-JB", -6.71, 108.56, "kota-cirebon", "KC-CIREBON"),
    ("ID-JT", -6.99, 110.42, "kota-semarang", "KC-SEMARANG"),
    ("ID-JT", -7.57, 110.82, "kota-surakarta", "KC-SURAKARTA"),
    ("ID-JT", -7.42, 109.23, "kab-banyumas", "KC-PURWOKERTO"),
    ("ID-YO", -7.80, 110.36, "kota-yogyakarta", "KC-YOGYAKARTA"),
    ("ID-YO", -7.97, 110.60, "kab-gunung-kidul", "KC-YOGYAKARTA"),
    ("ID-JI", -7.12, 112.42, "kab-lamongan", "KC-LAMONGAN"),
    ("ID-JI", -7.26, 112.75, "kota-surabaya", "KC-SURABAYA"),
    ("ID-JI", -7.98, 112.63, "kota-malang", "KC-MALANG"),
    ("ID-JI", -8.17, 113.70, "kab-jember", "KC-JEMBER"),
    ("ID-JI", -7.645, 112.91, "kota-pasuruan", "KC-PASURUAN"),
    ("ID-JI", -7.82, 112.01, "kota-kediri", "KC-KEDIRI"),
    ("ID-JI", -7.77, 112.20, "kab-kediri", "KC-KEDIRI"),
    ("ID-BT", -6.12, 106.15, "kota-serang", "KC-SERANG"),
    ("ID-BT", -6.18, 106.63, "kota-tangerang", "KC-TANGERANG"),
    ("ID-BA", -8.65, 115.22, "kota-denpasar", "KC-DENPASAR"),
    ("ID-BA", -8.11, 115.09, "kab-buleleng", "KC-SEMARAPURA"),
    ("ID-NB", -8.58, 116.12, "kota-mataram", "KC-MATARAM"),
    ("ID-NB", -8.46, 118.73, "kota-bima", "KC-BIMA"),
    ("ID-NT", -10.17, 123.61, "kota-kupang", "KC-KUPANG"),
    ("ID-NT", -8.50, 119.89, "kab-manggarai-barat", "KC-LABUAN-BAJO"),
    ("ID-NT", -10.73, 123.06, "kab-rote-ndao", "KC-KUPANG"),
    ("ID-KB", -0.03, 109.34, "kota-pontianak", "KC-PONTIANAK"),
    ("ID-KB", 0.91, 108.98, "kota-singkawang", "KC-SINGKAWANG"),
    ("ID-KT", -2.21, 113.92, "kota-palangka-raya", "KC-PALANGKA-RAYA"),
    ("ID-KS", -3.32, 114.59, "kota-banjarmasin", "KC-BANJARMASIN"),
    ("ID-KI", -0.50, 117.15, "kota-samarinda", "KC-SAMARINDA"),
    ("ID-KI", -1.27, 116.83, "kota-balikpapan", "KC-BALIKPAPAN"),
    ("ID-KU", 3.30, 117.63, "kota-tarakan", "KC-TARAKAN"),
    ("ID-KU", 2.84, 117.37, "kab-bulungan", "KC-TANJUNG-SELOR"),
    ("ID-SA", 1.49, 124.84, "kota-manado", "KC-MANADO"),
    ("ID-SA", 5.557, 126.58, "kab-kepulauan-talaud", "KC-TAHUNA"),  # Miangas
    ("ID-ST", -0.90, 119.87, "kota-palu", "KC-PALU"),
    ("ID-ST", -0.95, 122.79, "kab-banggai", "KC-LUWUK"),
    ("ID-SN", -5.14, 119.42, "kota-makassar", "KC-MAKASSAR"),
    ("ID-SN", -3.00, 120.20, "kota-palopo", "KC-PALOPO"),
    ("ID-SG", -3.99, 122.51, "kota-kendari", "KC-KENDARI"),
    ("ID-GO", 0.54, 123.06, "kota-gorontalo", "KC-GORONTALO"),
    ("ID-SR", -2.68, 118.89, "kab-mamuju", "KC-MAMUJU"),
    ("ID-MA", -3.70, 128.18, "kota-ambon", "KC-AMBON"),
    ("ID-MA", -5.63, 132.75, "kota-tual", "KC-TUAL"),
    ("ID-MU", 0.79, 127.38, "kota-ternate", "KC-TERNATE"),
    ("ID-PA", -2.53, 140.72, "kota-jayapura", "KC-JAYAPURA"),
    ("ID-PA", -1.18, 136.08, "kab-biak-numfor", "KC-BIAK"),
    ("ID-PB", -0.86, 134.06, "kab-manokwari", "KC-MANOKWARI"),
    ("ID-PS", -8.49, 140.40, "kab-merauke", "KC-MERAUKE"),
    ("ID-PT", -3.37, 135.50, "kab-nabire", "KC-NABIRE"),
    ("ID-PT", -4.55, 136.89, "kab-mimika", "KC-TIMIKA"),
    ("ID-PE", -4.10, 138.95, "kab-jayawijaya", "KC-WAMENA"),
    ("ID-PD", -0.88, 131.25, "kota-sorong", "KC-SORONG"),
    ("ID-PD", -0.43, 130.82, "kab-raja-ampat", "KC-SORONG"),
]


# -- the shipped data ------------------------------------------------------------------------


def test_shipped_data_has_every_regency_and_province(directory: Directory) -> None:
    regencies = list(directory.regencies.values())
    assert len(regencies) == 514
    assert sum(r.kind == "kab" for r in regencies) == 416
    assert sum(r.kind == "kota" for r in regencies) == 98
    assert len({r.province_code for r in regencies}) == 38


def test_table_covers_all_provinces_and_thirty_regencies(directory: Directory) -> None:
    provinces = {r.province_code for r in directory.regencies.values()}
    assert {row[0] for row in ROUTING_TABLE} == provinces
    assert len({row[3] for row in ROUTING_TABLE}) >= 30


def test_branches_are_provisional_without_invented_contacts(directory: Directory) -> None:
    branches = list(directory.branches.values())
    assert 100 <= len(branches) <= 130
    # Only the offices a source names are not provisional, and they cite it.
    sourced = {b.code: b for b in branches if not b.provisional}
    assert set(sourced) == {"KC-LAMONGAN", "KC-BOJONEGORO"}
    for branch in sourced.values():
        assert branch.provenance.startswith("sourced: seeds/002_")
        seed = branch.name.removeprefix("Kantor Cabang ")
        assert f"Ketenagakerjaan {seed}" in branch.provenance or f"Cabang {seed}" in (
            branch.provenance
        )
    for branch in branches:
        assert len(branch.provenance) <= 200  # branches.provenance column
        assert branch.phone == ""  # never invented: the bot shows call centre 175
        assert branch.address == ""
        assert "address unknown" in branch.provenance
        assert branch.name.startswith("Kantor Cabang ")


def test_every_regency_is_served_within_its_province(directory: Directory) -> None:
    for regency in directory.regencies.values():
        branch = directory.branch_for_regency(regency.code)
        assert branch.province_code == regency.province_code, regency.code


def test_every_province_has_a_branch(directory: Directory) -> None:
    with_branch = {b.province_code for b in directory.branches.values()}
    assert with_branch == {r.province_code for r in directory.regencies.values()}


def test_fallback_coordinates_are_marked(directory: Directory) -> None:
    regencies = list(directory.regencies.values())
    fallbacks = [r for r in regencies if not r.has_own_coordinates]
    assert len(fallbacks) <= 40
    assert all(r.coord_source.startswith("fallback:") for r in fallbacks)
    assert all(r.coord_source.startswith("geonames:") for r in regencies if r.has_own_coordinates)


def test_papua_provinces_of_2022(directory: Directory) -> None:
    province = {code: r.province for code, r in directory.regencies.items()}
    assert province["kab-merauke"] == "Papua Selatan"
    assert province["kab-mimika"] == "Papua Tengah"
    assert province["kab-jayawijaya"] == "Papua Pegunungan"
    assert province["kota-sorong"] == "Papua Barat Daya"
    assert province["kab-manokwari"] == "Papua Barat"
    assert province["kota-jayapura"] == "Papua"


def test_load_is_fast() -> None:
    # A fresh interpreter, so neither the cache nor warm imports help.
    code = textwrap.dedent(
        """
        import time
        import bot.geo
        start = time.perf_counter()
        bot.geo.load_default_directory()
        print(time.perf_counter() - start)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(out.stdout) < 0.5


# -- routing by location ---------------------------------------------------------------------


@pytest.mark.parametrize(("province", "lat", "lon", "regency", "branch"), ROUTING_TABLE)
def test_routing_table(
    directory: Directory, province: str, lat: float, lon: float, regency: str, branch: str
) -> None:
    result = directory.nearest_branch(lat, lon)
    assert result.regency_code == regency
    assert result.province_code == province
    assert result.code == branch
    assert result.via == "location"
    # The nearest branch by great-circle distance really is the nearest.
    nearest = min(haversine_km(lat, lon, b.lat, b.lon) for b in directory.branches.values())
    assert result.distance_km == pytest.approx(nearest)


def test_result_carries_what_a_reply_needs(directory: Directory) -> None:
    data = directory.nearest_branch(-7.12, 112.42).to_dict()
    assert {"code", "name", "address", "phone", "distance_km", "regency", "province"} <= set(data)
    assert data["regency"] == "Kabupaten Lamongan"
    assert data["province"] == "Jawa Timur"
    assert data["provisional"] is False  # Lamongan's branch is named in the seed news
    assert directory.nearest_branch(-7.26, 112.75).provisional is True  # Surabaya: derived


@pytest.mark.parametrize(
    ("name", "lat", "lon"),
    [
        ("Singapore", 1.29, 103.85),
        ("Kuala Lumpur", 3.14, 101.69),
        ("Darwin", -12.46, 130.84),
        ("Dili", -8.56, 125.57),
        ("Port Moresby", -9.44, 147.18),
        ("null island", 0.0, 0.0),
        ("Kuching", 1.55, 110.35),
        ("Tawau", 4.25, 117.89),
        ("Bandar Seri Begawan", 4.89, 114.94),
        ("Christmas Island", -10.49, 105.62),
        ("Oecusse", -9.2, 124.36),
        ("General Santos", 6.11, 125.17),
        ("Indian Ocean", -9.0, 100.0),
    ],
)
def test_points_outside_indonesia_are_rejected(
    directory: Directory, name: str, lat: float, lon: float
) -> None:
    assert not directory.is_in_indonesia(lat, lon), name
    with pytest.raises(OutsideIndonesiaError):
        directory.nearest_branch(lat, lon)


@pytest.mark.parametrize(
    ("name", "lat", "lon", "regency"),
    [
        ("Sabang", 5.89, 95.32, "kota-sabang"),
        ("Merauke", -8.49, 140.40, "kab-merauke"),
        ("Rote", -10.73, 123.06, "kab-rote-ndao"),
        ("Miangas", 5.557, 126.58, "kab-kepulauan-talaud"),
        ("Natuna", 3.94, 108.38, "kab-natuna"),
        ("Atambua", -9.10, 124.89, "kab-belu"),
        ("Batam", 1.13, 104.05, "kota-batam"),
        ("Nunukan", 4.14, 117.66, "kab-nunukan"),
        ("at sea off Lamongan", -6.80, 112.40, "kab-lamongan"),
    ],
)
def test_points_in_indonesia_are_accepted(
    directory: Directory, name: str, lat: float, lon: float, regency: str
) -> None:
    assert directory.is_in_indonesia(lat, lon), name
    assert directory.nearest_branch(lat, lon).regency_code == regency


# -- routing by typed place ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "regency"),
    [
        ("Lamongan", "kab-lamongan"),
        ("lamongn", "kab-lamongan"),
        ("LAMONGAN ", "kab-lamongan"),
        ("kab bogor", "kab-bogor"),
        ("Kab. Bogor", "kab-bogor"),
        ("kabupaten bogor", "kab-bogor"),
        ("kab bogr", "kab-bogor"),
        ("kota bogor", "kota-bogor"),
        ("kota pasuruan", "kota-pasuruan"),
        ("Kota Pasuruan", "kota-pasuruan"),
        ("kota lamongan", "kab-lamongan"),  # no Kota Lamongan: the town is the kabupaten's
        ("surbaya", "kota-surabaya"),
        ("sidoarjoo", "kab-sidoarjo"),
        ("gunungkidul", "kab-gunung-kidul"),
        ("Pangkalpinang", "kota-pangkal-pinang"),
        ("Bau-Bau", "kota-baubau"),
        ("Solo", "kota-surakarta"),
        ("jogja", "kota-yogyakarta"),
        ("Tangsel", "kota-tangerang-selatan"),
        ("Kota Baru", "kab-kotabaru"),
        ("62211", "kab-lamongan"),  # postal code
        ("kode pos 62211", "kab-lamongan"),
        ("60111", "kota-surabaya"),
        ("Babat", "kab-lamongan"),  # district
        ("kec. babat", "kab-lamongan"),
        ("Kecamatan Kepanjen", "kab-malang"),
        ("Cikarang", "kab-bekasi"),  # district names "Cikarang Barat", "Cikarang Timur", ...
        ("Babat, Lamongan", "kab-lamongan"),
        ("Wonosari, Yogyakarta", "kab-gunung-kidul"),  # province narrows the district
        ("Cibinong, Bogor", "kab-bogor"),
        ("Sukamaju, Cibungbulang", "kab-bogor"),  # village, district
        ("Sungai Kanan", "kab-labuhanbatu-selatan"),  # source spells it "Sei/Sungai Kanan"
        ("Deliyai", "kab-deiyai"),  # source's alternative spelling
    ],
)
def test_typed_place_resolves(directory: Directory, text: str, regency: str) -> None:
    match = directory.resolve_place(text)
    assert match.found, [c.label for c in match.candidates]
    assert match.best is not None
    assert match.best.regency_code == regency


@pytest.mark.parametrize(
    ("text", "regencies"),
    [
        ("Bogor", {"kab-bogor", "kota-bogor"}),
        ("pasuruan", {"kab-pasuruan", "kota-pasuruan"}),
        ("Kediri", {"kab-kediri", "kota-kediri"}),
        ("Tangerang", {"kab-tangerang", "kota-tangerang"}),
        ("Cibinong", {"kab-bogor", "kab-cianjur"}),  # a district in two regencies
        ("Ngasem", {"kab-bojonegoro", "kab-kediri"}),
        ("makasar", {"kota-jakarta-timur", "kota-makassar"}),  # district, and a typo of a city
        (
            "Jakarta",
            {
                "kota-jakarta-barat",
                "kota-jakarta-pusat",
                "kota-jakarta-selatan",
                "kota-jakarta-timur",
                "kota-jakarta-utara",
            },
        ),
        (
            "Sumba",
            {"kab-sumba-barat", "kab-sumba-barat-daya", "kab-sumba-tengah", "kab-sumba-timur"},
        ),
    ],
)
def test_ambiguous_place_offers_candidates(
    directory: Directory, text: str, regencies: set[str]
) -> None:
    match = directory.resolve_place(text)
    assert match.ambiguous
    assert match.best is None
    assert {c.regency_code for c in match.candidates} == regencies
    assert all(c.label and c.province for c in match.candidates)


def test_common_village_name_is_cut_to_a_readable_list(directory: Directory) -> None:
    match = directory.resolve_place("Desa Sukamaju")
    assert match.ambiguous
    assert len(match.candidates) == 10
    assert match.truncated and match.total > 10
    assert all(c.kind == "village" for c in match.candidates)


def test_district_candidate_label(directory: Directory) -> None:
    match = directory.resolve_place("Babat")
    assert match.best is not None
    assert match.best.kind == "district"
    assert match.best.label == "Kec. Babat, Kabupaten Lamongan, Jawa Timur"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "xyzzy", "99999", "123", "kabupaten", "kota", "Jawa Timur", "Papua", "Timur"],
)
def test_unknown_or_too_broad_text_has_no_match(directory: Directory, text: str) -> None:
    match = directory.resolve_place(text)
    assert not match.found
    if text != "Timur":  # a village is called "Timur"; anything but a confident match is fine
        assert match.candidates == ()


def test_route_regency_uses_the_serving_branch(directory: Directory) -> None:
    result = directory.route_regency("kab-lamongan")
    assert result.code == directory.branch_for_regency("kab-lamongan").code
    assert result.regency == "Kabupaten Lamongan"
    assert result.via == "regency"
    with pytest.raises(KeyError):
        directory.route_regency("kab-atlantis")


# -- building a directory from other records -------------------------------------------------


def _regency(code: str, lat: float, lon: float, branch: str, province: str = "ID-JI") -> Regency:
    name = code.split("-", 1)[1].title()
    kind: RegencyKind = "kab" if code.startswith("kab") else "kota"
    return Regency(code, name, kind, province, "Jawa Timur", lat, lon, "geonames:1 test", branch)


def _branch(code: str, lat: float, lon: float, province: str = "ID-JI") -> Branch:
    return Branch(code, f"Kantor Cabang {code}", "Jl. Contoh 1", "031 123", lat, lon, province)


def test_directory_from_plain_records() -> None:
    directory = Directory(
        [_regency("kab-a", -7.0, 112.0, "KC-A"), _regency("kota-b", -7.5, 112.5, "KC-B")],
        [_branch("KC-A", -7.0, 112.01), _branch("KC-B", -7.5, 112.5)],
        [Place("district", "Sidomulyo", "kab-a", lat=-7.1, lon=112.1)],
    )
    result = directory.nearest_branch(-7.09, 112.09)
    assert (result.code, result.regency_code) == ("KC-A", "kab-a")
    assert result.phone == "031 123" and not result.provisional
    assert directory.resolve_place("sidomulyo").best is not None


def test_directory_rejects_regency_without_branch() -> None:
    with pytest.raises(ValueError, match="kab-a"):
        Directory([_regency("kab-a", -7.0, 112.0, "KC-NOPE")], [_branch("KC-A", -7.0, 112.0)])


def test_with_branches_reassigns_within_the_province(directory: Directory) -> None:
    official = [
        _branch("OFF-SBY", -7.26, 112.75),
        _branch("OFF-LMG", -7.12, 112.42),
        *[
            _branch(f"OFF-{b.code}", b.lat, b.lon, b.province_code)
            for b in directory.branches.values()
            if b.province_code != "ID-JI"
        ],
    ]
    replaced = directory.with_branches(official)
    assert replaced.branch_for_regency("kab-lamongan").code == "OFF-LMG"
    assert replaced.branch_for_regency("kota-surabaya").code == "OFF-SBY"
    assert replaced.branch_for_regency("kab-tuban").code == "OFF-LMG"
    pinned = directory.with_branches(official, {"kab-tuban": "OFF-SBY"})
    assert pinned.branch_for_regency("kab-tuban").code == "OFF-SBY"


def test_assign_regencies_falls_back_across_provinces() -> None:
    regencies = [_regency("kab-a", 0.0, 100.0, "", province="ID-RI")]
    assignment = assign_regencies(regencies, [_branch("KC-X", 0.5, 100.0, "ID-SB")])
    assert assignment == {"kab-a": "KC-X"}


# -- the branch CSV (import/export format) ---------------------------------------------------

HEADER = "code,name,address,phone,lat,lon,province_code,kanwil,provenance\n"


def test_branch_csv_round_trip(directory: Directory) -> None:
    out = io.StringIO()
    write_branches(directory.branches.values(), out)
    again = read_branches(io.StringIO(out.getvalue()))
    assert again == list(directory.branches.values())


def test_branch_csv_minimal_columns_and_decimal_comma() -> None:
    text = 'code,name,lat,lon,notes\nKC-1,Kantor Cabang Satu,"-7,12","112,42",anything\n'
    (branch,) = read_branches(io.StringIO(text))
    assert (branch.lat, branch.lon, branch.phone, branch.provisional) == (-7.12, 112.42, "", False)


@pytest.mark.parametrize(
    ("rows", "row", "reason"),
    [
        ("KC-1,A,,,-7,112,ID-JI,,\nKC-1,B,,,-7,112,ID-JI,,\n", 3, "duplicate code"),
        ("KC-1,,,,-7,112,,,\n", 2, "name is empty"),
        ("KC 1,A,,,-7,112,,,\n", 2, "code"),
        ("KC-1,A,,call us,-7,112,,,\n", 2, "not a phone number"),
        ("KC-1,A,,,north,112,,,\n", 2, "lat 'north' is not a number"),
        ("KC-1,A,,,112,-7,,,\n", 2, "not in Indonesia"),
        ("KC-1,A,,,-7,112,Jatim,,\n", 2, "province_code"),
        ("", 0, "no branches"),
    ],
)
def test_branch_csv_rejects_bad_rows(rows: str, row: int, reason: str) -> None:
    with pytest.raises(BranchCsvError, match=reason) as caught:
        read_branches(io.StringIO(HEADER + rows))
    assert caught.value.row == row


def test_branch_csv_missing_column() -> None:
    with pytest.raises(BranchCsvError, match="missing column"):
        read_branches(io.StringIO("code,name,lat\nKC-1,A,-7\n"))


# -- helpers ---------------------------------------------------------------------------------


def test_haversine_known_distance() -> None:
    # Jakarta to Surabaya, about 660 km as the crow flies.
    assert haversine_km(-6.2, 106.85, -7.25, 112.75) == pytest.approx(662, abs=10)


def test_point_index_agrees_with_brute_force() -> None:
    rng = random.Random(7)
    points = [(rng.uniform(-11, 6), rng.uniform(95, 141), i) for i in range(500)]
    index = PointIndex(points)
    for _ in range(200):
        lat, lon = rng.uniform(-15, 10), rng.uniform(90, 145)
        found = index.nearest(lat, lon)
        assert found is not None
        expected = min(points, key=lambda p: haversine_km(lat, lon, p[0], p[1]))
        assert found[0] == expected[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Sei/Sungai Kanan", ("Sei Kanan", ("Sungai Kanan",))),
        ("Deiyai (Deliyai)", ("Deiyai", ("Deliyai",))),
        ("Gunung Meriah (Mariah)", ("Gunung Meriah", ("Gunung Mariah",))),
        ("Kedai / Keude Paya", ("Kedai Paya", ("Keude Paya",))),
        ("Lubuk Linggau Barat Dua (II)", ("Lubuk Linggau Barat Dua", ())),
        ("Kurau (Timur)", ("Kurau", ())),
        ("Adm. Jakarta Barat", ("Jakarta Barat", ())),
    ],
)
def test_source_name_variants(raw: str, expected: tuple[str, tuple[str, ...]]) -> None:
    assert split_variants(raw) == expected


def test_typed_query_prefixes() -> None:
    assert [(q.key, q.hint) for q in parse_query("Kab. Bogor")] == [
        ("bogor", "kab"),
        ("kabbogor", None),
    ]
    assert parse_query("kec.  Babat")[0].hint == "district"
    assert parse_query("kabupaten") == []
    assert compact("Pangkal-Pinang") == compact("Pangkalpinang") == "pangkalpinang"
    assert compact("Bétung") == "betung"
