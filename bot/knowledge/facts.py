"""The figures the bot may state, loaded once from ``facts.yaml``.

``facts.yaml`` stores confirmed facts, each with a unit and a source. Figures that follow from
them (the Rp16.800 package, the Rp70 juta JKK death benefit, the Rp174 juta scholarship, the
discount periods) are *derived* here instead of being typed in twice; tests pin them to the
published numbers. Answer texts use the keys as placeholders, e.g. ``"{jkm_monthly}"`` filled from
``formatted_facts(lang)``.

Units decide formatting: ``rupiah`` goes through Babel (``Rp16.800`` / ``IDR 16,800``), ``text``
is shown as is, ``period`` (derived only) becomes month names, every other unit is a plain number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast, get_args

import yaml
from babel.dates import format_date

from bot.amounts import percent_of
from bot.i18n import babel_locale, format_number, format_rupiah

FACTS_FILE = Path(__file__).with_name("facts.yaml")

Unit = Literal[
    "rupiah",
    "percent",
    "count",
    "days",
    "hours",
    "months",
    "years",
    "age",
    "day_of_month",
    "text",
    "period",
]
_UNITS: frozenset[str] = frozenset(get_args(Unit))
FactValue = int | str


class FactsFileError(ValueError):
    """``facts.yaml`` is malformed; raised on first use so a bad edit fails loudly in tests."""


class UnknownFact(KeyError):
    """No fact, stored or derived, has this key."""


@dataclass(frozen=True)
class Fact:
    key: str
    value: FactValue
    unit: Unit
    sources: tuple[str, ...]  # keys into the file's ``sources`` table
    derived: bool = False


@dataclass(frozen=True)
class _Knowledge:
    reviewed: dt.date
    sources: Mapping[str, str]
    facts: Mapping[str, Fact]
    contribution_rules: Mapping[str, Any]


# --- public API -------------------------------------------------------------------------------


def fact(key: str) -> FactValue:
    """The value of a stored or derived fact: an int (Rupiah, percent, count...) or a string."""
    return _get(key).value


def fact_int(key: str) -> int:
    """Like ``fact`` for numeric facts, typed as ``int`` for arithmetic."""
    value = fact(key)
    if not isinstance(value, int):
        raise TypeError(f"fact {key!r} is text, not a number")
    return value


def fact_unit(key: str) -> Unit:
    return _get(key).unit


def fact_source(key: str) -> str:
    """The regulation or page a fact rests on, as a reader would cite it ("; " between several)."""
    return "; ".join(fact_sources(key))


def fact_sources(key: str) -> tuple[str, ...]:
    """Each citation a fact rests on, in the order facts.yaml lists them."""
    return tuple(source_text(s) for s in _get(key).sources)


def source_text(source_key: str) -> str:
    """The human-readable citation for a key of the ``sources`` table (e.g. ``pp50_2025``)."""
    sources = _knowledge().sources
    if source_key not in sources:
        raise UnknownFact(source_key)
    return sources[source_key]


def all_facts() -> dict[str, FactValue]:
    """Every fact, stored and derived, as a fresh dict (callers may change their copy)."""
    return {key: f.value for key, f in _knowledge().facts.items()}


def format_fact(key: str, lang: str) -> str:
    """A fact ready to put in a sentence: money with Babel, periods as months, the rest plainly."""
    f = _get(key)
    if f.unit == "rupiah":
        return format_rupiah(cast(int, f.value), lang)
    if f.unit == "period":
        return _format_period(cast(str, f.value), lang)
    if f.unit == "text":
        return str(f.value)
    return format_number(cast(int, f.value), lang)


def formatted_facts(lang: str) -> dict[str, str]:
    """``format_fact`` for every key: the mapping answer templates are filled from."""
    return {key: format_fact(key, lang) for key in _knowledge().facts}


def reviewed() -> dt.date:
    """When the facts were last checked against ``shared/knowledge/bpu-facts.md``."""
    return _knowledge().reviewed


def contribution_rules() -> Mapping[str, Any]:
    """The raw ``contribution_rules`` section; ``bot.calculator`` turns it into typed rules."""
    return _knowledge().contribution_rules


# --- loading ----------------------------------------------------------------------------------


def _get(key: str) -> Fact:
    facts = _knowledge().facts
    if key not in facts:
        raise UnknownFact(key)
    return facts[key]


@cache
def _knowledge() -> _Knowledge:
    raw = yaml.safe_load(FACTS_FILE.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise FactsFileError(f"{FACTS_FILE}: expected a mapping at the top")
    sources = {str(k): str(v) for k, v in _section(raw, "sources").items()}
    stored = {str(k): _parse_fact(str(k), v, sources) for k, v in _section(raw, "facts").items()}
    rules = _section(raw, "contribution_rules")
    derived = _derive(stored, rules, sources)
    clash = stored.keys() & derived.keys()
    if clash:
        raise FactsFileError(f"derived facts must not be stored too: {sorted(clash)}")
    reviewed_on = raw.get("reviewed")
    if not isinstance(reviewed_on, dt.date):
        raise FactsFileError("'reviewed' must be a date (YYYY-MM-DD)")
    return _Knowledge(reviewed_on, sources, {**stored, **derived}, rules)


def _section(raw: dict[str, Any], name: str) -> dict[str, Any]:
    section = raw.get(name)
    if not isinstance(section, dict):
        raise FactsFileError(f"{FACTS_FILE}: section {name!r} is missing or not a mapping")
    return section


def _parse_fact(key: str, entry: object, sources: Mapping[str, str]) -> Fact:
    if not isinstance(entry, dict):
        raise FactsFileError(f"fact {key!r}: expected value/unit/source")
    value, unit, source = entry.get("value"), entry.get("unit"), entry.get("source")
    # bool is an int subclass; a stray "yes" in YAML must not pass as a number.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise FactsFileError(f"fact {key!r}: value must be a whole number or text")
    if unit not in _UNITS or unit == "period":
        raise FactsFileError(f"fact {key!r}: unknown unit {unit!r}")
    if (unit == "text") != isinstance(value, str):
        raise FactsFileError(f"fact {key!r}: only unit 'text' holds text")
    # One source, or a list when the figure rests on several (a regulation and where it is read).
    keys = tuple(str(s) for s in source) if isinstance(source, list) else (str(source),)
    unknown = [k for k in keys if k not in sources]
    if not keys or unknown:
        raise FactsFileError(f"fact {key!r}: unknown source {unknown or source!r}")
    return Fact(key, value, cast(Unit, unit), keys)


def _derive(
    stored: Mapping[str, Fact], rules: Mapping[str, Any], sources: Mapping[str, str]
) -> dict[str, Fact]:
    """Figures that follow from stored facts, computed so that each number has one home."""

    def v(key: str) -> int:
        if key not in stored or not isinstance(stored[key].value, int):
            raise FactsFileError(f"derived figures need the numeric fact {key!r}")
        return cast(int, stored[key].value)

    def money(key: str, value: int, *sources: str) -> Fact:
        return Fact(key, value, "rupiah", sources, derived=True)

    floor = v("income_floor")
    jkk_at_floor = percent_of(floor, v("jkk_rate_percent"))
    jkm = v("jkm_monthly")
    paid_share = 100 - v("discount_percent")
    per_child = _scholarship_per_child(v)
    jkm_total = v("jkm_death_lump_sum") + v("jkm_periodic") + v("jkm_funeral")
    jkk_death = v("jkk_death_income_multiplier") * floor + v("jkk_death_funeral")
    jkk_death += v("jkk_death_periodic")

    derived = [
        money("minimum_package_monthly", jkk_at_floor + jkm, "pp44_2015"),
        money(
            "minimum_package_with_jht_monthly",
            jkk_at_floor + jkm + percent_of(floor, v("jht_rate_percent")),
            "pp44_2015",
            "antaranews_2023_dirut",
        ),
        # Each part is discounted and rounded on its own, as the calculator does.
        money(
            "minimum_package_discounted_monthly",
            percent_of(jkk_at_floor, paid_share) + percent_of(jkm, paid_share),
            "pp44_2015",
            "pp50_2025",
        ),
        money("jkk_death_total_at_floor", jkk_death, "pp44_2015"),
        money("jkm_total", jkm_total, "pp44_2015"),
        money("scholarship_per_child_max", per_child, "pp44_2015"),
        money("scholarship_total_max", v("scholarship_children") * per_child, "pp44_2015"),
        *_discount_periods(rules, sources),
    ]
    return {f.key: f for f in derived}


def _scholarship_per_child(v: Callable[[str], int]) -> int:
    # TK and SD share one cap of years: fill the better-paid level first (today both pay the same).
    tk_sd_levels = sorted(
        [
            (v("scholarship_tk_yearly"), v("scholarship_tk_max_years")),
            (v("scholarship_sd_yearly"), v("scholarship_sd_max_years")),
        ],
        reverse=True,
    )
    years_left = v("scholarship_tk_sd_max_years")
    total = 0
    for yearly, max_years in tk_sd_levels:
        years = min(max_years, years_left)
        total += years * yearly
        years_left -= years
    total += v("scholarship_smp_yearly") * v("scholarship_smp_max_years")
    total += v("scholarship_sma_yearly") * v("scholarship_sma_max_years")
    total += v("scholarship_college_yearly") * v("scholarship_college_max_years")
    return total


def _discount_periods(rules: Mapping[str, Any], sources: Mapping[str, str]) -> list[Fact]:
    """``discount_period_<sector>`` = "2026-01..2027-03", so answers can quote the months."""
    periods = []
    for rule in rules.get("discounts") or []:
        start, end = rule.get("valid_from"), rule.get("valid_until")
        sector, source = rule.get("sector"), rule.get("source")
        if not isinstance(start, dt.date) or not isinstance(end, dt.date) or end < start:
            raise FactsFileError(f"discount {rule.get('id')!r}: needs valid_from <= valid_until")
        if not isinstance(sector, str) or source not in sources:
            raise FactsFileError(f"discount {rule.get('id')!r}: needs a sector and a known source")
        value = f"{start:%Y-%m}..{end:%Y-%m}"
        periods.append(Fact(f"discount_period_{sector}", value, "period", (source,), derived=True))
    return periods


def _format_period(value: str, lang: str) -> str:
    locale = babel_locale(lang)
    months = [dt.date.fromisoformat(f"{part}-01") for part in value.split("..")]
    return " – ".join(format_date(m, "LLLL yyyy", locale=locale) for m in months)
