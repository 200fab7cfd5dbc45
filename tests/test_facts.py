"""The facts file and its loader: every stored figure pinned, derived figures checked against the
numbers BPJS Ketenagakerjaan publishes, formatting and validation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.knowledge import facts
from bot.knowledge.facts import (
    FactsFileError,
    UnknownFact,
    all_facts,
    fact,
    fact_int,
    fact_source,
    fact_unit,
    format_fact,
    formatted_facts,
)

# Published figures (shared/knowledge/bpu-facts.md), typed in by hand on purpose: the code derives
# them from facts.yaml and must arrive at the same numbers.
PUBLISHED_MINIMUM_PACKAGE = 16_800
PUBLISHED_MINIMUM_PACKAGE_WITH_JHT = 36_800
PUBLISHED_MINIMUM_PACKAGE_DISCOUNTED = 8_400
PUBLISHED_JKK_DEATH_AT_FLOOR = 70_000_000
PUBLISHED_JKM_TOTAL = 42_000_000
PUBLISHED_SCHOLARSHIP_PER_CHILD = 87_000_000
PUBLISHED_SCHOLARSHIP_TOTAL = 174_000_000

# Every stored fact, pinned. Changing a figure in facts.yaml must change this table in the same
# commit, after checking bpu-facts.md.
STORED = {
    "jkk_rate_percent": 1,
    "jkm_monthly": 6_800,
    "jht_rate_percent": 2,
    "income_floor": 1_000_000,
    "discount_percent": 50,
    "payment_due_day": 15,
    "months_unpaid_until_inactive": 3,
    "arrears_months_payable": 3,
    "card_days_after_payment": 7,
    "jkk_transport_land_max": 5_000_000,
    "jkk_transport_sea_max": 2_000_000,
    "jkk_transport_air_max": 10_000_000,
    "jkk_home_care_max": 20_000_000,
    "jkk_stmb_first_months": 12,
    "jkk_stmb_first_percent": 100,
    "jkk_stmb_after_percent": 50,
    "jkk_death_income_multiplier": 48,
    "jkk_death_funeral": 10_000_000,
    "jkk_death_periodic": 12_000_000,
    "jkk_report_hours": 48,
    "jkm_death_lump_sum": 20_000_000,
    "jkm_periodic": 12_000_000,
    "jkm_funeral": 10_000_000,
    "jkm_scholarship_min_years": 3,
    "jkm_claim_paid_days": 3,
    "scholarship_children": 2,
    "scholarship_tk_yearly": 1_500_000,
    "scholarship_sd_yearly": 1_500_000,
    "scholarship_smp_yearly": 2_000_000,
    "scholarship_sma_yearly": 3_000_000,
    "scholarship_college_yearly": 12_000_000,
    "scholarship_tk_max_years": 2,
    "scholarship_sd_max_years": 6,
    "scholarship_tk_sd_max_years": 8,
    "scholarship_smp_max_years": 3,
    "scholarship_sma_max_years": 3,
    "scholarship_college_max_years": 5,
    "scholarship_end_age": 23,
    "jht_payout_age": 56,
    "jht_partial_after_years": 10,
    "jht_partial_percent": 10,
    "jht_partial_housing_percent": 30,
    "call_center": "175",
    "bpjs_kesehatan_call_center": "165",
    "website": "www.bpjsketenagakerjaan.go.id",
}

DERIVED = {
    "minimum_package_monthly": PUBLISHED_MINIMUM_PACKAGE,
    "minimum_package_with_jht_monthly": PUBLISHED_MINIMUM_PACKAGE_WITH_JHT,
    "minimum_package_discounted_monthly": PUBLISHED_MINIMUM_PACKAGE_DISCOUNTED,
    "jkk_death_total_at_floor": PUBLISHED_JKK_DEATH_AT_FLOOR,
    "jkm_total": PUBLISHED_JKM_TOTAL,
    "scholarship_per_child_max": PUBLISHED_SCHOLARSHIP_PER_CHILD,
    "scholarship_total_max": PUBLISHED_SCHOLARSHIP_TOTAL,
    "discount_period_transportasi": "2026-01..2027-03",
    "discount_period_lainnya": "2026-04..2026-12",
}


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    facts._knowledge.cache_clear()
    yield
    facts._knowledge.cache_clear()


def test_every_fact_is_pinned() -> None:
    assert all_facts() == {**STORED, **DERIVED}


@pytest.mark.parametrize(("key", "published"), sorted(DERIVED.items()))
def test_derived_figures_match_published_numbers(key: str, published: int | str) -> None:
    assert fact(key) == published


def test_reviewed_date() -> None:
    assert facts.reviewed() == dt.date(2026, 11, 22)


def test_unconfirmed_figures_are_absent() -> None:
    # bpu-facts.md marks the Rp207.000 JKK maximum, an age limit and minimarket payment as
    # UNCONFIRMED: nothing may let an answer quote them.
    values = all_facts().values()
    assert 207_000 not in values
    assert not [key for key in all_facts() if "age_limit" in key or "minimarket" in key]


def test_every_fact_has_a_readable_source() -> None:
    for key in all_facts():
        assert fact_source(key).strip(), key


def test_sources_are_human_readable() -> None:
    assert fact_source("jkm_monthly").startswith("PP 44/2015")
    assert "PP 50/2025" in fact_source("discount_percent")
    # A derived figure cites everything it rests on.
    discounted = fact_source("minimum_package_discounted_monthly")
    assert "PP 44/2015" in discounted
    assert "PP 50/2025" in discounted


def test_units_are_explicit() -> None:
    assert fact_unit("jkm_monthly") == "rupiah"
    assert fact_unit("jkk_rate_percent") == "percent"
    assert fact_unit("call_center") == "text"
    assert fact_unit("scholarship_total_max") == "rupiah"
    assert fact_unit("discount_period_lainnya") == "period"


@pytest.mark.parametrize(
    ("key", "lang", "expected"),
    [
        ("jkm_monthly", "id", "Rp6.800"),
        ("jkm_monthly", "en", "IDR 6,800"),
        ("minimum_package_monthly", "id", "Rp16.800"),
        ("scholarship_total_max", "id", "Rp174.000.000"),
        ("jkk_rate_percent", "id", "1"),
        ("jkk_death_income_multiplier", "en", "48"),
        ("call_center", "en", "175"),
        ("website", "id", "www.bpjsketenagakerjaan.go.id"),
        ("discount_period_transportasi", "id", "Januari 2026 – Maret 2027"),
        ("discount_period_lainnya", "en", "April 2026 – December 2026"),
    ],
)
def test_format_fact(key: str, lang: str, expected: str) -> None:
    # Babel's space after IDR may be a no-break space; that is i18n's choice, not ours.
    assert format_fact(key, lang).replace("\u00a0", " ") == expected


def test_formatted_facts_fill_templates() -> None:
    text = "Iuran JKM {jkm_monthly}, paket {minimum_package_monthly}."
    assert text.format(**formatted_facts("id")) == "Iuran JKM Rp6.800, paket Rp16.800."


def test_unknown_key() -> None:
    with pytest.raises(UnknownFact):
        fact("jkk_maximum")
    with pytest.raises(UnknownFact):
        fact_source("nope")


def test_fact_int_refuses_text() -> None:
    assert fact_int("income_floor") == 1_000_000
    with pytest.raises(TypeError):
        fact_int("call_center")


def test_all_facts_returns_a_copy() -> None:
    copy = all_facts()
    copy["jkm_monthly"] = 1
    assert fact("jkm_monthly") == 6_800


def test_file_is_read_once() -> None:
    fact("jkm_monthly")
    before = facts._knowledge.cache_info().misses
    for key in ("jkm_monthly", "income_floor", "scholarship_total_max"):
        fact(key)
    assert facts._knowledge.cache_info().misses == before


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("{value: 5, unit: parsecs, source: s}", "unknown unit"),
        ("{value: 5, unit: rupiah, source: nowhere}", "unknown source"),
        ("{value: yes, unit: count, source: s}", "whole number or text"),
        ('{value: "5", unit: rupiah, source: s}', "only unit 'text'"),
    ],
)
def test_bad_fact_entries_fail_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_cache: None, entry: str, problem: str
) -> None:
    bad = tmp_path / "facts.yaml"
    bad.write_text(f"reviewed: 2026-11-22\nsources: {{s: S}}\nfacts:\n  x: {entry}\n")
    monkeypatch.setattr(facts, "FACTS_FILE", bad)
    with pytest.raises(FactsFileError, match=problem):
        fact("x")
