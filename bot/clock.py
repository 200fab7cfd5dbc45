"""The current time, in one place: aware UTC everywhere inside the bot (stored, compared,
logged); the campaign's time zone only where people read times (bot.stats.campaign_time)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
