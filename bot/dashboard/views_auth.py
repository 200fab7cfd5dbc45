"""Logging in and out.

One message for every failed login, unknown username or wrong password alike, and the same
work behind both (``bot.accounts.authenticate``), so the form cannot be used to find accounts.
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.accounts import end_session, start_session
from bot.dashboard import keys
from bot.dashboard.html import el
from bot.dashboard.layout import page
from bot.dashboard.login import authenticate
from bot.dashboard.security import (
    CSRF_FIELD,
    LOGIN_COOKIE,
    LOGIN_TOKEN_SECONDS,
    SESSION_COOKIE,
    new_login_token,
    set_cookie,
)
from bot.i18n import _

log = logging.getLogger(__name__)


async def login_page(request: web.Request) -> web.StreamResponse:
    if keys.session_of(request) is not None:
        raise web.HTTPSeeOther("/ringkasan")
    return login_form(request)


def login_form(
    request: web.Request, *, message: str | None = None, status: int = 200, username: str = ""
) -> web.Response:
    """The form with a fresh CSRF token, bound to this browser by a signed cookie."""
    lang = keys.lang_of(request)
    token, cookie = new_login_token(request.app[keys.SIGNING_KEY])
    form = el(
        "form",
        el("p", message, class_="alert", role="alert") if message else None,
        el("input", type="hidden", name=CSRF_FIELD, value=token),
        el("label", _("Username", lang),
           el("input", name="username", value=username, autocomplete="username", required=True,
              autocapitalize="none", spellcheck="false", maxlength=60)),
        el("label", _("Password", lang),
           el("input", name="password", type="password", autocomplete="current-password",
              required=True, maxlength=256)),
        el("button", _("Log in", lang), type="submit"),
        method="post", action="/login", class_="login",
    )
    response = page(request, _("Campaign dashboard", lang), form, status=status)
    set_cookie(response, request, LOGIN_COOKIE, cookie, path="/login",
               max_age=LOGIN_TOKEN_SECONDS, same_site="Strict")
    return response


async def login_submit(request: web.Request) -> web.StreamResponse:
    lang = keys.lang_of(request)
    form = await request.post()
    username = str(form.get("username", ""))[:100]
    password = str(form.get("password", ""))
    limiter = request.app[keys.LIMITER]
    address = request.remote or "?"
    wait = limiter.retry_after(username, address)
    if wait:
        log.warning("dashboard: login attempts rate-limited")
        minutes = max(1, round(wait / 60))
        return login_form(
            request, status=429, username=username,
            message=_("Too many failed attempts. Try again in {minutes} min.", lang,
                      minutes=minutes),
        )
    now = request.app[keys.CLOCK]()
    account = await authenticate(request.app[keys.DB], username, password, now)
    if account is None:
        limiter.failed(username, address)
        log.info("dashboard: failed login")
        return login_form(
            request, status=401, username=username,
            message=_("Wrong username or password.", lang),
        )
    limiter.succeeded(username)
    previous = request.get(keys.SESSION_TOKEN, "")
    if previous:
        # A login replaces whatever session this browser had: one live token per browser.
        async with request.app[keys.DB].transaction() as uow:
            await end_session(uow, previous)
    settings = request.app[keys.SETTINGS]
    async with request.app[keys.DB].transaction() as uow:
        session = await start_session(
            uow, account, now, settings.dashboard_session_hours
        )
    log.info("dashboard: login, account %d (%s)", account.id, account.role)
    response = redirect("/ringkasan")
    # No Max-Age: the cookie ends with the browser; the server ends the session in any case.
    set_cookie(response, request, SESSION_COOKIE, session.token, same_site="Lax")
    response.del_cookie(LOGIN_COOKIE, path="/login")
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    token = request.get(keys.SESSION_TOKEN, "")
    if token:
        async with request.app[keys.DB].transaction() as uow:
            await end_session(uow, token)
    response = redirect("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


def redirect(location: str) -> web.Response:
    """303: the browser follows with a GET, so reloading the next page never re-posts."""
    return web.Response(status=303, headers={"Location": location})
