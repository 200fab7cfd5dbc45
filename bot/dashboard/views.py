"""Page, JSON and CSV handlers: read the filters, ask ``bot.stats`` once, render.

Each page has its JSON twin under ``/api/`` with the same figures and the same scope.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from typing import Any

from aiohttp import web

from bot import stats
from bot.accounts import AccountView
from bot.dashboard import keys, pages
from bot.dashboard.export import leads_csv
from bot.dashboard.labels import topic_label
from bot.dashboard.params import PeriodChoice, parse_lead_filter, parse_period
from bot.dashboard.views_errors import ManagersOnly

TREND_DEFAULT_DAYS = 30
TOPICS_DEFAULT_DAYS = 30


def account_of(request: web.Request) -> AccountView:
    session = keys.session_of(request)
    if session is None:  # the login middleware lets no such request through
        raise web.HTTPUnauthorized()
    return session.account


def manager_of(request: web.Request) -> AccountView:
    """The logged-in manager; branch accounts get 403 (pages for managers only)."""
    account = account_of(request)
    if not account.is_manager:
        raise ManagersOnly()
    return account


def scope_of(request: web.Request) -> stats.Scope:
    account = account_of(request)
    if account.is_manager:
        return stats.EVERYTHING
    # A branch account without a branch code sees an empty branch, never everything.
    return stats.Scope(account.branch_code or "-")


def now_of(request: web.Request) -> datetime:
    return request.app[keys.CLOCK]()


def period_of(request: web.Request, default_days: int | None) -> PeriodChoice:
    return parse_period(request.query, stats.campaign_today(now_of(request)), default_days)


# --- pages ----------------------------------------------------------------------------------


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/ringkasan")


async def overview(request: web.Request) -> web.StreamResponse:
    scope = scope_of(request)
    data = await stats.summary(request.app[keys.DB], scope, now_of(request))
    return pages.overview(request, data, scope)


async def trend(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, TREND_DEFAULT_DAYS)
    assert choice.period is not None
    data = await stats.trend(request.app[keys.DB], scope, choice.period)
    return pages.trend(request, data, scope, choice)


async def topics(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, TOPICS_DEFAULT_DAYS)
    assert choice.period is not None
    data = await stats.topics(request.app[keys.DB], scope, choice.period)
    return pages.topics(request, data, scope, choice)


async def unanswered(request: web.Request) -> web.StreamResponse:
    scope = scope_of(request)
    groups = await stats.unanswered_groups(request.app[keys.DB], scope)
    return pages.unanswered(request, groups, scope, stats.UNANSWERED_WINDOW)


async def leads(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, None)
    lead_filter = parse_lead_filter(request.query, scope, choice)
    db, hours = request.app[keys.DB], request.app[keys.SETTINGS].lead_reminder_hours
    data = await stats.lead_stats(db, scope, lead_filter, now_of(request), hours)
    names = await stats.names(db)
    return pages.leads(request, data, names, scope, choice, hours)


async def leads_export(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, None)
    lead_filter = parse_lead_filter(request.query, scope, choice)
    db, hours = request.app[keys.DB], request.app[keys.SETTINGS].lead_reminder_hours
    now = now_of(request)
    rows = await stats.lead_rows(db, scope, lead_filter, now, hours)
    body = leads_csv(rows, await stats.names(db))
    filename = f"leads-{stats.campaign_today(now).isoformat()}.csv"
    return web.Response(
        body=body,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- JSON -----------------------------------------------------------------------------------


async def api_overview(request: web.Request) -> web.StreamResponse:
    scope = scope_of(request)
    data = await stats.summary(request.app[keys.DB], scope, now_of(request))
    return json_response({"scope": scope_json(scope), **plain(data)})


async def api_trend(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, TREND_DEFAULT_DAYS)
    assert choice.period is not None
    data = await stats.trend(request.app[keys.DB], scope, choice.period)
    return json_response({
        "scope": scope_json(scope),
        "period": plain(data.period),
        "days": plain(data.points),
        "totals": {k: v for k, v in plain(data.totals).items() if k != "day"},
    })


async def api_topics(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, TOPICS_DEFAULT_DAYS)
    assert choice.period is not None
    data = await stats.topics(request.app[keys.DB], scope, choice.period)
    lang = keys.lang_of(request)
    return json_response({
        "scope": scope_json(scope),
        "period": plain(choice.period),
        "topics": [
            {**plain(t), "title": topic_label(t.topic, lang), "answered_share": t.answered_share}
            for t in data
        ],
    })


async def api_unanswered(request: web.Request) -> web.StreamResponse:
    scope = scope_of(request)
    groups = await stats.unanswered_groups(request.app[keys.DB], scope)
    return json_response({"scope": scope_json(scope), "window": stats.UNANSWERED_WINDOW,
                          "groups": plain(groups)})


async def api_leads(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, None)
    lead_filter = parse_lead_filter(request.query, scope, choice)
    db, hours = request.app[keys.DB], request.app[keys.SETTINGS].lead_reminder_hours
    data = await stats.lead_stats(db, scope, lead_filter, now_of(request), hours)
    return json_response({"scope": scope_json(scope), "filter": plain(lead_filter),
                          "reminder_hours": hours, **plain(data)})


def scope_json(scope: stats.Scope) -> dict[str, Any]:
    return {"branch_code": scope.branch_code}


def plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def json_response(data: dict[str, Any]) -> web.Response:
    return web.json_response(data, dumps=lambda obj: json.dumps(obj, ensure_ascii=False))
