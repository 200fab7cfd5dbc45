"""The contribution calculator: every rule, every date boundary of PP 50/2025, both sectors, JHT on
and off, prepayment across a boundary, the floor, rounding, government-paid participants, bad
input, and the JSON contract."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.amounts import InvalidIncome
from bot.calculator import (
    MAX_INCOME,
    SECTORS,
    InvalidMonths,
    InvalidSector,
    Sector,
    calculate,
    rules,
    to_json_dict,
)
from bot.knowledge.facts import fact

# Published figures (bpu-facts.md): the minimum package at the Rp1.000.000 floor.
PUBLISHED_MINIMUM_PACKAGE = 16_800
PUBLISHED_MINIMUM_PACKAGE_WITH_JHT = 36_800
PUBLISHED_MINIMUM_PACKAGE_DISCOUNTED = 8_400
PP44 = "PP 44/2015"
PP50 = "PP 50/2025"

FLOOR = 1_000_000
BEFORE_ANY_DISCOUNT = dt.date(2025, 12, 1)
D = dt.date


def test_rules_come_from_the_facts_file() -> None:
    r = rules()
    assert (r.jkk_rate_percent, r.jkm_monthly, r.jht_rate_percent, r.income_floor) == (
        1,
        6_800,
        2,
        FLOOR,
    )
    assert r.prepay_months == (1, 3, 6, 12)
    periods = {d.sector: (d.valid_from, d.valid_until, d.percent) for d in r.discounts}
    assert periods == {
        "transportasi": (D(2026, 1, 1), D(2027, 3, 31), 50),
        "lainnya": (D(2026, 4, 1), D(2026, 12, 31), 50),
    }
    assert all(d.applies_to == {"jkk", "jkm"} for d in r.discounts)
    assert all(d.source.startswith(PP50) for d in r.discounts)


def test_published_minimum_packages() -> None:
    assert calculate(FLOOR, start=BEFORE_ANY_DISCOUNT).per_month == PUBLISHED_MINIMUM_PACKAGE
    assert (
        calculate(FLOOR, with_jht=True, start=BEFORE_ANY_DISCOUNT).per_month
        == PUBLISHED_MINIMUM_PACKAGE_WITH_JHT
    )
    discounted = calculate(FLOOR, sector="transportasi", start=D(2026, 1, 1))
    assert discounted.per_month == PUBLISHED_MINIMUM_PACKAGE_DISCOUNTED


def test_calculator_agrees_with_derived_facts() -> None:
    # Two code paths reach the same published numbers; if they ever differ, one is wrong.
    assert calculate(FLOOR, start=BEFORE_ANY_DISCOUNT).per_month == fact("minimum_package_monthly")
    assert calculate(FLOOR, with_jht=True, start=BEFORE_ANY_DISCOUNT).per_month == fact(
        "minimum_package_with_jht_monthly"
    )
    assert calculate(FLOOR, sector="lainnya", start=D(2026, 4, 1)).per_month == fact(
        "minimum_package_discounted_monthly"
    )


# (date, discount for transport workers, discount for everyone else)
BOUNDARIES = [
    (D(2025, 12, 31), 0, 0),
    (D(2026, 1, 1), 50, 0),
    (D(2026, 3, 31), 50, 0),
    (D(2026, 4, 1), 50, 50),
    (D(2026, 12, 31), 50, 50),
    (D(2027, 1, 1), 50, 0),
    (D(2027, 3, 31), 50, 0),
    (D(2027, 4, 1), 0, 0),
]
# income -> (full without JHT, discounted without JHT, JHT)
AMOUNTS = {
    FLOOR: (16_800, 8_400, 20_000),
    2_500_000: (31_800, 15_900, 50_000),
}


@pytest.mark.parametrize("with_jht", [False, True])
@pytest.mark.parametrize("income", sorted(AMOUNTS))
@pytest.mark.parametrize(("day", "transport", "other"), BOUNDARIES)
def test_discount_boundaries(
    day: dt.date, transport: int, other: int, income: int, with_jht: bool
) -> None:
    full, discounted, jht = AMOUNTS[income]
    cases: list[tuple[Sector, int]] = [("transportasi", transport), ("lainnya", other)]
    for sector, percent in cases:
        estimate = calculate(income, sector=sector, with_jht=with_jht, start=day)
        month = estimate.breakdown[0]
        assert month.discount_percent == percent, (sector, day)
        expected = (discounted if percent else full) + (jht if with_jht else 0)
        assert estimate.per_month == expected == estimate.total, (sector, day)
        # JHT is never discounted.
        assert month.jht == (jht if with_jht else 0)
        assert (PP50 in " ".join(estimate.legal_basis)) == bool(percent)


def test_discount_halves_jkk_and_jkm_separately() -> None:
    month = calculate(2_500_000, with_jht=True, start=D(2026, 6, 1)).breakdown[0]
    assert (month.jkk, month.jkm, month.jht, month.total) == (12_500, 3_400, 50_000, 65_900)


def test_three_month_prepayment_from_december_2026_other_sector() -> None:
    # The example: one discounted month and two full ones.
    estimate = calculate(FLOOR, sector="lainnya", months=3, start=D(2026, 12, 1))
    assert [m.month for m in estimate.breakdown] == [D(2026, 12, 1), D(2027, 1, 1), D(2027, 2, 1)]
    assert [m.discount_percent for m in estimate.breakdown] == [50, 0, 0]
    assert [m.total for m in estimate.breakdown] == [8_400, 16_800, 16_800]
    assert estimate.per_month == 8_400
    assert estimate.total == 42_000
    assert estimate.month_count == 3
    assert any(PP50 in source for source in estimate.legal_basis)


def test_three_month_prepayment_from_december_2026_transport() -> None:
    estimate = calculate(FLOOR, sector="transportasi", months=3, start=D(2026, 12, 1))
    assert [m.discount_percent for m in estimate.breakdown] == [50, 50, 50]
    assert estimate.total == 3 * 8_400


def test_prepayment_into_a_discount_period() -> None:
    # Paid in March 2026 for three months: March full, April and May discounted (other sector).
    estimate = calculate(FLOOR, months=3, start=D(2026, 3, 31))
    assert [m.total for m in estimate.breakdown] == [16_800, 8_400, 8_400]
    assert estimate.per_month == 16_800


def test_twelve_months_crossing_the_end_of_the_transport_period() -> None:
    estimate = calculate(FLOOR, sector="transportasi", months=12, start=D(2026, 5, 15))
    assert estimate.breakdown[0].month == D(2026, 5, 1)
    assert estimate.breakdown[-1].month == D(2027, 4, 1)
    assert [m.discount_percent for m in estimate.breakdown] == [50] * 11 + [0]
    assert estimate.total == 11 * 8_400 + 16_800


def test_six_months_across_new_year() -> None:
    estimate = calculate(2_500_000, with_jht=True, months=6, start=D(2026, 10, 31))
    assert [f"{m.month:%Y-%m}" for m in estimate.breakdown] == [
        "2026-10",
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
        "2027-03",
    ]
    assert [m.total for m in estimate.breakdown] == [65_900] * 3 + [81_800] * 3


@pytest.mark.parametrize(
    ("income", "basis", "below"),
    [(1, FLOOR, True), (500_000, FLOOR, True), (999_999, FLOOR, True), (FLOOR, FLOOR, False)],
)
def test_income_below_floor_is_computed_on_the_floor(income: int, basis: int, below: bool) -> None:
    estimate = calculate(income, with_jht=True, start=BEFORE_ANY_DISCOUNT)
    assert (estimate.income, estimate.basis, estimate.below_floor) == (income, basis, below)
    assert estimate.per_month == PUBLISHED_MINIMUM_PACKAGE_WITH_JHT


def test_no_upper_cap_on_the_basis() -> None:
    # A JKK maximum is UNCONFIRMED in bpu-facts.md, so none is applied.
    estimate = calculate(50_000_000, start=BEFORE_ANY_DISCOUNT)
    assert estimate.breakdown[0].jkk == 500_000


@pytest.mark.parametrize(
    ("income", "jkk", "jht", "jkk_discounted"),
    [
        (1_000_050, 10_001, 20_001, 5_001),  # 10.000,5 -> 10.001; 5.000,5 -> 5.001
        (1_000_049, 10_000, 20_001, 5_000),  # 10.000,49 -> 10.000; 20.000,98 -> 20.001
        (1_000_025, 10_000, 20_001, 5_000),  # 20.000,5 -> 20.001
        (1_234_567, 12_346, 24_691, 6_173),
    ],
)
def test_rounding_is_half_up_to_whole_rupiah(
    income: int, jkk: int, jht: int, jkk_discounted: int
) -> None:
    full = calculate(income, with_jht=True, start=BEFORE_ANY_DISCOUNT).breakdown[0]
    assert (full.jkk, full.jht) == (jkk, jht)
    cut = calculate(income, with_jht=True, start=D(2026, 4, 1)).breakdown[0]
    assert (cut.jkk, cut.jht) == (jkk_discounted, jht)


@pytest.mark.parametrize("sector", SECTORS)
def test_government_paid_participants_get_no_discount(sector: Sector) -> None:
    estimate = calculate(
        FLOOR, sector=sector, months=3, start=D(2026, 6, 1), paid_by_government=True
    )
    assert [m.discount_percent for m in estimate.breakdown] == [0, 0, 0]
    assert estimate.per_month == PUBLISHED_MINIMUM_PACKAGE
    assert estimate.paid_by_government
    assert not any(PP50 in source for source in estimate.legal_basis)


def test_legal_basis() -> None:
    plain = calculate(FLOOR, start=BEFORE_ANY_DISCOUNT)
    assert len(plain.legal_basis) == 1
    assert plain.legal_basis[0].startswith(PP44)
    discounted = calculate(FLOOR, with_jht=True, start=D(2026, 4, 1))
    assert discounted.legal_basis[0].startswith(PP44)
    # JHT is not a PP 44/2015 programme: its rate cites the source that states it.
    assert "JHT" in discounted.legal_basis[1] and PP44 not in discounted.legal_basis[1]
    assert discounted.legal_basis[2].startswith(PP50)
    assert len(discounted.legal_basis) == 3  # no duplicates


def test_default_start_is_today() -> None:
    today = dt.date.today()
    assert calculate(FLOOR).breakdown == calculate(FLOOR, start=today).breakdown


@pytest.mark.parametrize(
    ("income", "reason"),
    [
        (0, "not_positive"),
        (-1, "not_positive"),
        (-2_500_000, "not_positive"),
        (MAX_INCOME + 1, "too_large"),
        (10**12, "too_large"),
        ("2500000", "not_a_number"),
        (2_500_000.0, "not_a_number"),
        (None, "not_a_number"),
        (True, "not_a_number"),
    ],
)
def test_invalid_income(income: object, reason: str) -> None:
    with pytest.raises(InvalidIncome) as caught:
        calculate(income, start=BEFORE_ANY_DISCOUNT)  # type: ignore[arg-type]
    assert caught.value.reason == reason


def test_income_limit_is_inclusive() -> None:
    assert calculate(MAX_INCOME, start=BEFORE_ANY_DISCOUNT).basis == MAX_INCOME
    assert MAX_INCOME == 1_000_000_000


@pytest.mark.parametrize("months", [0, 2, 4, 5, 24, -1, True, "3"])
def test_invalid_months(months: object) -> None:
    with pytest.raises(InvalidMonths):
        calculate(FLOOR, months=months)  # type: ignore[arg-type]


@pytest.mark.parametrize("months", [1, 3, 6, 12])
def test_allowed_months(months: int) -> None:
    assert calculate(FLOOR, months=months, start=BEFORE_ANY_DISCOUNT).month_count == months


def test_invalid_sector() -> None:
    with pytest.raises(InvalidSector):
        calculate(FLOOR, sector="ojol")  # type: ignore[arg-type]


def test_estimate_is_immutable() -> None:
    estimate = calculate(FLOOR, start=BEFORE_ANY_DISCOUNT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        estimate.income = 5  # type: ignore[misc]


CONTRACT_FIELDS = {
    "penghasilan",
    "dasar_penghasilan",
    "jkk",
    "jkm",
    "jht",
    "diskon_persen",
    "per_bulan",
    "bulan",
    "total",
    "dasar_hukum",
}


def test_json_contract() -> None:
    estimate = calculate(2_500_000, sector="lainnya", with_jht=True, months=3, start=D(2026, 12, 1))
    data = to_json_dict(estimate)
    assert set(data) == CONTRACT_FIELDS | {"rincian", "di_bawah_batas"}
    assert {k: v for k, v in data.items() if k in CONTRACT_FIELDS - {"dasar_hukum"}} == {
        "penghasilan": 2_500_000,
        "dasar_penghasilan": 2_500_000,
        "jkk": 12_500,
        "jkm": 3_400,
        "jht": 50_000,
        "diskon_persen": 50,
        "per_bulan": 65_900,
        "bulan": 3,
        "total": 65_900 + 2 * 81_800,
    }
    assert [s[:10] for s in data["dasar_hukum"]] == [PP44, "Direktur U", PP50]
    assert data["rincian"] == [
        {"periode": "2026-12", "jkk": 12_500, "jkm": 3_400, "jht": 50_000,
         "diskon_persen": 50, "total": 65_900},
        {"periode": "2027-01", "jkk": 25_000, "jkm": 6_800, "jht": 50_000,
         "diskon_persen": 0, "total": 81_800},
        {"periode": "2027-02", "jkk": 25_000, "jkm": 6_800, "jht": 50_000,
         "diskon_persen": 0, "total": 81_800},
    ]  # fmt: skip
    assert data["di_bawah_batas"] is False
    # Amounts are plain ints (not bools, not floats) and the dict is JSON as is.
    for key in ("penghasilan", "dasar_penghasilan", "jkk", "jkm", "jht", "per_bulan", "total"):
        assert type(data[key]) is int
    assert json.loads(json.dumps(data)) == data


def test_json_below_floor_without_jht() -> None:
    data = to_json_dict(calculate(750_000, start=BEFORE_ANY_DISCOUNT))
    assert data["penghasilan"] == 750_000
    assert data["dasar_penghasilan"] == FLOOR
    assert data["di_bawah_batas"] is True
    assert (data["jht"], data["diskon_persen"], data["per_bulan"]) == (0, 0, 16_800)


@given(
    income=st.integers(min_value=1, max_value=MAX_INCOME),
    sector=st.sampled_from(SECTORS),
    with_jht=st.booleans(),
    months=st.sampled_from([1, 3, 6, 12]),
    start=st.dates(min_value=D(2025, 1, 1), max_value=D(2028, 12, 31)),
    paid_by_government=st.booleans(),
)
def test_invariants(
    income: int,
    sector: Sector,
    with_jht: bool,
    months: int,
    start: dt.date,
    paid_by_government: bool,
) -> None:
    estimate = calculate(
        income,
        sector=sector,
        with_jht=with_jht,
        months=months,
        start=start,
        paid_by_government=paid_by_government,
    )
    assert estimate.basis == max(income, FLOOR)
    assert estimate.month_count == months
    assert estimate.per_month == estimate.breakdown[0].total
    assert estimate.total == sum(m.total for m in estimate.breakdown)
    full = calculate(income, with_jht=with_jht, start=BEFORE_ANY_DISCOUNT).per_month
    for m in estimate.breakdown:
        assert m.total == m.jkk + m.jkm + m.jht
        assert m.discount_percent in (0, 50)
        assert m.total == full if not m.discount_percent else m.total < full
        if paid_by_government:
            assert m.discount_percent == 0
