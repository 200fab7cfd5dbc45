"""What codes are called on the dashboard, and how numbers, shares and dates are written."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from bot import stats
from bot.answers import catalog
from bot.i18n import N_, _, babel_locale
from bot.stats import CAMPAIGN_UTC_OFFSET, FUNNEL_LABELS, NO_TOPIC
from bot.vocabulary import LEAD_STATUS_NAMES, OCCUPATION_NAMES

# Derived, not stored (so not a filter choice): a new lead whose card has no group to go to
# (bot.delivery_health.WAITING_FOR_GROUP).
DERIVED_STATUS_LABELS = {"menunggu_grup": N_("Waiting for a group")}


TICKET_STATUS_LABELS = {
    "open": N_("Waiting for staff"),
    "answered": N_("Answered by staff"),
    "closed": N_("Closed"),
}
BROADCAST_STATUS_LABELS = {
    "draft": N_("Draft"),
    "awaiting_approval": N_("Awaiting a second manager"),
    "scheduled": N_("Scheduled"),
    "sending": N_("Sending"),
    "paused": N_("Paused"),
    "done": N_("Done"),
    "cancelled": N_("Cancelled"),
}
LANGUAGE_LABELS = {"id": N_("Indonesian"), "en": N_("English")}
# A broadcast segment's lead status for workers who never registered (broadcasts.NO_LEAD).
NO_LEAD_LABEL = N_("Never registered")


def funnel_label(step: str, lang: str) -> str:
    return _(FUNNEL_LABELS.get(step, step), lang)


def status_label(status: str, lang: str) -> str:
    label = LEAD_STATUS_NAMES.get(status) or DERIVED_STATUS_LABELS.get(status)
    return _(label, lang) if label else status


def occupation_label(code: str, lang: str) -> str:
    return _(OCCUPATION_NAMES[code], lang) if code in OCCUPATION_NAMES else code


def ticket_status_label(status: str, lang: str) -> str:
    return _(TICKET_STATUS_LABELS[status], lang) if status in TICKET_STATUS_LABELS else status


def broadcast_status_label(status: str, lang: str) -> str:
    return _(BROADCAST_STATUS_LABELS[status], lang) if status in BROADCAST_STATUS_LABELS else status


def language_label(code: str, lang: str) -> str:
    return _(LANGUAGE_LABELS[code], lang) if code in LANGUAGE_LABELS else code


def topic_label(topic: str | None, lang: str) -> str:
    if not topic or topic == NO_TOPIC:
        return _("(no topic)", lang)
    entry = catalog(lang).topics.get(topic)
    return entry.title if entry is not None else topic


def number(value: int | float, lang: str) -> str:
    return format_decimal(value, format="#,##0", locale=babel_locale(lang))


def decimal(value: float, lang: str) -> str:
    return format_decimal(value, format="#,##0.0", locale=babel_locale(lang))


def percent(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    return format_percent(value, format="#,##0.#%", locale=babel_locale(lang))


def hours(value: float | None, lang: str) -> str:
    """A duration given in hours, as a manager reads it: minutes under an hour ("12 menit",
    never "0,2 jam"), hours with one decimal up to two days, then days."""
    if value is None:
        return "–"
    if round(value * 60) < 60:
        return _whole_minutes(value * 60, lang)
    if value >= 48:
        return _("{n} days", lang, n=decimal(value / 24, lang))
    return _("{n} hours", lang, n=decimal(value, lang))


def minutes(value: float | None, lang: str) -> str:
    """A duration given in minutes: whole minutes under an hour, else :func:`hours`."""
    if value is None:
        return "–"
    if round(value) >= 60:
        return hours(value / 60, lang)
    return _whole_minutes(value, lang)


def _whole_minutes(value: float, lang: str) -> str:
    if value < 1:
        return _("under a minute", lang)
    return _("{n} minutes", lang, n=number(round(value), lang))


def seconds(value: int | None, lang: str) -> str:
    if value is None:
        return "–"
    if value >= 90:
        return minutes(value / 60, lang)
    return _("{n} s", lang, n=number(value, lang))


def day(value: date, lang: str, pattern: str = "d MMM") -> str:
    return format_date(value, pattern, locale=babel_locale(lang))


def funnel_rate(step: stats.FunnelStep, lang: str) -> str:
    """The step's rate with its base named: "45% of those who asked a question"."""
    if step.base is None or step.rate is None:
        return "–"
    return _("{rate} of {base}", lang, rate=percent(step.rate, lang),
             base=_(stats.FUNNEL_BASE_LABELS[step.base], lang))




def moment(value: datetime, lang: str) -> str:
    """A time as campaign staff read it: WIB."""
    local = (value + CAMPAIGN_UTC_OFFSET).replace(tzinfo=None)
    return format_datetime(local, "d MMM yyyy HH:mm", locale=babel_locale(lang)) + " WIB"
