"""The leads CSV: one row per lead in the filter, without names or phone numbers. Times are
the campaign's (WIB, ISO 8601 with ``+07:00``), like the pages.

Cells that a spreadsheet would read as a formula are neutralised (CSV injection): a worker
types ``occupation_other``, and branch names come from an imported file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from bot import stats
from bot.stats import campaign_time

COLUMNS = (
    "id", "created_at", "status", "overdue", "branch_code", "branch", "province_code",
    "province", "regency_code", "occupation", "occupation_other", "claimed_at", "contacted_at",
    "closed_at", "hours_to_claim", "hours_to_contact", "regency",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def leads_csv(rows: Sequence[stats.LeadRow], names: stats.Names) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([
            row.id,
            _time(row.created_at),
            safe_cell(row.status),
            "yes" if row.overdue else "no",
            safe_cell(row.branch_code),
            safe_cell(names.branches.get(row.branch_code, "")),
            safe_cell(row.province_code),
            safe_cell(names.provinces.get(row.province_code, "")),
            safe_cell(row.regency_code),
            safe_cell(row.occupation),
            safe_cell(row.occupation_other or ""),
            _time(row.claimed_at),
            _time(row.contacted_at),
            _time(row.closed_at),
            _hours(row.created_at, row.claimed_at),
            _hours(row.created_at, row.contacted_at),
            safe_cell(names.regencies.get(row.regency_code, "")),
        ])
    # BOM: Excel, which campaign staff open this in, then reads UTF-8 names correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def safe_cell(value: str) -> str:
    """Text a spreadsheet shows as text: a leading formula character gets a ``'`` before it
    (OWASP's advice), after any leading spaces that would otherwise hide it."""
    stripped = value.lstrip(" ")
    if stripped.startswith(_FORMULA_START):
        return "'" + value
    return value


def _time(value: datetime | None) -> str:
    # The campaign's clock (WIB) with the offset written out, as on the pages: unambiguous for
    # scripts, and what campaign staff read in their spreadsheet is the time the page showed.
    return campaign_time(value).isoformat(timespec="seconds") if value is not None else ""


def _hours(start: datetime, end: datetime | None) -> str:
    return "" if end is None else f"{(end - start).total_seconds() / 3600:.1f}"
