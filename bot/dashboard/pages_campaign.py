"""The Sumber, Tiket and Tindak lanjut pages, rendered from the plain results of
``bot.sources``, ``bot.handoff`` and ``bot.followup`` (see ``views_campaign``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aiohttp import web

from bot import followup, handoff, stats
from bot.dashboard import charts, keys
from bot.dashboard import labels as fmt
from bot.dashboard.forms import period_form, source_filter_form, ticket_filter_form
from bot.dashboard.html import Html, el
from bot.dashboard.layout import empty, kpi, page, table
from bot.dashboard.pages import scope_note
from bot.dashboard.params import PeriodChoice, TicketFilter
from bot.i18n import _
from bot.sources import Attribution, FunnelRow, deep_link

if TYPE_CHECKING:
    from bot.dashboard.views_campaign import SourceFigures, TicketFigures

# The source funnel's steps after "workers", and the overview funnel's step of the same
# meaning (whose label they share: one translation each).
SOURCE_STEPS: tuple[tuple[str, str], ...] = (
    ("asked", "question"),
    ("calculated", "calculator"),
    ("registration_started", "registration_started"),
    ("registered", "registration_completed"),
    ("claimed", "claimed"),
    ("contacted", "contacted"),
    ("enrolled", "enrolled"),
)


def branch_name(code: str | None, names: stats.Names, lang: str) -> str:
    if code is None:
        return _("No branch (admin group)", lang)
    return names.branches.get(code, code)


# --- Sumber ---------------------------------------------------------------------------------


def sources(request: web.Request, figures: SourceFigures, choice: PeriodChoice,
            attribution: Attribution, bot_username: str) -> web.Response:
    lang = keys.lang_of(request)
    n = lambda value: fmt.number(value, lang)  # noqa: E731
    intro = el("p", _("Workers by the deep link (poster, radio spot, village event, Perisai "
                      "agent) that brought them to the bot, and how far they got. Add a source "
                      "with its QR code: python -m bot sumber tambah CODE \"description\".",
                      lang), class_="muted")
    peak = max((row.enrolment_rate or 0 for row in figures.rows), default=0)
    rows = [
        [_source_cell(row, bot_username, lang), n(row.touches),
         n(figures.first_touch.get(row.code, 0)), n(figures.last_touch.get(row.code, 0)),
         *[n(getattr(row, step)) for step, _label in SOURCE_STEPS],
         [fmt.percent(row.enrolment_rate, lang),
          charts.bar(row.enrolment_rate or 0, peak, fmt.percent(row.enrolment_rate, lang))]]
        for row in figures.rows
    ]
    headers = [_("Source", lang), _("Link opened", lang),
               _("Workers (first source)", lang), _("Workers (latest source)", lang),
               *[fmt.funnel_label(overview_step, lang) for _step, overview_step in SOURCE_STEPS],
               _("Enrolled per worker", lang)]
    by = (_("Funnel steps count the workers whose first source it was.", lang)
          if attribution == "first" else
          _("Funnel steps count the workers whose latest source it was.", lang))
    content: list[Html] = [intro, source_filter_form(request, choice, attribution)]
    if all(row.code is None for row in figures.rows):
        content.append(empty(_("No sources yet.", lang)))
    content += [
        table(headers, rows, numeric=tuple(range(1, len(headers))), css="sources"),
        el("p", by, " ", _("“Link opened” counts every opening, repeat visits included; "
                           "“Enrolled per worker” is enrolled workers per worker the source "
                           "brought.", lang), class_="muted"),
    ]
    return page(request, _("Sources", lang), *content)


def _source_cell(row: FunnelRow, bot_username: str, lang: str) -> Html:
    if row.code is None:
        return el("span", el("strong", _("Without a source", lang)), el("br"),
                  el("span", _("opened the bot without a source's link", lang), class_="muted"))
    link = deep_link(bot_username, row.code)
    return el("span", el("strong", row.code), el("br"),
              el("span", row.description, class_="muted") if row.description else None,
              el("br") if row.description else None,
              el("a", link, href=link, rel="noopener noreferrer", class_="deeplink"),
              data_source=row.code)


# --- Tiket ----------------------------------------------------------------------------------


def tickets(request: web.Request, figures: TicketFigures, scope: stats.Scope,
            choice: PeriodChoice, ticket_filter: TicketFilter, limit: int) -> web.Response:
    lang = keys.lang_of(request)
    names = figures.names
    content: list[Html | None] = [
        scope_note(request, scope),
        el("p", _("Questions workers handed to a person with /petugas. Staff answer them in "
                  "their Telegram group; the workers' messages are not shown here.", lang),
           class_="muted"),
        ticket_filter_form(request, choice, names, scope),
    ]
    headline = _ticket_headline(figures.summaries, ticket_filter, scope)
    if headline is None:
        content.append(empty(_("No tickets in this period.", lang)))
    else:
        content.append(_ticket_kpis(headline, lang))
    per_branch = [s for s in figures.summaries if not s.all_branches]
    if scope.is_everything and per_branch:
        content.append(el("section", el("h2", _("By branch", lang)), table(
            [_("Branch", lang), _("Tickets", lang), _("Waiting for staff", lang),
             _("Answered by staff", lang), _("Closed", lang),
             _("Median first response", lang), _("Longest wait now", lang)],
            [[branch_name(s.branch_code, names, lang), fmt.number(s.total, lang),
              fmt.number(s.open, lang), fmt.number(s.answered, lang),
              fmt.number(s.closed, lang), fmt.minutes(s.median_response_minutes, lang),
              fmt.minutes(s.oldest_open_minutes, lang)] for s in per_branch],
            numeric=(1, 2, 3, 4, 5, 6), css="ticket-branches",
        )))
    rows = figures.rows
    content.append(el(
        "section",
        el("h2", _("Latest tickets", lang)),
        _ticket_table(rows, names, lang) if rows else empty(
            _("No tickets match these filters.", lang)),
        el("p", _("Showing the latest {n}.", lang, n=limit), class_="muted")
        if len(rows) >= limit else None,
    ))
    return page(request, _("Tickets", lang), *content)


def _ticket_headline(summaries: Sequence[handoff.TicketSummary], ticket_filter: TicketFilter,
                     scope: stats.Scope) -> handoff.TicketSummary | None:
    """The scope's figures, or the branch a manager filtered on."""
    if scope.is_everything and ticket_filter.branch_code is not None:
        return next((s for s in summaries if not s.all_branches
                     and s.branch_code == ticket_filter.branch_code), None)
    return summaries[0] if summaries and summaries[0].total else None


