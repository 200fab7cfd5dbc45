"""Contribution calculator (kalkulator iuran) for BPU participants.

The rules are data in ``bot/knowledge/facts.yaml``: JKK as a percentage of the reported income,
JKM as a flat amount, optional JHT as a percentage, the income floor, the months one may prepay,
and PP 50/2025's discounts with their sector, validity dates and source. This module only applies
them; it changes when the law changes only if the *shape* of the rules changes.

How a figure is computed (the branch office confirms the real one, so answers call it an estimate):

- The income basis is the reported income, but never below the floor (Rp1.000.000); incomes below
  it are computed on the floor and flagged ``below_floor``. No upper cap: none is confirmed.
- JKK and JHT are percentages of the basis, rounded half up to whole Rupiah (``percent_of``).
- A discount applies per *contribution month*: month ``i`` of a prepayment is the calendar month
  ``i`` months after ``start``'s month, and it is discounted only if that month lies inside a
  discount period for the worker's sector. The discounted amount is again rounded half up. Never
  for participants whose contributions the government (APBN/APBD) pays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, cast, get_args

from bot.amounts import MAX_INCOME, InvalidIncome, check_income, percent_of
from bot.knowledge.facts import contribution_rules, fact_int, fact_sources, source_text

__all__ = [
    "MAX_INCOME",
    "SECTORS",
    "ContributionEstimate",
    "ContributionRules",
    "DiscountOutlook",
    "DiscountRule",
    "InvalidIncome",
    "InvalidMonths",
    "InvalidSector",
    "MonthBreakdown",
    "MonthRun",
    "Sector",
    "calculate",
    "discount_outlook",
    "exceeds_cap_check",
    "month_runs",
    "monthly_income",
    "rules",
    "to_json_dict",
]

Sector = Literal["transportasi", "lainnya"]
SECTORS: tuple[Sector, ...] = get_args(Sector)
Component = Literal["jkk", "jkm", "jht"]


class InvalidMonths(ValueError):
    """The number of months to prepay is not one of ``rules().prepay_months``."""

    def __init__(self, months: object) -> None:
        super().__init__(f"cannot prepay {months!r} months")
        self.months = months


class InvalidSector(ValueError):
    def __init__(self, sector: object) -> None:
        super().__init__(f"unknown sector {sector!r}; expected one of {SECTORS}")
        self.sector = sector


@dataclass(frozen=True)
class DiscountRule:
    """A temporary cut on some components for one sector, e.g. PP 50/2025 for transport workers."""

    id: str
    sector: Sector
    applies_to: frozenset[Component]
    percent: int
    valid_from: dt.date  # inclusive; compared by contribution month
    valid_until: dt.date  # inclusive; compared by contribution month
    source: str  # citation text

    def covers(self, sector: Sector, month: dt.date) -> bool:
        key = (month.year, month.month)
        first = (self.valid_from.year, self.valid_from.month)
        last = (self.valid_until.year, self.valid_until.month)
        return sector == self.sector and first <= key <= last


@dataclass(frozen=True)
class ContributionRules:
    jkk_rate_percent: int
    jkm_monthly: int
    jht_rate_percent: int
    income_floor: int
    prepay_months: tuple[int, ...]
    discounts: tuple[DiscountRule, ...]
    base_sources: tuple[str, ...]  # citations for the rates, the floor and JKM
    jht_sources: tuple[str, ...]


@dataclass(frozen=True)
class MonthBreakdown:
    """What is due for one contribution month. ``month`` is the first day of that month."""

    month: dt.date
    jkk: int
    jkm: int
    jht: int
    discount_percent: int
    total: int


@dataclass(frozen=True)
class ContributionEstimate:
    """The result of ``calculate``; ``to_json_dict`` renames fields for the command line."""

    income: int  # as reported (penghasilan)
    basis: int  # what the percentages are taken of (dasar penghasilan)
    below_floor: bool
    sector: Sector
    with_jht: bool
    paid_by_government: bool
    breakdown: tuple[MonthBreakdown, ...]  # one per prepaid month, in order
    legal_basis: tuple[str, ...]  # citations actually applied (dasar hukum)

    @property
    def per_month(self) -> int:
        """The first month's total (per bulan); later months may differ when a discount ends."""
        return self.breakdown[0].total

    @property
    def total(self) -> int:
        return sum(month.total for month in self.breakdown)

    @property
    def month_count(self) -> int:
        return len(self.breakdown)

    @property
    def discounted(self) -> bool:
        return any(month.discount_percent for month in self.breakdown)


