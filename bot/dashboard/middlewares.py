"""Middlewares, outermost first: errors → language → login → CSRF. Security headers are added
to every response (errors and aiohttp's own 404s included) by :func:`add_security_headers`."""

from __future__ import annotations

import hmac
import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.accounts import session_for
from bot.dashboard import keys
from bot.dashboard.params import BadFilter
from bot.dashboard.security import (
    CSRF_FIELD,
    LANG_COOKIE,
    LOGIN_COOKIE,
    SECURITY_HEADERS,
    SESSION_COOKIE,
    is_https,
    login_token_valid,
    same_origin,
    set_cookie,
)
from bot.dashboard.views_auth import login_form
from bot.dashboard.views_errors import MANAGERS_ONLY, ManagersOnly, error_response
from bot.i18n import SUPPORTED_LANGUAGES, _

log = logging.getLogger(__name__)

# Routes anyone may open: the login form and the stylesheet it needs.
PUBLIC_ROUTES = frozenset({"login", "login_submit", "static", "health", "favicon"})
LOGIN_SUBMIT = "login_submit"


def wants_json(request: web.Request) -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".csv")


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPRedirection:
        raise
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return error_response(request, error.status, error.text if error.text else None)
    except BadFilter as error:
        return error_response(request, 400, str(error))
    except ManagersOnly:
        return error_response(request, 403, message=MANAGERS_ONLY)
    except Exception:
        # Logged once, with the route but not the query string or form (no personal data).
        route = request.match_info.route.name or "?"
        log.exception("dashboard: unexpected error in %s %s", request.method, route)
        return error_response(request, 500)


@web.middleware
async def language(request: web.Request, handler: Handler) -> web.StreamResponse:
    chosen = request.query.get("lang")
    if chosen in SUPPORTED_LANGUAGES:
        request[keys.LANG] = chosen
    else:
        cookie = request.cookies.get(LANG_COOKIE)
        request[keys.LANG] = cookie if cookie in SUPPORTED_LANGUAGES else "id"
    response = await handler(request)
    if chosen in SUPPORTED_LANGUAGES:
        set_cookie(response, request, LANG_COOKIE, chosen, max_age=365 * 24 * 3600)
    return response


@web.middleware
async def login_required(request: web.Request, handler: Handler) -> web.StreamResponse:
    token = request.cookies.get(SESSION_COOKIE, "")
    session = None
    if token:
        async with request.app[keys.DB].transaction() as uow:
            session = await session_for(uow, token, request.app[keys.CLOCK]())
    request[keys.SESSION] = session
    request[keys.SESSION_TOKEN] = token
    route = request.match_info.route.name
    if session is None and route is not None and route not in PUBLIC_ROUTES:
        if wants_json(request):
            return error_response(request, 401)
        raise web.HTTPSeeOther("/login")
    return await handler(request)


@web.middleware
async def csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every form post carries a token the attacker's page cannot know: the session's for
    logged-in forms, the signed login-cookie's for the login form. The browser's Origin header
    must also name this site when it sends one."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return await handler(request)
    form = await request.post()
    token = form.get(CSRF_FIELD)
    token = token if isinstance(token, str) else ""
    if request.match_info.route.name == LOGIN_SUBMIT:
        cookie = request.cookies.get(LOGIN_COOKIE, "")
        valid = login_token_valid(request.app[keys.SIGNING_KEY], token, cookie)
    else:
        session = keys.session_of(request)
        valid = session is not None and hmac.compare_digest(
            token.encode(), session.csrf_token.encode()
        )
    if not valid or not same_origin(request):
        log.info("dashboard: form refused (CSRF token or origin)")
        if request.match_info.route.name == LOGIN_SUBMIT:
            # Usually a login page left open too long: show the form again, with a new token.
            lang = keys.lang_of(request)
            return login_form(request, status=403, message=_(
                "The form had expired. Please log in again.", lang))
        return error_response(request, 403)
    return await handler(request)


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)
    if is_https(request):
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.match_info.route.name != "static":
        # Figures and leads must not linger in shared caches or the browser's history cache.
        response.headers["Cache-Control"] = "no-store"
