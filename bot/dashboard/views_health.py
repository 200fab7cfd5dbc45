"""The lead page and its JSON twin: one lead (never its name or phone) with its card's way to
a group (``bot.delivery_health``). A branch account sees only its own branch's leads; another
branch's lead is "not found", like a lead that does not exist."""

from __future__ import annotations

from aiohttp import web

from bot import delivery_health, stats
from bot.dashboard import keys, pages_health
from bot.dashboard.views import json_response, now_of, plain, scope_of


async def _lead(request: web.Request) -> delivery_health.LeadDelivery:
    settings = request.app[keys.SETTINGS]
    async with request.app[keys.DB].transaction() as uow:
        lead = await delivery_health.lead_delivery(
            uow, int(request.match_info["id"]), now_of(request),
            reminder_hours=settings.lead_reminder_hours, admin_group_id=settings.admin_group_id,
        )
    scope = scope_of(request)
    if lead is None or (scope.branch_code is not None and lead.branch_code != scope.branch_code):
        raise web.HTTPNotFound()
    return lead


async def lead_page(request: web.Request) -> web.StreamResponse:
    lead = await _lead(request)
    async with request.app[keys.DB].transaction() as uow:
        return pages_health.lead_page(request, lead, await stats.names(uow))


async def api_lead(request: web.Request) -> web.StreamResponse:
    lead = await _lead(request)
    waiting = lead.shown_status == delivery_health.WAITING_FOR_GROUP
    return json_response({**plain(lead), "card": lead.card.value, "waiting_for_group": waiting})
