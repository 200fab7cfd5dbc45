"""Office hours and the campaign settings: parsing, opening times across weekends and time
zones."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.office_hours import (
    WIB,
    WIT,
    WITA,
    parse_branch_office_hours,
    parse_office_hours,
    zone_for_province,
)
from bot.settings import SettingsError, load_settings

WEEKDAYS = parse_office_hours("mon-fri 08:00-16:00, sat 08:00-12:00")


def test_open_and_closed_times() -> None:
    assert WEEKDAYS.is_open(datetime(2026, 11, 23, 8, 0, tzinfo=WIB))  # Monday 08:00
    assert not WEEKDAYS.is_open(datetime(2026, 11, 23, 16, 0, tzinfo=WIB))
    assert WEEKDAYS.is_open(datetime(2026, 11, 28, 11, 59, tzinfo=WIB))  # Saturday
    assert not WEEKDAYS.is_open(datetime(2026, 11, 29, 10, 0, tzinfo=WIB))  # Sunday


def test_next_opening_skips_the_weekend_and_keeps_the_zone() -> None:
    saturday_evening = datetime(2026, 11, 28, 19, 0, tzinfo=WITA)
    assert WEEKDAYS.next_opening(saturday_evening) == datetime(2026, 11, 30, 8, 0, tzinfo=WITA)
    friday_night = datetime(2026, 11, 27, 23, 0, tzinfo=WIT)
    assert WEEKDAYS.next_opening(friday_night) == datetime(2026, 11, 28, 8, 0, tzinfo=WIT)
    early = datetime(2026, 11, 24, 6, 30, tzinfo=WIB)
    assert WEEKDAYS.next_opening(early) == early.replace(hour=8, minute=0)
    inside = datetime(2026, 11, 24, 9, 0, tzinfo=WIB)
    assert WEEKDAYS.next_opening(inside) == inside


def test_indonesian_day_names_and_wrapping_ranges() -> None:
    hours = parse_office_hours("sen-jum 07.30-15.30")
    assert hours.is_open(datetime(2026, 11, 27, 7, 30, tzinfo=WIB))  # Friday
    weekend = parse_office_hours("sat-mon 09:00-10:00")  # wraps over Sunday
    assert {r for r in weekend.ranges[0].weekdays} == {5, 6, 0}


@pytest.mark.parametrize(
    "text", ["", "monday 08:00-16:00", "mon-fri 16:00-08:00", "mon-fri 25:00-26:00", "xyz"]
)
def test_invalid_hours_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_office_hours(text)


def test_time_zone_follows_the_province() -> None:
    assert zone_for_province("ID-JI") is WIB
    assert zone_for_province("ID-BA") is WITA
    assert zone_for_province("ID-SN") is WITA
    assert zone_for_province("ID-PA") is WIT
    assert zone_for_province(None) is WIB


def test_branch_hours_and_settings() -> None:
    [(code, hours)] = parse_branch_office_hours("kc-denpasar = mon-sat 08:00-15:00;")
    assert code == "KC-DENPASAR" and hours.is_open(datetime(2026, 11, 28, 14, 0, tzinfo=WITA))
    settings = load_settings(
        {
            "OFFICE_HOURS_BY_BRANCH": "KC-DENPASAR=mon-sat 08:00-15:00",
            "FOLLOWUP_CONTACT_AFTER": "20s",
            "FOLLOWUP_SATISFACTION_AFTER": "1.5",
            "BROADCAST_RATE": "20",
            "TELEGRAM_BOT_USERNAME": "@KampanyeBot",
        }
    )
    assert settings.office_hours_for("kc-denpasar").text == "mon-sat 08:00-15:00"
    assert settings.office_hours_for("KC-LAMONGAN").text == "mon-fri 08:00-16:00"
    assert settings.followup_contact_after == timedelta(seconds=20)
    assert settings.followup_satisfaction_after == timedelta(days=1.5)
    assert (settings.broadcast_rate, settings.telegram_bot_username) == (20, "KampanyeBot")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OFFICE_HOURS", "always"),
        ("OFFICE_HOURS_BY_BRANCH", "KC-X"),
        ("FOLLOWUP_CONTACT_AFTER", "soon"),
        ("FOLLOWUP_CONTACT_AFTER", "0"),
        ("BROADCAST_RATE", "31"),
        ("TELEGRAM_BOT_USERNAME", "no spaces allowed"),
    ],
)
def test_invalid_campaign_settings_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings({name: value})
    assert str(error.value).startswith(name)