@cache
def rules() -> ContributionRules:
    """The contribution rules from ``facts.yaml``, parsed once."""
    raw = contribution_rules()
    prepay = raw["prepay_months"]
    return ContributionRules(
        jkk_rate_percent=fact_int("jkk_rate_percent"),
        jkm_monthly=fact_int("jkm_monthly"),
        jht_rate_percent=fact_int("jht_rate_percent"),
        income_floor=fact_int("income_floor"),
        prepay_months=tuple(int(m) for m in prepay["value"]),
        discounts=tuple(_discount_rule(d) for d in raw["discounts"]),
        base_sources=tuple(
            dict.fromkeys(
                source
                for key in ("jkk_rate_percent", "jkm_monthly", "income_floor")
                for source in fact_sources(key)
            )
        ),
        jht_sources=fact_sources("jht_rate_percent"),
    )


def _discount_rule(entry: Mapping[str, Any]) -> DiscountRule:
    sector = entry["sector"]
    applies_to = frozenset(entry["applies_to"])
    if sector not in SECTORS or not applies_to <= set(get_args(Component)):
        raise ValueError(f"facts.yaml discount {entry.get('id')!r}: unknown sector or component")
    return DiscountRule(
        id=str(entry["id"]),
        sector=cast(Sector, sector),
        applies_to=cast(frozenset[Component], applies_to),
        percent=fact_int("discount_percent"),
        valid_from=entry["valid_from"],
        valid_until=entry["valid_until"],
        source=source_text(entry["source"]),
    )


def calculate(
    income: int,
    *,
    sector: Sector = "lainnya",
    with_jht: bool = False,
    months: int = 1,
    start: dt.date | None = None,
    paid_by_government: bool = False,
) -> ContributionEstimate:
    """Estimate the contributions for ``months`` months starting with ``start``'s month.

    ``start`` defaults to today; pass it explicitly wherever the date matters (tests, the CLI's
    ``--tanggal``). Raises ``InvalidIncome``, ``InvalidSector`` or ``InvalidMonths``.
    """
    r = rules()
    check_income(income)
    if sector not in SECTORS:
        raise InvalidSector(sector)
    if isinstance(months, bool) or months not in r.prepay_months:
        raise InvalidMonths(months)
    first = (start or dt.date.today()).replace(day=1)

    basis = max(income, r.income_floor)
    full: dict[Component, int] = {
        "jkk": percent_of(basis, r.jkk_rate_percent),
        "jkm": r.jkm_monthly,
        "jht": percent_of(basis, r.jht_rate_percent) if with_jht else 0,
    }
    breakdown = []
    applied_sources: list[str] = []
    for i in range(months):
        month = _add_months(first, i)
        rule = None if paid_by_government else _discount_for(r, sector, month)
        due = dict(full)
        if rule is not None:
            for component in rule.applies_to:
                due[component] = percent_of(full[component], 100 - rule.percent)
            applied_sources.append(rule.source)
        breakdown.append(
            MonthBreakdown(
                month=month,
                jkk=due["jkk"],
                jkm=due["jkm"],
                jht=due["jht"],
                discount_percent=rule.percent if rule else 0,
                total=sum(due.values()),
            )
        )

    legal = [*r.base_sources, *(r.jht_sources if with_jht else ()), *applied_sources]
    return ContributionEstimate(
        income=income,
        basis=basis,
        below_floor=income < r.income_floor,
        sector=sector,
        with_jht=with_jht,
        paid_by_government=paid_by_government,
        breakdown=tuple(breakdown),
        legal_basis=tuple(dict.fromkeys(legal)),  # de-duplicated, order kept
    )


