"""Quiet hours: when no broadcast goes out (``BROADCAST_QUIET_HOURS``, default 21:00-07:00 WIB),
and the WIB date-times managers schedule broadcasts with.

    quiet = parse_quiet_hours("21:00-07:00")
    quiet.contains(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))   # 22:00 WIB: True
    quiet.ends_after(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))  # 07:00 WIB the next morning

Pure module (no database, no Telegram): ``bot.settings`` parses the variable with it,
``bot.broadcasts`` holds a broadcast's messages inside the window unless it was forced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from bot.office_hours import WIB

DEFAULT_QUIET_HOURS = "21:00-07:00"
OFF = ("off", "none", "tidak")
# How a scheduled time is written on the command line and in the dashboard's form (WIB).
SCHEDULE_FORMAT = "%Y-%m-%d %H:%M"
ZONE = WIB
ZONE_LABEL = "WIB"
_RANGE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})\s*$")


@dataclass(frozen=True)
class QuietHours:
    """From ``start`` to ``end`` local time (WIB), across midnight when ``end < start``;
    ``start == end`` means none."""

    start: time
    end: time

    @property
    def enabled(self) -> bool:
        return self.start != self.end

    @property
    def text(self) -> str:
        """``21:00–07:00`` as configured, for messages and the dashboard (no zone)."""
        return f"{self.start:%H:%M}–{self.end:%H:%M}" if self.enabled else ""

    def contains(self, moment: datetime) -> bool:
        if not self.enabled:
            return False
        local = moment.astimezone(ZONE).time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def ends_after(self, moment: datetime) -> datetime:
        """``moment`` itself outside the window, else when the window holding it ends (UTC)."""
        if not self.contains(moment):
            return moment
        local = moment.astimezone(ZONE)
        end = local.replace(
            hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0
        )
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(UTC)


NO_QUIET_HOURS = QuietHours(time(0, 0), time(0, 0))


def parse_quiet_hours(raw: str | None) -> QuietHours:
    """``HH:MM-HH:MM`` (WIB), or ``off``; raises ValueError with the reason."""
    text = (raw or DEFAULT_QUIET_HOURS).strip().lower()
    if text in OFF:
        return NO_QUIET_HOURS
    match = _RANGE.match(text)
    if match is None:
        raise ValueError(f"not a range like {DEFAULT_QUIET_HOURS}: {raw!r}")
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    if start_h > 23 or end_h > 23 or start_m > 59 or end_m > 59:
        raise ValueError(f"not a time of day: {raw!r}")
    return QuietHours(time(start_h, start_m), time(end_h, end_m))


def parse_local(raw: str) -> datetime:
    """``YYYY-MM-DD HH:MM`` in WIB (``T`` between them also accepted, as browsers send it),
    as an aware UTC datetime; raises ValueError."""
    text = raw.strip().replace("T", " ")
    local = datetime.strptime(text, SCHEDULE_FORMAT).replace(tzinfo=ZONE)
    return local.astimezone(UTC)


def format_local(moment: datetime) -> str:
    """``2026-11-23 22:00 WIB``: the moment in WIB, as the CLI takes it."""
    return f"{moment.astimezone(ZONE).strftime(SCHEDULE_FORMAT)} {ZONE_LABEL}"
