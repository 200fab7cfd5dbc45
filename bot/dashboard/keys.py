"""Typed keys for what the application and each request carry (no module-level state)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from bot.accounts import LoginLimiter, SessionView
from bot.settings import Settings
from db.engine import Database

SETTINGS = web.AppKey("settings", Settings)
DB = web.AppKey("db", Database)
LIMITER = web.AppKey("limiter", LoginLimiter)
SIGNING_KEY = web.AppKey("signing_key", bytes)
CLOCK: web.AppKey[Callable[[], datetime]] = web.AppKey("clock")

# Per request (request[...]): set by the middlewares before the handler runs.
SESSION: web.RequestKey[SessionView | None] = web.RequestKey("dashboard.session")
LANG = web.RequestKey("dashboard.lang", str)  # "id" or "en"
SESSION_TOKEN = web.RequestKey("dashboard.token", str)  # the raw cookie token, for logout


def session_of(request: web.Request) -> SessionView | None:
    return request.get(SESSION)


def lang_of(request: web.Request) -> str:
    return request.get(LANG, "id")
