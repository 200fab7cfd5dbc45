"""Page and JSON handlers for the campaign tools' figures: Sumber (sources, managers only),
Tiket (handoff tickets) and Tindak lanjut (follow-ups). Siaran is in ``views_broadcasts``.

Like ``views``: read the filters, ask the domain once, render; each page has its JSON twin.
A branch account sees its own branch's tickets and follow-ups and nothing of the others'.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot import followup, handoff, sources, stats
from bot.dashboard import keys, pages_campaign
from bot.dashboard.params import (
    PeriodChoice,
    TicketFilter,
    parse_attribution,
    parse_ticket_filter,
    period_bounds,
)
from bot.dashboard.views import (
    json_response,
    manager_of,
    now_of,
    period_of,
    plain,
    scope_json,
    scope_of,
)

# The ticket list shows the latest ones; the summaries count every ticket in the period.
TICKET_LIMIT = 200


# --- Sumber ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFigures:
    """The funnel by the chosen attribution, and by each attribution how many workers came."""

    rows: list[sources.FunnelRow]
    first_touch: dict[str | None, int]
    last_touch: dict[str | None, int]


async def _source_figures(request: web.Request, choice: PeriodChoice,
                          attribution: sources.Attribution) -> SourceFigures:
    db = request.app[keys.DB]
    since, until = period_bounds(choice)
    async with db.transaction() as uow:
        by = {
            kind: await sources.funnel_by_source(uow, attribution=kind, since=since, until=until)
            for kind in ("first", "last")
        }
    # The channels that bring enrolments first; workers without a source stay last.
    rows = sorted(by[attribution], key=lambda row: (
        row.code is None, -row.enrolled, -row.registered, -row.workers, row.code or ""))
    return SourceFigures(
        rows=rows,
        first_touch={row.code: row.workers for row in by["first"]},
        last_touch={row.code: row.workers for row in by["last"]},
    )


async def sources_page(request: web.Request) -> web.StreamResponse:
    # Sources are the campaign's, not a branch's: the funnel has no branch scope.
    manager_of(request)
    choice, attribution = period_of(request, None), parse_attribution(request.query)
    figures = await _source_figures(request, choice, attribution)
    return pages_campaign.sources(request, figures, choice, attribution, _bot(request))


async def api_sources(request: web.Request) -> web.StreamResponse:
    manager_of(request)
    choice, attribution = period_of(request, None), parse_attribution(request.query)
    figures = await _source_figures(request, choice, attribution)
    bot = _bot(request)
    return json_response({
        "period": plain(choice.period),
        "attribution": attribution,
        "bot_username": bot,
        "sources": [
            {**plain(row),
             "deep_link": sources.deep_link(bot, row.code) if row.code else None,
             "workers_first_touch": figures.first_touch.get(row.code, 0),
             "workers_last_touch": figures.last_touch.get(row.code, 0)}
            for row in figures.rows
        ],
    })


def _bot(request: web.Request) -> str:
    return request.app[keys.SETTINGS].telegram_bot_username


# --- Tiket ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketFigures:
    rows: list[handoff.TicketRow]
    # The scope's own figures first (every branch, or the branch account's), then per branch.
    summaries: list[handoff.TicketSummary]
    names: stats.Names


async def _ticket_figures(request: web.Request, scope: stats.Scope, choice: PeriodChoice,
                          ticket_filter: TicketFilter) -> TicketFigures:
    db = request.app[keys.DB]
    since, until = period_bounds(choice)
    async with db.transaction() as uow:
        rows = await handoff.list_tickets(
            uow, since=since, until=until, branch_code=ticket_filter.branch_code,
            status=ticket_filter.status, limit=TICKET_LIMIT,
        )
    async with db.transaction() as uow:
        summaries = await handoff.ticket_summaries(
            uow, now=now_of(request), since=since, until=until
        )
    if not scope.is_everything:
        # Not the all-branches summary either: it counts the other branches' tickets.
        summaries = [s for s in summaries
                     if not s.all_branches and s.branch_code == scope.branch_code]
    async with db.transaction() as uow:
        return TicketFigures(rows, summaries, await stats.names(uow))


async def tickets_page(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, None)
    ticket_filter = parse_ticket_filter(request.query, scope)
    figures = await _ticket_figures(request, scope, choice, ticket_filter)
    return pages_campaign.tickets(request, figures, scope, choice, ticket_filter, TICKET_LIMIT)


async def api_tickets(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, None)
    ticket_filter = parse_ticket_filter(request.query, scope)
    figures = await _ticket_figures(request, scope, choice, ticket_filter)
    return json_response({
        "scope": scope_json(scope),
        "period": plain(choice.period),
        "filter": plain(ticket_filter),
        "limit": TICKET_LIMIT,
        "summaries": plain(figures.summaries),
        "tickets": plain(figures.rows),
    })


# --- Tindak lanjut --------------------------------------------------------------------------


async def _followup_figures(request: web.Request, scope: stats.Scope,
                            choice: PeriodChoice) -> list[followup.FollowUpSummary]:
    since, until = period_bounds(choice)
    async with request.app[keys.DB].transaction() as uow:
        summaries = await followup.followup_summaries(uow, since=since, until=until)
    if scope.is_everything:
        return summaries
    # Only the branch's own row: the first one adds up every branch.
    return [s for s in summaries[1:] if s.branch_code == scope.branch_code]


async def followups_page(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, None)
    summaries = await _followup_figures(request, scope, choice)
    async with request.app[keys.DB].transaction() as uow:
        names = await stats.names(uow)
    return pages_campaign.followups(request, summaries, names, scope, choice)


async def api_followups(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, None)
    summaries = await _followup_figures(request, scope, choice)
    return json_response({
        "scope": scope_json(scope),
        "period": plain(choice.period),
        "summaries": plain(summaries),
    })
