"""Page, JSON and CSV handlers: read the filters, ask ``bot.stats`` once, render.

Each page has its JSON twin under ``/api/`` with the same figures and the same scope.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from typing import Any

from aiohttp import web

from bot import delivery_health, learning, stats
from bot.accounts import AccountView
from bot.dashboard import keys, pages
from bot.dashboard.export import leads_csv
from bot.dashboard.labels import topic_label
from bot.dashboard.params import PeriodChoice, parse_lead_filter, parse_period
from bot.dashboard.views_auth import redirect
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
    async with request.app[keys.DB].transaction() as uow:
        data = await stats.summary(uow, scope, now_of(request))
    return pages.overview(request, data, scope, await health_of(request, scope))


async def health_of(request: web.Request, scope: stats.Scope) -> delivery_health.DeliveryHealth:
    """Delivery per branch in scope (a branch account sees its own branch only)."""
    settings = request.app[keys.SETTINGS]
    async with request.app[keys.DB].transaction() as uow:
        return await delivery_health.delivery_health(
            uow, now_of(request), reminder_hours=settings.lead_reminder_hours,
            admin_group_id=settings.admin_group_id, branch_code=scope.branch_code,
        )


async def trend(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, TREND_DEFAULT_DAYS)
    assert choice.period is not None
    async with request.app[keys.DB].transaction() as uow:
        data = await stats.trend(uow, scope, choice.period)
    return pages.trend(request, data, scope, choice)


async def topics(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, TOPICS_DEFAULT_DAYS)
    assert choice.period is not None
    async with request.app[keys.DB].transaction() as uow:
        data = await stats.topics(uow, scope, choice.period)
    return pages.topics(request, data, scope, choice)


async def unanswered(request: web.Request) -> web.StreamResponse:
    scope, db = scope_of(request), request.app[keys.DB]
    async with db.transaction() as uow:
        groups = await stats.unanswered_groups(uow, scope)
    async with db.transaction() as uow:
        labels = await learning.labels_for(uow, [pages.label_key(g.text) for g in groups])
    return pages.unanswered(request, groups, scope, stats.UNANSWERED_WINDOW, labels,
                            can_label=account_of(request).is_manager,
                            result=request.query.get("hasil"))


async def label_unanswered(request: web.Request) -> web.StreamResponse:
    """A manager's topic for a missed question (and the other wordings of its group)."""
    account = manager_of(request)
    form = await request.post()
    question, topic = form.get("pertanyaan"), form.get("topik")
    if not isinstance(question, str) or topic not in learning.LABEL_TOPICS:
        return redirect("/tak-terjawab?hasil=invalid")
    assert isinstance(topic, str)
    wordings = [question, *(v for v in form.getall("varian", []) if isinstance(v, str))]
    saved = 0
    for text in dict.fromkeys(pages.label_key(w) for w in wordings):
        async with request.app[keys.DB].transaction() as uow:
            label = await learning.label_question(
                uow, text, topic, by=account.actor, now=now_of(request)
            )
        saved += label is not None
    return redirect(f"/tak-terjawab?hasil={'saved' if saved else 'gone'}")


async def leads(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, None)
    lead_filter = parse_lead_filter(request.query, scope, choice)
    db, hours = request.app[keys.DB], request.app[keys.SETTINGS].lead_reminder_hours
    async with db.transaction() as uow:
        data = await stats.lead_stats(uow, scope, lead_filter, now_of(request), hours)
    async with db.transaction() as uow:
        names = await stats.names(uow)
    async with db.transaction() as uow:
        waiting = await delivery_health.waiting_for_group(
            uow, [row.id for row in data.latest], request.app[keys.SETTINGS].admin_group_id
        )
    return pages.leads(request, data, names, scope, choice, hours, waiting)


async def leads_export(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, None)
    lead_filter = parse_lead_filter(request.query, scope, choice)
    db, hours = request.app[keys.DB], request.app[keys.SETTINGS].lead_reminder_hours
    now = now_of(request)
    async with db.transaction() as uow:
        rows = await stats.lead_rows(uow, scope, lead_filter, now, hours)
    async with db.transaction() as uow:
        body = leads_csv(rows, await stats.names(uow))
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
    async with request.app[keys.DB].transaction() as uow:
        data = await stats.summary(uow, scope, now_of(request))
    health = await health_of(request, scope)
    return json_response({"scope": scope_json(scope), **plain(data),
                          "delivery_health": health_json(health)})


def health_json(health: delivery_health.DeliveryHealth) -> dict[str, Any]:
    return {**plain(health), "unlinked": [b.branch_code for b in health.unlinked],
            "undelivered": health.undelivered, "overdue": health.overdue}


async def api_trend(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, TREND_DEFAULT_DAYS)
    assert choice.period is not None
    async with request.app[keys.DB].transaction() as uow:
        data = await stats.trend(uow, scope, choice.period)
    return json_response({
        "scope": scope_json(scope),
        "period": plain(data.period),
        "days": plain(data.points),
        "totals": {k: v for k, v in plain(data.totals).items() if k != "day"},
    })


async def api_topics(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, TOPICS_DEFAULT_DAYS)
    assert choice.period is not None
    async with request.app[keys.DB].transaction() as uow:
        data = await stats.topics(uow, scope, choice.period)
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
    scope, db = scope_of(request), request.app[keys.DB]
    async with db.transaction() as uow:
        groups = await stats.unanswered_groups(uow, scope)
    async with db.transaction() as uow:
        labels = await learning.labels_for(uow, [pages.label_key(g.text) for g in groups])
    return json_response({
        "scope": scope_json(scope),
        "window": stats.UNANSWERED_WINDOW,
        "groups": [
            {**plain(g), "label": _label_json(labels.get(pages.label_key(g.text)))}
            for g in groups
        ],
    })


def _label_json(label: learning.Label | None) -> dict[str, Any] | None:
    if label is None:
        return None
    return {"topic": label.topic, "by": label.labelled_by, "trained": label.trained,
            "at": plain(label.labelled_at)}


async def api_leads(request: web.Request) -> web.StreamResponse:
    scope, choice = scope_of(request), period_of(request, None)
    lead_filter = parse_lead_filter(request.query, scope, choice)
    db, hours = request.app[keys.DB], request.app[keys.SETTINGS].lead_reminder_hours
    async with db.transaction() as uow:
        data = await stats.lead_stats(uow, scope, lead_filter, now_of(request), hours)
    async with db.transaction() as uow:
        waiting = await delivery_health.waiting_for_group(
            uow, [row.id for row in data.latest], request.app[keys.SETTINGS].admin_group_id
        )
    body = plain(data)
    for row in body["latest"]:
        row["waiting_for_group"] = row["id"] in waiting
    return json_response({"scope": scope_json(scope), "filter": plain(lead_filter),
                          "reminder_hours": hours, **body})


def scope_json(scope: stats.Scope) -> dict[str, Any]:
    return {"branch_code": scope.branch_code}


def plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, datetime):
        return stats.campaign_time(value).isoformat()  # WIB, "+07:00", like the pages
    if isinstance(value, date):
        return value.isoformat()
    return value


def json_response(data: dict[str, Any]) -> web.Response:
    return web.json_response(data, dumps=lambda obj: json.dumps(obj, ensure_ascii=False))
