"""Reading one Rupiah amount, and the half-up rounding every contribution uses."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.amounts import MAX_INCOME, InvalidIncome, parse_income, percent_of
from bot.i18n import format_number, format_rupiah


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The forms the issue names.
        ("2500000", 2_500_000),
        ("2.500.000", 2_500_000),
        ("2,5jt", 2_500_000),
        ("2500rb", 2_500_000),
        ("Rp 2,5 juta", 2_500_000),
        # Currency marks and Indonesian price conventions.
        ("Rp2.500.000", 2_500_000),
        ("Rp. 2.500.000", 2_500_000),
        ("rp 2.500.000,-", 2_500_000),
        ("Rp2.500.000,00", 2_500_000),
        ("IDR 2,500,000", 2_500_000),
        ("IDR\u00a02,500,000.00", 2_500_000),
        ("2500000 rupiah", 2_500_000),
        ("2,5 juta rupiah", 2_500_000),
        ("  2,5   JT ", 2_500_000),
        # Units and decimal marks.
        ("2.5jt", 2_500_000),
        ("2,5 jt", 2_500_000),
        ("1,25jt", 1_250_000),
        ("0,8 juta", 800_000),
        ("3 jta", 3_000_000),
        ("500 ribu", 500_000),
        ("500rebu", 500_000),
        ("500k", 500_000),
        ("1.500rb", 1_500_000),  # dot groups thousands: 1500 ribu
        ("1,250rb", 1_250_000),  # three digits after the mark: grouping
        ("1.000,5 rb", 1_000_500),
        ("1 miliar", 1_000_000_000),
        ("2 million", 2_000_000),
        ("1,2345678jt", 1_234_568),  # a fraction of a Rupiah is rounded half up
        ("2.500", 2_500),
        ("1", 1),
    ],
)
def test_accepted(text: str, expected: int) -> None:
    assert parse_income(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not_a_number"),
        ("   ", "not_a_number"),
        ("abc", "not_a_number"),
        ("dua setengah juta", "not_a_number"),  # words are the free-text extractor's job
        ("2,5", "not_a_number"),  # no unit and not whole Rupiah: refused, not guessed
        ("2.5m", "not_a_number"),  # m is miliar in Indonesian, million in English
        ("2,5 kg", "not_a_number"),
        ("1.2.3", "not_a_number"),
        ("2.50.000", "not_a_number"),
        ("2.500,000.5", "not_a_number"),
        ("1,000.000,5", "not_a_number"),
        ("2,5jt per bulan", "not_a_number"),
        ("٢٥٠٠٠٠٠", "not_a_number"),  # only ASCII digits
        ("9" * 80, "not_a_number"),
        ("0", "not_positive"),
        ("0,00", "not_positive"),
        ("-500.000", "not_positive"),
        ("Rp -1jt", "not_positive"),
        ("−2,5jt", "not_positive"),
        ("0,0000001rb", "not_positive"),
    ],
)
def test_rejected(text: str, reason: str) -> None:
    with pytest.raises(InvalidIncome) as caught:
        parse_income(text)
    assert caught.value.reason == reason
    assert caught.value.text == text


def test_upper_limit_is_the_calculators() -> None:
    # Whatever parse_income returns, calculate() accepts: one limit, in one place.
    assert MAX_INCOME == 1_000_000_000
    assert parse_income("1 miliar") == MAX_INCOME
    for text in ("1.000.000.001", "5 miliar", "9" * 30):
        with pytest.raises(InvalidIncome) as caught:
            parse_income(text)
        assert caught.value.reason == "too_large"


@given(st.text(max_size=40))
@example("Rp")
@example("rp.")
@example("2,,5jt")
@example("1.")
@example(",5jt")
def test_never_raises_anything_but_invalid_income(text: str) -> None:
    try:
        amount = parse_income(text)
    except InvalidIncome as error:
        assert error.reason in ("not_a_number", "not_positive", "too_large")
    else:
        assert type(amount) is int
        assert 0 < amount <= MAX_INCOME


@given(st.from_regex(r"-?(rp )?[0-9][0-9.,]{0,55}( ?(jt|rb|miliar))?", fullmatch=True))
@example("9" * 59)
@example("0," + "0" * 50 + "1jt")
def test_long_numbers_never_crash(text: str) -> None:
    with contextlib.suppress(InvalidIncome):
        assert 0 < parse_income(text) <= MAX_INCOME


AMOUNT_CHARS = st.sampled_from(list("0123456789.,- rpRPjtJTrbkidu"))


@given(st.text(AMOUNT_CHARS, max_size=20))
def test_amount_like_text_never_crashes(text: str) -> None:
    with contextlib.suppress(InvalidIncome):
        assert parse_income(text) > 0


@given(st.integers(min_value=1, max_value=MAX_INCOME), st.sampled_from(["id", "en"]))
def test_reads_what_babel_writes(amount: int, lang: str) -> None:
    assert parse_income(format_rupiah(amount, lang)) == amount
    assert parse_income(format_number(amount, lang)) == amount
    assert parse_income(str(amount)) == amount


@given(st.integers(min_value=0, max_value=999), st.integers(min_value=0, max_value=9))
def test_juta_with_one_decimal(whole: int, tenth: int) -> None:
    expected = whole * 1_000_000 + tenth * 100_000
    if expected == 0:
        return
    assert parse_income(f"{whole},{tenth}jt") == expected
    assert parse_income(f"Rp {whole}.{tenth} juta") == expected


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [
        (1_000_000, 1, 10_000),
        (1_000_050, 1, 10_001),  # exactly half: up
        (1_000_049, 1, 10_000),
        (10_001, 50, 5_001),
        (6_800, 50, 3_400),
        (0, 2, 0),
    ],
)
def test_percent_of_rounds_half_up(amount: int, percent: int, expected: int) -> None:
    assert percent_of(amount, percent) == expected


def test_percent_of_refuses_negative() -> None:
    with pytest.raises(ValueError):
        percent_of(-1, 1)
