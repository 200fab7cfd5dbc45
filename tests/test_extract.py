"""Amounts and occupations found inside questions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.amounts import MAX_INCOME
from bot.nlu.extract import (
    OCCUPATIONS,
    extract_amount,
    extract_income,
    extract_occupation,
    find_amounts,
    sector_for,
)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("2,5jt", 2_500_000),
        ("2.500.000", 2_500_000),
        ("Rp 2,5 juta", 2_500_000),
        ("2500rb", 2_500_000),
        ("dua setengah juta", 2_500_000),
        ("1,2 jt per bulan", 1_200_000),
        ("gaji sy 2,5jt bayar brp", 2_500_000),
        ("penghasilan 2 juta iurannya brp?", 2_000_000),
        ("Rp2.500.000,-", 2_500_000),
        ("lima ratus ribu", 500_000),
        ("sejuta sebulan", 1_000_000),
        ("setengah juta", 500_000),
        ("dua juta lima ratus ribu", 2_500_000),
        ("satu setengah juta", 1_500_000),
        ("2 setengah juta", 2_500_000),
        ("rong juta", 2_000_000),
        ("iuran 16800 itu per bulan?", 16_800),
        ("gaji 3jt, iurannya 16.800 ya", 3_000_000),
    ],
)
def test_amounts_as_workers_write_them(text: str, amount: int) -> None:
    assert extract_amount(text) == amount


@pytest.mark.parametrize(
    "text",
    [
        "umur 60 bisa daftar",
        "bayar tgl 15",
        "nunggak 3 bulan",
        "inpres 2 2021",
        "call center 175",
        "hubungi 081234567890",
        "brp juta santunannya",
        "berapa iurannya",
        "",
    ],
)
def test_numbers_that_are_not_amounts(text: str) -> None:
    assert extract_amount(text) is None


def test_the_period_said_with_the_amount() -> None:
    mention = extract_income("1,2 jt per bulan")
    assert mention is not None and mention.per == "bulan"
    mention = extract_income("sy ojol sehari dapet 150rb")
    assert mention is not None and (mention.amount, mention.per) == (150_000, "hari")


def test_the_income_is_preferred_over_a_quoted_contribution() -> None:
    assert extract_amount("iuran 16.800 kalo gaji 4jt jadi brp") == 4_000_000
    assert [m.amount for m in find_amounts("16.800 atau 36.800")] == [16_800, 36_800]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("saya ojol", "ojek_driver"),
        ("sy driver grab", "ojek_driver"),
        ("kurir paket", "ojek_driver"),
        ("nelayan", "nelayan"),
        ("saya buruh tani", "petani"),
        ("aku dagang bakso", "pedagang"),
        ("kuli bangunan", "buruh"),
        ("asisten rumah tangga", "art"),
        ("pak rt", "rt_rw"),
        ("saya penjahit", "lainnya"),
        ("iuran brp", None),
    ],
)
def test_occupations(text: str, code: str | None) -> None:
    assert extract_occupation(text) == code
    if code is not None:
        assert code in OCCUPATIONS


def test_only_transport_occupations_get_the_transport_sector() -> None:
    assert sector_for("ojek_driver") == "transportasi"
    for code in (*OCCUPATIONS, None):
        if code != "ojek_driver":
            assert sector_for(code) == "lainnya"


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300))
def test_extraction_never_raises_on_any_text(text: str) -> None:
    amount = extract_amount(text)
    assert amount is None or (isinstance(amount, int) and 0 < amount <= MAX_INCOME)
    assert extract_occupation(text) in (*OCCUPATIONS, None)


_number = st.one_of(
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
)
_unit = st.sampled_from(["", " ", "jt", " juta", "rb", " ribu", "k", " rupiah", "rp ", "Rp."])
_filler = st.sampled_from(["gaji", "penghasilan", "sy", "sebulan", "brp", ",", ".", "-", "🙏"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_number, _unit, _filler), max_size=8).map(" ".join))
def test_extraction_on_number_shaped_text(text: str) -> None:
    amount = extract_amount(text)
    assert amount is None or (isinstance(amount, int) and 0 < amount <= MAX_INCOME)


def test_very_long_input_is_fine() -> None:
    text = "gaji 2jt " + "x" * 5000 + " 9jt"
    assert extract_amount(text) == 2_000_000


def test_lexicon_names_exactly_the_registration_occupation_codes() -> None:
    from bot.nlu.normalize import load_lexicon

    table = load_lexicon().raw["occupations"]
    assert isinstance(table, dict)
    assert set(table) == set(OCCUPATIONS)
