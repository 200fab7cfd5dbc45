"""Query-string filters: parsed and checked once, shared by pages, JSON and CSV.

Names are Indonesian, like the pages: ``periode`` (days: 7, 30, 90, 180, 365, or ``semua``),
``dari``/``sampai`` (YYYY-MM-DD, both included), ``provinsi``, ``cabang``, ``status``,
``terlambat=1``. Only codes go into URLs, never a name or a phone number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.leads import LeadStatus
from bot.stats import MAX_PERIOD_DAYS, LeadFilter, Period, Scope

PERIOD_CHOICES = (7, 30, 90, 180, 365)
ALL_TIME = "semua"
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
# Dates a campaign can have; also keeps day arithmetic clear of date.min and date.max.
_EARLIEST, _LATEST = date(2000, 1, 1), date(2100, 12, 31)


class BadFilter(ValueError):
    """A query parameter we cannot use; ``str()`` names it."""


@dataclass(frozen=True)
class PeriodChoice:
    period: Period | None  # None: all time
    days: int | None  # the preset chosen, if any
    custom: bool


def parse_period(query: Mapping[str, str], today: date, default_days: int | None) -> PeriodChoice:
    start, end = query.get("dari", "").strip(), query.get("sampai", "").strip()
    if start or end:
        try:
            first = date.fromisoformat(start) if start else None
            last = date.fromisoformat(end) if end else today
        except ValueError:
            raise BadFilter("dari/sampai: expected dates as YYYY-MM-DD") from None
        if first is None:
            first = last
        if not all(_EARLIEST <= day <= _LATEST for day in (first, last)):
            raise BadFilter(f"dari/sampai: dates from {_EARLIEST} to {_LATEST}")
        try:
            return PeriodChoice(Period(first, last), None, True)
        except ValueError:
            raise BadFilter(
                f"dari/sampai: the end on or after the start, at most {MAX_PERIOD_DAYS} days"
            ) from None
    raw = query.get("periode", "").strip()
    if raw == ALL_TIME or (not raw and default_days is None):
        if default_days is not None:
            # Trends and topics need a bounded period (a chart of days, a bounded scan).
            raise BadFilter(f"periode: one of {', '.join(map(str, PERIOD_CHOICES))}")
        return PeriodChoice(None, None, False)
    days = default_days if not raw else _int(raw)
    if days not in PERIOD_CHOICES:
        raise BadFilter(f"periode: one of {', '.join(map(str, PERIOD_CHOICES))} or {ALL_TIME}")
    return PeriodChoice(Period.last_days(days, today), days, False)


def parse_lead_filter(
    query: Mapping[str, str], scope: Scope, period: PeriodChoice
) -> LeadFilter:
    province = _code(query, "provinsi")
    branch = _code(query, "cabang")
    if scope.branch_code is not None:
        # A branch account sees its own branch whatever the URL says.
        branch = scope.branch_code
    status = query.get("status", "").strip() or None
    if status is not None and status not in {s.value for s in LeadStatus}:
        raise BadFilter("status: one of " + ", ".join(s.value for s in LeadStatus))
    return LeadFilter(
        period=period.period,
        province_code=province,
        branch_code=branch,
        status=status,
        overdue_only=query.get("terlambat", "") in ("1", "on", "ya"),
    )


def _code(query: Mapping[str, str], name: str) -> str | None:
    value = query.get(name, "").strip()
    if not value:
        return None
    if not _CODE.match(value):
        raise BadFilter(f"{name}: a code of letters, digits, '-', '_' or '.'")
    return value


def _int(raw: str) -> int | None:
    # isascii: "²".isdigit() is True, but int("²") raises.
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 5 else None
