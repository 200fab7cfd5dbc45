"""Error responses: JSON for /api/ and the CSV, a short page for the rest. Never a traceback."""

from __future__ import annotations

from aiohttp import web

from bot.dashboard import keys
from bot.dashboard.html import el
from bot.dashboard.layout import page
from bot.i18n import N_, _

MESSAGES = {
    400: N_("Those filters cannot be used."),
    401: N_("Please log in."),
    403: N_("This form has expired or did not come from this dashboard. Reload the page and "
            "try again."),
    404: N_("This page does not exist."),
    405: N_("This page does not exist."),
    429: N_("Too many attempts. Try again later."),
    500: N_("Something went wrong on our side. It has been logged; try again later."),
}
# A branch account on a page for managers only (the 403 above is for forms).
MANAGERS_ONLY = N_("This page is for campaign managers only.")
CODES = {400: "bad_request", 401: "login_required", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 429: "too_many_requests", 500: "server_error"}


class ManagersOnly(Exception):
    """Raised by a handler when a branch account asks for a manager's page."""


def error_response(
    request: web.Request, status: int, detail: str | None = None, *, message: str | None = None
) -> web.Response:
    """``message``: a msgid instead of the status's usual one."""
    lang = keys.lang_of(request)
    message = _(message or MESSAGES.get(status, MESSAGES[500]), lang)
    if request.path.startswith("/api/") or request.path.endswith(".csv"):
        body: dict[str, str] = {"error": CODES.get(status, "error"), "message": message}
        if detail and status == 400:
            body["detail"] = detail
        return web.json_response(body, status=status)
    title = _("Error", lang)
    return page(
        request, title,
        el("p", message),
        el("p", detail, class_="muted") if detail and status == 400 else None,
        el("p", el("a", _("Back to the overview", lang), href="/ringkasan")),
        status=status,
    )