def to_json_dict(estimate: ContributionEstimate) -> dict[str, Any]:
    """The command-line contract (``python -m bot iuran --json``): Indonesian field names, amounts
    as whole Rupiah. ``jkk``/``jkm``/``jht``/``diskon_persen`` are the first month's values;
    ``rincian`` lists every month and ``di_bawah_batas`` says the floor was used."""
    first = estimate.breakdown[0]
    return {
        "penghasilan": estimate.income,
        "dasar_penghasilan": estimate.basis,
        "jkk": first.jkk,
        "jkm": first.jkm,
        "jht": first.jht,
        "diskon_persen": first.discount_percent,
        "per_bulan": estimate.per_month,
        "bulan": estimate.month_count,
        "total": estimate.total,
        "dasar_hukum": list(estimate.legal_basis),
        "rincian": [
            {
                "periode": f"{m.month:%Y-%m}",
                "jkk": m.jkk,
                "jkm": m.jkm,
                "jht": m.jht,
                "diskon_persen": m.discount_percent,
                "total": m.total,
            }
            for m in estimate.breakdown
        ],
        "di_bawah_batas": estimate.below_floor,
    }


# --- telling the worker what happens over time ------------------------------------------------


@dataclass(frozen=True)
class MonthRun:
    """Consecutive contribution months that cost the same: "Januari – November 2027: Rp16.800"."""

    first: dt.date
    last: dt.date
    months: int
    per_month: int
    discount_percent: int


def month_runs(estimate: ContributionEstimate) -> tuple[MonthRun, ...]:
    """The prepaid months grouped where the amount stays the same (one run when nothing changes),
    so a multi-month figure is shown month by month wherever months differ."""
    runs: list[MonthRun] = []
    for month in estimate.breakdown:
        last = runs[-1] if runs else None
        if last is not None and (last.per_month, last.discount_percent) == (
            month.total,
            month.discount_percent,
        ):
            runs[-1] = MonthRun(
                last.first, month.month, last.months + 1, last.per_month, last.discount_percent
            )
        else:
            runs.append(MonthRun(month.month, month.month, 1, month.total, month.discount_percent))
    return tuple(runs)


@dataclass(frozen=True)
class DiscountOutlook:
    """A discount that applies now and ends: its last month, and what a month costs after it."""

    last_discounted: dt.date  # first day of the last discounted month
    first_full: dt.date  # first day of the first month at the full rate
    per_month_after: int
    percent: int


def discount_outlook(
    income: int, *, sector: Sector, with_jht: bool = False, start: dt.date
) -> DiscountOutlook | None:
    """When the discount that covers ``start``'s month ends for ``sector``, and the monthly
    amount from the month after (``None`` when no discount applies that month)."""
    r = rules()
    rule = _discount_for(r, sector, start.replace(day=1))
    if rule is None:
        return None
    last = rule.valid_until.replace(day=1)
    after = _add_months(last, 1)
    later = calculate(income, sector=sector, with_jht=with_jht, start=after)
    return DiscountOutlook(last, after, later.per_month, rule.percent)


def monthly_income(amount: int, per: str | None) -> int:
    """An income said per day, week or year as a monthly income (the conversion is an assumption
    the answer states: ``income_conversion`` in facts.yaml)."""
    conversion = contribution_rules()["income_conversion"]
    if per == "hari":
        return amount * int(conversion["working_days_per_month"])
    if per == "minggu":
        return amount * int(conversion["weeks_per_month"])
    if per == "tahun":
        return (amount + 6) // 12
    return amount


def conversion_factor(per: str) -> int:
    """Working days or weeks in a month, as the answer states them."""
    conversion = contribution_rules()["income_conversion"]
    key = {"hari": "working_days_per_month", "minggu": "weeks_per_month"}[per]
    return int(conversion[key])


def exceeds_cap_check(income: int) -> bool:
    """Above this income a JKK ceiling may apply (UNCONFIRMED): the branch confirms the figure."""
    return income > int(contribution_rules()["jkk_cap_check_above"]["value"])


def _discount_for(r: ContributionRules, sector: Sector, month: dt.date) -> DiscountRule | None:
    return next((d for d in r.discounts if d.covers(sector, month)), None)


def _add_months(first_of_month: dt.date, n: int) -> dt.date:
    index = first_of_month.month - 1 + n
    return dt.date(first_of_month.year + index // 12, index % 12 + 1, 1)