def _ticket_kpis(s: handoff.TicketSummary, lang: str) -> Html:
    n = lambda value: fmt.number(value, lang)  # noqa: E731
    return el(
        "section",
        kpi("total", _("Tickets", lang), s.total, n(s.total)),
        kpi("open", _("Waiting for staff", lang), s.open, n(s.open), warn=s.open > 0),
        kpi("answered", _("Answered by staff", lang), s.answered, n(s.answered)),
        kpi("closed", _("Closed", lang), s.closed, n(s.closed)),
        kpi("median_response", _("Median first response", lang), s.median_response_minutes,
            fmt.minutes(s.median_response_minutes, lang),
            _("{n} answered at least once", lang, n=n(s.responded))),
        kpi("mean_response", _("Mean first response", lang), s.mean_response_minutes,
            fmt.minutes(s.mean_response_minutes, lang)),
        kpi("out_of_hours", _("Opened out of office hours", lang), s.out_of_hours,
            n(s.out_of_hours)),
        kpi("oldest_open", _("Longest wait now", lang), s.oldest_open_minutes,
            fmt.minutes(s.oldest_open_minutes, lang)),
        class_="kpis", aria_label=_("Headline figures", lang),
    )


def _ticket_table(rows: Sequence[handoff.TicketRow], names: stats.Names, lang: str) -> Html:
    def note(row: handoff.TicketRow) -> str:
        if not row.out_of_hours:
            return ""
        if row.expected_by is None:
            return _("out of office hours", lang)
        return _("out of office hours; answer promised by {when}", lang,
                 when=fmt.moment(row.expected_by, lang))

    return table(
        ["#", _("Opened", lang), _("Status", lang), _("Branch", lang), _("Language", lang),
         _("First response after", lang), _("Closed", lang), _("Note", lang)],
        [[str(r.id), fmt.moment(r.created_at, lang), fmt.ticket_status_label(r.status, lang),
          branch_name(r.branch_code, names, lang), fmt.language_label(r.language, lang),
          fmt.minutes(r.response_minutes, lang),
          fmt.moment(r.closed_at, lang) if r.closed_at else "–", note(r)]
         for r in rows],
        numeric=(5,),
        row_classes=["overdue" if r.status == handoff.TicketStatus.OPEN else None for r in rows],
        css="tickets",
    )


