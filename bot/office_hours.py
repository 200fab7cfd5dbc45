"""Branch office hours: when staff answer "Tanya petugas" tickets, in the branch's own time zone.

    hours = parse_office_hours("mon-fri 08:00-16:00, sat 08:00-12:00")
    hours.next_opening(datetime(2026, 11, 21, 13, 0, tzinfo=WITA))  # Monday 08:00 WITA

:func:`in_words` writes them as a worker reads them ("Senin–Jumat 08.00–16.00 WIB").

Pure module (no database, no Telegram): ``bot.settings`` parses ``OFFICE_HOURS`` with it and
``bot.handoff`` asks it whether a ticket arrived out of hours. Indonesia has three time zones;
a branch's follows its province (ISO 3166-2 code as in ``bot/data/branches.csv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import get_day_names

from bot.i18n import babel_locale

DEFAULT_OFFICE_HOURS = "mon-fri 08:00-16:00"

_DAYS = {
    **{name: index for index, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    # Indonesian abbreviations, as a campaign person would write them.
    **{name: index for index, name in enumerate(("sen", "sel", "rab", "kam", "jum", "sab", "min"))},
}
_RANGE = re.compile(
    r"^\s*(?P<days>[a-z]{3}(?:\s*-\s*[a-z]{3})?)\s+"
    r"(?P<start>\d{1,2}[:.]\d{2})\s*-\s*(?P<end>\d{1,2}[:.]\d{2})\s*$"
)

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
_ZONE_LABELS = {WIB.key: "WIB", WITA.key: "WITA", WIT.key: "WIT"}
# Provinces outside Western Indonesia Time; every other province is WIB.
_WITA_PROVINCES = frozenset(
    ("BA", "NB", "NT", "KS", "KI", "KU", "SA", "ST", "SG", "SN", "SR", "GO")
)
_WIT_PROVINCES = frozenset(("MA", "MU", "PA", "PB", "PD", "PE", "PS", "PT"))


@dataclass(frozen=True)
class OpenRange:
    weekdays: frozenset[int]  # 0 = Monday
    start: time
    end: time


@dataclass(frozen=True)
class OfficeHours:
    ranges: tuple[OpenRange, ...]
    text: str  # as configured, for messages and the dashboard

    def is_open(self, local: datetime) -> bool:
        moment = local.timetz().replace(tzinfo=None)
        return any(local.weekday() in r.weekdays and r.start <= moment < r.end for r in self.ranges)

    def next_opening(self, local: datetime) -> datetime:
        """``local`` itself when open, else the start of the next open range (same zone)."""
        if self.is_open(local):
            return local
        for days_ahead in range(8):
            day = (local + timedelta(days=days_ahead)).date()
            starts = sorted(r.start for r in self.ranges if day.weekday() in r.weekdays)
            for start in starts:
                candidate = datetime.combine(day, start, tzinfo=local.tzinfo)
                if candidate > local:
                    return candidate
        raise ValueError("office hours have no open range")  # parse() refuses that


def parse_office_hours(text: str) -> OfficeHours:
    """``"mon-fri 08:00-16:00, sat 08:00-12:00"`` (or ``sen-jum``); ValueError when invalid."""
    ranges: list[OpenRange] = []
    for part in text.lower().split(","):
        match = _RANGE.match(part)
        if match is None:
            raise ValueError(f"not like 'mon-fri 08:00-16:00': {part.strip()!r}")
        start, end = _time(match["start"]), _time(match["end"])
        if end <= start:
            raise ValueError(f"closing time before opening time: {part.strip()!r}")
        ranges.append(OpenRange(_weekdays(match["days"]), start, end))
    return OfficeHours(tuple(ranges), text.strip())


def parse_branch_office_hours(text: str) -> tuple[tuple[str, OfficeHours], ...]:
    """``"KC-DENPASAR=mon-sat 08:00-15:00; KC-X=sen-jum 07:30-15:30"`` per branch code."""
    result: list[tuple[str, OfficeHours]] = []
    for entry in text.split(";"):
        if not entry.strip():
            continue
        code, sep, hours = entry.partition("=")
        if not sep or not code.strip():
            raise ValueError(f"not like 'KC-CODE=mon-fri 08:00-16:00': {entry.strip()!r}")
        result.append((code.strip().upper(), parse_office_hours(hours)))
    return tuple(result)


def zone_for_province(province_code: str | None) -> ZoneInfo:
    """WIB, WITA or WIT for a province code like ``ID-BA`` (WIB when unknown)."""
    short = (province_code or "").upper().removeprefix("ID-")
    if short in _WIT_PROVINCES:
        return WIT
    if short in _WITA_PROVINCES:
        return WITA
    return WIB


def zone_label(zone: ZoneInfo) -> str:
    return _ZONE_LABELS.get(zone.key, zone.key)


def in_words(hours: OfficeHours, lang: str, zone: str | None = None) -> str:
    """Office hours as a worker reads them: ``Senin–Jumat 08.00–16.00, Sabtu 08.00–12.00 WIB``
    in Indonesian, ``Monday–Friday 08:00–16:00, Saturday 08:00–12:00 WIB`` in English (never
    the configured ``mon-fri 08:00-16:00``). ``zone`` (``WIB``...) ends the text when given."""
    names = get_day_names("wide", locale=babel_locale(lang))
    separator = "." if lang == "id" else ":"

    def clock(moment: time) -> str:
        if moment == time(23, 59, 59):  # "24:00" as configured
            return f"24{separator}00"
        return f"{moment.hour:02d}{separator}{moment.minute:02d}"

    parts = []
    for open_range in hours.ranges:
        days = ", ".join(
            names[first].capitalize() if first == last
            else f"{names[first].capitalize()}–{names[last].capitalize()}"
            for first, last in _runs(open_range.weekdays)
        )
        parts.append(f"{days} {clock(open_range.start)}–{clock(open_range.end)}")
    text = ", ".join(parts)
    return f"{text} {zone}" if zone else text


def _runs(weekdays: frozenset[int]) -> list[tuple[int, int]]:
    """Consecutive weekdays as (first, last), Monday first: {0,1,2,3,4,5} → [(0, 5)]."""
    runs: list[tuple[int, int]] = []
    for day in sorted(weekdays):
        if runs and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _time(raw: str) -> time:
    hours, minutes = (int(x) for x in re.split(r"[:.]", raw))
    if hours == 24 and minutes == 0:
        return time(23, 59, 59)
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(f"not a time of day: {raw!r}")
    return time(hours, minutes)


def _weekdays(raw: str) -> frozenset[int]:
    first, _, last = (x.strip() for x in raw.partition("-"))
    if first not in _DAYS or (last and last not in _DAYS):
        raise ValueError(f"unknown day in {raw!r} (use mon..sun or sen..min)")
    start = _DAYS[first]
    end = _DAYS[last] if last else start
    span = (end - start) % 7
    return frozenset((start + offset) % 7 for offset in range(span + 1))
