"""The page shell (head, navigation, language switch, logout) and small shared pieces."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from aiohttp import web

from bot.accounts import SessionView
from bot.dashboard import keys
from bot.dashboard.html import Html, el, join
from bot.dashboard.security import CSRF_FIELD
from bot.i18n import N_, _

# (route name, path, label, managers only): the pages in the order of the navigation bar.
NAVIGATION: tuple[tuple[str, str, str, bool], ...] = (
    ("overview", "/ringkasan", N_("Overview"), False),
    ("trend", "/tren", N_("Trends"), False),
    ("topics", "/topik", N_("Topics"), False),
    ("unanswered", "/tak-terjawab", N_("Unanswered"), False),
    ("leads", "/leads", N_("Leads"), False),
    ("sources", "/sumber", N_("Sources"), True),
    ("tickets", "/tiket", N_("Tickets"), False),
    ("followups", "/tindak-lanjut", N_("Follow-ups"), False),
    ("broadcasts", "/siaran", N_("Broadcasts"), True),
    ("branches", "/cabang", N_("Branches"), True),
)
# Pages under a navigation entry: route name -> the entry's route name.
SUBPAGES = {"broadcast": "broadcasts", "broadcast_new": "broadcasts",
            "broadcast_form": "broadcasts", "branch": "branches", "branch_edit": "branches",
            "branch_move": "branches", "branch_link_code": "branches"}
STYLESHEET = "/static/dashboard.css"
FAVICON = "/static/favicon.svg"


def page(
    request: web.Request, title: str, *content: object, status: int = 200,
    refresh: str | None = None,
) -> web.Response:
    """``refresh``: reload the page after that many seconds (``"10; url=/siaran/3"``), for
    progress that moves while the manager watches (the CSP allows no script)."""
    lang = keys.lang_of(request)
    session = keys.session_of(request)
    body = join(
        _header(request, session, lang) if session is not None else _bare_header(request, lang),
        el("main", el("h1", title), *content),
        el("footer", _("Bebas Cemas · BPJS Ketenagakerjaan campaign dashboard", lang)),
    )
    document = join(
        Html("<!doctype html>"),
        el(
            "html",
            el(
                "head",
                el("meta", charset="utf-8"),
                el("meta", name="viewport", content="width=device-width, initial-scale=1"),
                el("meta", name="robots", content="noindex, nofollow"),
                el("meta", http_equiv="refresh", content=refresh) if refresh else None,
                el("title", f"{title} · Bebas Cemas"),
                el("link", rel="stylesheet", href=STYLESHEET),
                el("link", rel="icon", href=FAVICON, type="image/svg+xml"),
            ),
            el("body", body),
            lang=lang,
        ),
    )
    return web.Response(text=document, content_type="text/html", charset="utf-8", status=status)


def _header(request: web.Request, session: SessionView, lang: str) -> Html:
    current = request.match_info.route.name
    current = SUBPAGES.get(current or "", current)
    account = session.account
    links = [
        el("a", _(label, lang), href=path, aria_current="page" if name == current else None)
        for name, path, label, managers_only in NAVIGATION
        if account.is_manager or not managers_only
    ]
    if account.branch_code:
        who = _("{user} · {branch}", lang, user=account.username,
                branch=account.branch_name or account.branch_code)
    else:
        who = _("{user} · manager", lang, user=account.username)
    logout = el(
        "form",
        csrf_field(session),
        el("button", _("Log out", lang), type="submit", class_="link"),
        method="post", action="/logout", class_="logout",
    )
    return el(
        "header",
        el("div", el("a", "Bebas Cemas", href="/ringkasan", class_="brand"),
           el("a", who, href="/akun", class_="who",
              aria_current="page" if current == "account" else None,
              title=_("Your account", lang)),
           el("span", _("Times in WIB (Asia/Jakarta, UTC+7)", lang), class_="tz"),
           _language_switch(request, lang), logout, class_="bar"),
        # Scrolls sideways on a phone, with a fade on the side where links are hidden (CSS).
        el("nav", links, aria_label=_("Dashboard pages", lang)),
        class_="top",
    )


def _bare_header(request: web.Request, lang: str) -> Html:
    return el("header", el("div", el("span", "Bebas Cemas", class_="brand"),
                           _language_switch(request, lang), class_="bar"), class_="top")


def _language_switch(request: web.Request, lang: str) -> Html:
    other, label = ("en", "English") if lang == "id" else ("id", "Bahasa Indonesia")
    query = {k: v for k, v in request.query.items() if k != "lang"} | {"lang": other}
    return el("a", label, href=f"{request.path}?{urlencode(query)}", class_="lang",
              hreflang=other, lang=other)


# --- shared pieces --------------------------------------------------------------------------


def csrf_field(session: SessionView) -> Html:
    """The session's token, in every form that posts (see ``middlewares.csrf``)."""
    return el("input", type="hidden", name=CSRF_FIELD, value=session.csrf_token)


def kpi(
    key: str, label: str, value: int | float | None, shown: str, note: str = "",
    *, warn: bool = False,
) -> Html:
    """One headline figure; ``data-value`` carries it unformatted for scripts and tests."""
    return el(
        "div",
        el("span", label, class_="label"),
        el("strong", shown, class_="value"),
        el("span", note, class_="note") if note else None,
        class_="kpi warn" if warn else "kpi",
        data_kpi=key,
        data_value="" if value is None else value,
    )


def table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, numeric: Sequence[int] = (),
    row_classes: Sequence[str | None] | None = None, caption: str | None = None,
    css: str | None = None,
) -> Html:
    head = el("thead", el("tr", [
        el("th", h, scope="col", class_="num" if i in numeric else None)
        for i, h in enumerate(headers)
    ]))
    body = el("tbody", [
        el("tr", [el("td", cell, class_="num" if i in numeric else None)
                  for i, cell in enumerate(row)],
           class_=row_classes[n] if row_classes else None)
        for n, row in enumerate(rows)
    ])
    return el("div", el("table", el("caption", caption) if caption else None, head, body,
                        class_=css), class_="scroll")


def select(name: str, label: str, options: Sequence[tuple[str, str]], chosen: str) -> Html:
    return el("label", label, el("select", [
        el("option", text, value=value, selected=value == chosen) for value, text in options
    ], name=name))


def query_url(path: str, query: Mapping[str, str]) -> str:
    present = {k: v for k, v in query.items() if v}
    return f"{path}?{urlencode(present)}" if present else path


def empty(text: str) -> Html:
    return el("p", text, class_="empty")
