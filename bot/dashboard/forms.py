"""The filter forms (GET, so a filtered page can be bookmarked; only codes in the URL)."""

from __future__ import annotations

from aiohttp import web

from bot import stats
from bot.dashboard import keys
from bot.dashboard import labels as fmt
from bot.dashboard.html import Html, el
from bot.dashboard.layout import select
from bot.dashboard.params import ALL_TIME, ATTRIBUTIONS, PERIOD_CHOICES, PeriodChoice
from bot.handoff import TicketStatus
from bot.i18n import _
from bot.sources import Attribution
from bot.vocabulary import LEAD_STATUSES


def period_form(request: web.Request, choice: PeriodChoice, action: str,
                *, all_time: bool = False) -> Html:
    return el("form", _period_fields(request, choice, all_time),
              el("button", _("Show", keys.lang_of(request)), type="submit"),
              method="get", action=action, class_="filters")


def lead_filter_form(request: web.Request, choice: PeriodChoice, names: stats.Names,
                     scope: stats.Scope) -> Html:
    lang = keys.lang_of(request)
    query = request.query
    everyone = [("", _("All", lang))]
    provinces = everyone + sorted(names.provinces.items(), key=lambda item: item[1])
    fields: list[Html | None] = [
        *_period_fields(request, choice, True),
        select("provinsi", _("Province", lang), provinces, query.get("provinsi", "")),
        select("cabang", _("Branch", lang),
               everyone + sorted(names.branches.items(), key=lambda item: item[1]),
               query.get("cabang", "")) if scope.is_everything else None,
        select("status", _("Status", lang),
               everyone + [(code, fmt.status_label(code, lang)) for code in LEAD_STATUSES],
               query.get("status", "")),
        el("label", el("input", type="checkbox", name="terlambat", value="1",
                       checked=query.get("terlambat") == "1"),
           _("Only past the reminder deadline", lang), class_="inline"),
    ]
    return el("form", fields, el("button", _("Filter", lang), type="submit"),
              method="get", action="/leads", class_="filters")


def source_filter_form(request: web.Request, choice: PeriodChoice,
                       attribution: Attribution) -> Html:
    lang = keys.lang_of(request)
    labels = {"first": _("First source they came through", lang),
              "last": _("Latest source they came through", lang)}
    chosen = next(key for key, value in ATTRIBUTIONS.items() if value == attribution)
    return el("form", _period_fields(request, choice, True),
              select("atribusi", _("Count workers by", lang),
                     [(key, labels[value]) for key, value in ATTRIBUTIONS.items()], chosen),
              el("button", _("Show", lang), type="submit"),
              method="get", action="/sumber", class_="filters")


def ticket_filter_form(request: web.Request, choice: PeriodChoice, names: stats.Names,
                       scope: stats.Scope) -> Html:
    lang = keys.lang_of(request)
    query = request.query
    everyone = [("", _("All", lang))]
    fields: list[Html | None] = [
        *_period_fields(request, choice, True),
        select("status", _("Status", lang),
               everyone + [(s.value, fmt.ticket_status_label(s.value, lang))
                           for s in TicketStatus],
               query.get("status", "")),
        select("cabang", _("Branch", lang),
               everyone + sorted(names.branches.items(), key=lambda item: item[1]),
               query.get("cabang", "")) if scope.is_everything else None,
    ]
    return el("form", fields, el("button", _("Filter", lang), type="submit"),
              method="get", action="/tiket", class_="filters")


def _period_fields(request: web.Request, choice: PeriodChoice, all_time: bool) -> list[Html]:
    lang = keys.lang_of(request)
    options = [(str(days), _("Last {n} days", lang, n=days)) for days in PERIOD_CHOICES]
    if all_time:
        options.insert(0, (ALL_TIME, _("All time", lang)))
    chosen = str(choice.days) if choice.days else ("" if choice.custom else ALL_TIME)
    if choice.custom:
        options.insert(0, ("", _("Dates below", lang)))
    start = choice.period.start.isoformat() if choice.custom and choice.period else ""
    end = choice.period.end.isoformat() if choice.custom and choice.period else ""
    return [
        select("periode", _("Period", lang), options, chosen),
        el("label", _("From", lang), el("input", type="date", name="dari", value=start)),
        el("label", _("To", lang), el("input", type="date", name="sampai", value=end)),
    ]
