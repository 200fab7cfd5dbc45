"""Query-string filters: parsed and checked once, shared by pages, JSON and CSV.

Names are Indonesian, like the pages: ``periode`` (days: 7, 30, 90, 180, 365, or ``semua``),
``dari``/``sampai`` (YYYY-MM-DD, both included), ``provinsi``, ``cabang``, ``status``,
``terlambat=1``; ``atribusi`` (``pertama``/``terakhir``) on Sumber; a broadcast segment's
``provinsi``, ``cabang``, ``pekerjaan``, ``bahasa``, ``sumber``, ``status_lead`` (repeatable) and
``belum_terdaftar=1``. Only codes go into URLs, never a name or a phone number.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from multidict import MultiMapping

from bot.broadcasts import NOT_YET_ENROLLED, BroadcastError, Segment
from bot.handoff import TicketStatus
from bot.leads import LeadStatus
from bot.sources import Attribution
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


def period_bounds(choice: PeriodChoice) -> tuple[datetime | None, datetime | None]:
    """The choice as UTC instants ``[since, until)``; (None, None) for all time."""
    return choice.period.bounds() if choice.period is not None else (None, None)


ATTRIBUTIONS: dict[str, Attribution] = {"pertama": "first", "terakhir": "last"}


def parse_attribution(query: Mapping[str, str]) -> Attribution:
    """Whose worker a source is: the first source they came through, or the latest."""
    raw = query.get("atribusi", "").strip() or "pertama"
    if raw not in ATTRIBUTIONS:
        raise BadFilter("atribusi: " + " or ".join(ATTRIBUTIONS))
    return ATTRIBUTIONS[raw]


@dataclass(frozen=True)
class TicketFilter:
    branch_code: str | None
    status: str | None


def parse_ticket_filter(query: Mapping[str, str], scope: Scope) -> TicketFilter:
    branch = _code(query, "cabang")
    if scope.branch_code is not None:
        branch = scope.branch_code  # a branch account sees its own tickets, whatever the URL
    status = query.get("status", "").strip() or None
    if status is not None and status not in {s.value for s in TicketStatus}:
        raise BadFilter("status: one of " + ", ".join(s.value for s in TicketStatus))
    return TicketFilter(branch, status)


# Form and query names of a broadcast segment's fields (``bot.broadcasts.Segment``).
SEGMENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("provinsi", "provinces"),
    ("cabang", "branches"),
    ("pekerjaan", "occupations"),
    ("bahasa", "languages"),
    ("sumber", "sources"),
    ("status_lead", "lead_statuses"),
)
NOT_YET_ENROLLED_FIELD = "belum_terdaftar"


def parse_segment(values: MultiMapping[Any], choices: Mapping[str, Collection[str]]) -> Segment:
    """A segment from a form or a query string; ``choices``: per field of the segment, the
    codes the form offers. Anything else is a bad filter (the form offers nothing else)."""
    fields: dict[str, list[str]] = {}
    for name, field in SEGMENT_FIELDS:
        chosen = [v.strip() for v in values.getall(name, []) if isinstance(v, str) and v.strip()]
        if any(value not in choices[field] for value in chosen):
            raise BadFilter(f"{name}: only the codes the form offers")
        fields[field] = chosen
    if values.get(NOT_YET_ENROLLED_FIELD, "") in ("1", "on", "ya"):
        fields["lead_statuses"] += NOT_YET_ENROLLED
    try:
        return Segment.from_json(fields)
    except BroadcastError as error:
        raise BadFilter(str(error)) from None


def parse_result(query: Mapping[str, str], known: Collection[str]) -> str | None:
    """``hasil``: what the last action did, shown once after its redirect (a code)."""
    raw = query.get("hasil", "").strip()
    if not raw:
        return None
    if raw not in known:
        raise BadFilter("hasil: not a result this page reports")
    return raw


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
