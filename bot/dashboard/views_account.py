"""Akun: the logged-in account's own page, where it sets the Telegram id its broadcast
previews go to (before this page, only ``python -m bot akun telegram`` could).

Only the account itself is changed: the username comes from the session, never from the form.
"""

from __future__ import annotations

from aiohttp import web

from bot.accounts import AccountError, check_telegram_id, set_telegram_id
from bot.dashboard import keys
from bot.dashboard.html import Html, el
from bot.dashboard.layout import csrf_field, page
from bot.dashboard.views_auth import redirect
from bot.i18n import _

TELEGRAM_FIELD = "telegram_id"
MAX_ID_DIGITS = 16  # 2**52 has 16 digits


async def account_page(request: web.Request) -> web.StreamResponse:
    session = keys.session_of(request)
    if session is None:  # the login middleware lets no such request through
        raise web.HTTPUnauthorized()
    lang = keys.lang_of(request)
    account = session.account
    result = request.query.get("hasil")
    role = _("Manager", lang) if account.is_manager else _("Branch account", lang)
    facts: list[tuple[str, str]] = [
        (_("Username", lang), account.username), (_("Role", lang), role),
    ]
    if account.branch_code:
        branch = account.branch_name or account.branch_code
        facts.append((_("Branch", lang), f"{branch} ({account.branch_code})"))
    facts.append((_("Telegram id for previews", lang),
                  str(account.telegram_id) if account.telegram_id else _("not set", lang)))
    details = el("dl", [[el("dt", k), el("dd", v)] for k, v in facts], class_="facts")
    form = el(
        "form",
        csrf_field(session),
        el("label", _("Your Telegram user id", lang),
           el("input", type="text", name=TELEGRAM_FIELD, inputmode="numeric",
              pattern="[0-9]*", maxlength=MAX_ID_DIGITS, autocomplete="off",
              value=str(account.telegram_id) if account.telegram_id else "")),
        el("p", _("Broadcast previews you create are sent to this Telegram account before "
                  "anything goes to workers. Send /start to the bot first, then ask "
                  "@userinfobot for your id (a number). Leave empty to stop previews.", lang),
           class_="muted"),
        el("button", _("Save", lang), type="submit"),
        method="post", action="/akun/telegram", class_="login account",
    )
    return page(request, _("Your account", lang), _notice(result, lang), details, form)


def _notice(result: str | None, lang: str) -> Html | None:
    if result == "saved":
        return el("p", _("Saved.", lang), class_="notice", role="status")
    if result == "removed":
        return el("p", _("Previews are off until you set an id again.", lang), class_="notice",
                  role="status")
    if result == "invalid":
        return el("p", _("A Telegram user id is a positive number, like 123456789.", lang),
                  class_="alert", role="alert")
    return None


def parse_telegram_id(raw: object) -> int | None:
    """The id typed in the form; None for an empty field. ValueError when it is not an id."""
    if not isinstance(raw, str):
        raise ValueError("missing field")
    text = raw.strip()
    if not text:
        return None
    if len(text) > MAX_ID_DIGITS or not text.isascii() or not text.isdigit():
        raise ValueError("not a number")
    try:
        return check_telegram_id(int(text))
    except AccountError as error:
        raise ValueError(str(error)) from error


async def submit_telegram_id(request: web.Request) -> web.StreamResponse:
    session = keys.session_of(request)
    if session is None:
        raise web.HTTPUnauthorized()
    form = await request.post()
    try:
        telegram_id = parse_telegram_id(form.get(TELEGRAM_FIELD))
    except ValueError:
        return redirect("/akun?hasil=invalid")
    async with request.app[keys.DB].transaction() as uow:
        await set_telegram_id(uow, session.account.username, telegram_id)
    return redirect("/akun?hasil=" + ("saved" if telegram_id is not None else "removed"))