# --- Tindak lanjut --------------------------------------------------------------------------


def followups(request: web.Request, summaries: Sequence[followup.FollowUpSummary],
              names: stats.Names, scope: stats.Scope, choice: PeriodChoice) -> web.Response:
    lang = keys.lang_of(request)
    intro = el("p", _("Some days after a branch claims a lead, the bot asks the worker whether "
                      "the branch contacted them (yes / no / already registered); a “no” "
                      "re-opens the lead. After enrolment it asks for a score from 1 to 5. "
                      "“Disputed”: the branch's status said contacted, the worker said no.",
                      lang), class_="muted")
    content: list[Html | None] = [scope_note(request, scope), intro,
                                  period_form(request, choice, "/tindak-lanjut", all_time=True)]
    headline = summaries[0] if summaries else None
    if headline is None or not (headline.contact_asked or headline.satisfaction_asked):
        content.append(empty(_("No follow-up questions in this period.", lang)))
        return page(request, _("Follow-ups", lang), *content)
    content.append(_followup_kpis(headline, lang))
    rows = list(summaries[1:]) if scope.is_everything else list(summaries)
    n = lambda value: fmt.number(value, lang)  # noqa: E731

    def rate(value: float | None, css: str) -> list[Html | str]:
        return [fmt.percent(value, lang), charts.bar(value or 0, 1, fmt.percent(value, lang),
                                                     css=css)]

    content.append(el("section", el("h2", _("Contact, by branch", lang)), table(
        [_("Branch", lang), _("Asked", lang), _("Answered", lang), _("Yes", lang),
         _("No", lang), _("Already registered", lang), _("Contacted, as workers say", lang),
         _("Contacted, as the branch's status said", lang), _("Disputed", lang),
         _("Could not be asked", lang)],
        [[branch_name(s.branch_code, names, lang), n(s.contact_asked), n(s.contact_answered),
          n(s.contact_yes), n(s.contact_no), n(s.contact_registered),
          rate(s.worker_contact_rate, "bar"), rate(s.branch_contact_rate, "bar alt"),
          n(s.disputed), n(s.undeliverable)] for s in rows],
        numeric=tuple(range(1, 10)), css="followup-contact",
    )))
    scores = followup.SATISFACTION_SCORES
    content.append(el("section", el("h2", _("Satisfaction, by branch", lang)), table(
        [_("Branch", lang), _("Asked", lang), _("Answered", lang), _("Mean (1–5)", lang),
         *scores],
        [[branch_name(s.branch_code, names, lang), n(s.satisfaction_asked),
          n(s.satisfaction_answered),
          fmt.decimal(s.satisfaction_mean, lang) if s.satisfaction_mean is not None else "–",
          *[n(s.satisfaction_scores.get(score, 0)) for score in scores]] for s in rows],
        numeric=tuple(range(1, 4 + len(scores))), css="followup-satisfaction",
    )))
    return page(request, _("Follow-ups", lang), *content)


def _followup_kpis(s: followup.FollowUpSummary, lang: str) -> Html:
    n = lambda value: fmt.number(value, lang)  # noqa: E731
    return el(
        "section",
        kpi("contact_asked", _("Contact questions asked", lang), s.contact_asked,
            n(s.contact_asked), _("{n} answered", lang, n=n(s.contact_answered))),
        kpi("worker_contact_rate", _("Contacted, as workers say", lang), s.worker_contact_rate,
            fmt.percent(s.worker_contact_rate, lang)),
        kpi("branch_contact_rate", _("Contacted, as the branch's status said", lang),
            s.branch_contact_rate, fmt.percent(s.branch_contact_rate, lang)),
        kpi("disputed", _("Disputed", lang), s.disputed, n(s.disputed), warn=s.disputed > 0),
        kpi("satisfaction_mean", _("Satisfaction (1–5)", lang), s.satisfaction_mean,
            fmt.decimal(s.satisfaction_mean, lang) if s.satisfaction_mean is not None else "–",
            _("{n} answered", lang, n=n(s.satisfaction_answered))),
        class_="kpis", aria_label=_("Headline figures", lang),
    )
