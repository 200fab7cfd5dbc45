"""The dashboard's aiohttp application: ``create_app(settings, db)``.

Routes are in one table below; everything a handler needs is on ``app[...]`` (see ``keys``).
Serve it with ``python -m bot dashboard`` or mount it in another aiohttp server.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from aiohttp import web

from bot.accounts import LoginLimiter
from bot.clock import utcnow
from bot.dashboard import (
    keys,
    middlewares,
    views,
    views_account,
    views_auth,
    views_branches,
    views_broadcasts,
    views_campaign,
    views_health,
)
from bot.settings import Settings
from db.engine import Database

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static"


async def health(_request: web.Request) -> web.StreamResponse:
    return web.json_response({"ok": True})


async def favicon(_request: web.Request) -> web.StreamResponse:
    """Browsers ask for /favicon.ico whatever the page links: the same icon as the pages'."""
    return web.FileResponse(STATIC_DIR / "favicon.svg",
                            headers={"Content-Type": "image/svg+xml"})


# (method, path, handler, route name). Route names decide what needs a login (middlewares).
# A broadcast's id: 1-9 ASCII digits (no "١٢", nothing beyond the database's integer).
BROADCAST = "/siaran/{id:[0-9]{1,9}}"
LEAD = "/leads/{id:[0-9]{1,9}}"
ROUTES: tuple[tuple[str, str, Callable[[web.Request], object], str], ...] = (
    ("GET", "/login", views_auth.login_page, "login"),
    ("POST", "/login", views_auth.login_submit, "login_submit"),
    ("POST", "/logout", views_auth.logout, "logout"),
    ("GET", "/healthz", health, "health"),
    ("GET", "/favicon.ico", favicon, "favicon"),
    ("GET", "/akun", views_account.account_page, "account"),
    ("POST", "/akun/telegram", views_account.submit_telegram_id, "account_telegram"),
    ("GET", "/", views.home, "home"),
    ("GET", "/ringkasan", views.overview, "overview"),
    ("GET", "/tren", views.trend, "trend"),
    ("GET", "/topik", views.topics, "topics"),
    ("GET", "/tak-terjawab", views.unanswered, "unanswered"),
    ("POST", "/tak-terjawab/label", views.label_unanswered, "unanswered_label"),
    ("GET", "/leads", views.leads, "leads"),
    ("GET", "/leads.csv", views.leads_export, "leads_csv"),
    ("GET", LEAD, views_health.lead_page, "lead"),
    ("GET", "/api/ringkasan", views.api_overview, "api_overview"),
    ("GET", "/api/tren", views.api_trend, "api_trend"),
    ("GET", "/api/topik", views.api_topics, "api_topics"),
    ("GET", "/api/tak-terjawab", views.api_unanswered, "api_unanswered"),
    ("GET", "/api/leads", views.api_leads, "api_leads"),
    ("GET", "/api" + LEAD, views_health.api_lead, "api_lead"),
    # Campaign tools: Sumber and Siaran for managers only, Tiket and Tindak lanjut scoped.
    ("GET", "/sumber", views_campaign.sources_page, "sources"),
    ("GET", "/tiket", views_campaign.tickets_page, "tickets"),
    ("GET", "/tindak-lanjut", views_campaign.followups_page, "followups"),
    ("GET", "/siaran", views_broadcasts.broadcasts_page, "broadcasts"),
    ("GET", "/siaran/baru", views_broadcasts.new_broadcast, "broadcast_new"),
    ("POST", "/siaran/baru", views_broadcasts.submit_broadcast, "broadcast_form"),
    ("GET", BROADCAST, views_broadcasts.broadcast_page, "broadcast"),
    ("POST", BROADCAST + "/kirim", views_broadcasts.send_broadcast, "broadcast_send"),
    ("POST", BROADCAST + "/setujui", views_broadcasts.approve_broadcast, "broadcast_approve"),
    ("POST", BROADCAST + "/jeda", views_broadcasts.pause_broadcast, "broadcast_pause"),
    ("POST", BROADCAST + "/lanjut", views_broadcasts.resume_broadcast, "broadcast_resume"),
    ("POST", BROADCAST + "/batal", views_broadcasts.cancel_broadcast, "broadcast_cancel"),
    ("GET", "/api/sumber", views_campaign.api_sources, "api_sources"),
    ("GET", "/api/tiket", views_campaign.api_tickets, "api_tickets"),
    ("GET", "/api/tindak-lanjut", views_campaign.api_followups, "api_followups"),
    ("GET", "/api/siaran", views_broadcasts.api_broadcasts, "api_broadcasts"),
    ("GET", "/api/siaran/ukuran", views_broadcasts.api_audience, "api_audience"),
    ("GET", "/api" + BROADCAST, views_broadcasts.api_broadcast, "api_broadcast"),
    # Cabang: the branch directory, for managers only; every change is recorded.
    ("GET", "/cabang", views_branches.branches_page, "branches"),
    ("GET", views_branches.BRANCH, views_branches.branch_page, "branch"),
    ("POST", views_branches.BRANCH + "/ubah", views_branches.edit_branch, "branch_edit"),
    ("POST", views_branches.BRANCH + "/wilayah", views_branches.move_regency, "branch_move"),
    ("POST", views_branches.BRANCH + "/kode", views_branches.link_code, "branch_link_code"),
    ("GET", "/api/cabang", views_branches.api_branches, "api_branches"),
)


def create_app(
    settings: Settings,
    db: Database,
    *,
    clock: Callable[[], datetime] = utcnow,
    limiter: LoginLimiter | None = None,
) -> web.Application:
    app = web.Application(
        middlewares=[
            middlewares.errors,
            middlewares.language,
            middlewares.login_required,
            middlewares.csrf,
        ],
        client_max_size=64 * 1024,  # forms here are a few hundred bytes
    )
    app[keys.SETTINGS] = settings
    app[keys.DB] = db
    app[keys.CLOCK] = clock
    app[keys.LIMITER] = limiter or LoginLimiter()
    if settings.dashboard_secret_key:
        app[keys.SIGNING_KEY] = settings.dashboard_secret_key.encode()
    else:
        log.warning("DASHBOARD_SECRET_KEY is not set: using a random key for this process")
        app[keys.SIGNING_KEY] = secrets.token_bytes(32)
    for method, path, handler, name in ROUTES:
        app.router.add_route(method, path, handler, name=name)  # type: ignore[arg-type]
    app.router.add_static("/static", STATIC_DIR, name="static", append_version=False)
    app.on_response_prepare.append(middlewares.add_security_headers)
    return app
