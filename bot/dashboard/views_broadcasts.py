"""Siaran: broadcasts from the dashboard, for managers only (``bot.broadcasts`` does the work).

A manager writes the message and picks the segment on ``/siaran/baru``; "Count" shows how many
workers it reaches, "Create" saves a draft whose preview goes to the manager's own Telegram
(the account's ``telegram_id``, set with ``python -m bot akun telegram``). The detail page
``/siaran/<id>`` shows its progress and the next steps as POST forms (CSRF token): send, the
second manager's approval above ``BROADCAST_APPROVAL_THRESHOLD``, pause, resume, cancel. Each
action redirects back with ``?hasil=<what happened>``. The form may schedule the broadcast
(``jadwal``, WIB) and force it through the quiet hours (``paksa``). Records name the account as
``akun:<username>``, so the second approval cannot come from the creator or the requester.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import Protocol

from aiohttp import web

from bot import broadcasts, sources, stats
from bot.dashboard import keys, pages_broadcasts
from bot.dashboard import labels as fmt
from bot.dashboard.pages_broadcasts import (
    ACTION_FIELD,
    BUTTON_TEXT_FIELD,
    BUTTON_URL_FIELD,
    CREATE,
    FORCE_FIELD,
    SCHEDULE_FIELD,
    TEXT_FIELD,
    Draft,
    SegmentChoices,
)
from bot.dashboard.params import parse_result, parse_segment
from bot.dashboard.views import json_response, manager_of, now_of, plain
from bot.dashboard.views_auth import redirect
from bot.i18n import SUPPORTED_LANGUAGES
from bot.quiet_hours import parse_local
from bot.settings import Settings
from bot.vocabulary import OCCUPATIONS
from db.engine import UnitOfWork


async def broadcasts_page(request: web.Request) -> web.StreamResponse:
    manager_of(request)
    settings = request.app[keys.SETTINGS]
    async with request.app[keys.DB].transaction() as uow:
        views = await broadcasts.list_broadcasts(uow, settings, now_of(request))
    return pages_broadcasts.broadcast_list(request, views, await _choices(request))


async def api_broadcasts(request: web.Request) -> web.StreamResponse:
    manager_of(request)
    settings = request.app[keys.SETTINGS]
    async with request.app[keys.DB].transaction() as uow:
        views = await broadcasts.list_broadcasts(uow, settings, now_of(request))
    return json_response({
        "approval_threshold": settings.broadcast_approval_threshold,
        "broadcasts": [_view_json(view) for view in views],
    })


async def new_broadcast(request: web.Request) -> web.StreamResponse:
    """The empty form; a segment in the query string (codes only) is filled in."""
    account = manager_of(request)
    choices = await _choices(request)
    segment = parse_segment(request.query, choices.codes)
    async with request.app[keys.DB].transaction() as uow:
        size = await broadcasts.audience_size(uow, segment)
    return pages_broadcasts.broadcast_form(request, account, choices, Draft(), segment, size,
                                           quiet_hours=_quiet(request))


async def submit_broadcast(request: web.Request) -> web.StreamResponse:
    """"Count" shows the form again with the audience; "Create" saves the draft."""
    account = manager_of(request)
    form = await request.post()
    choices = await _choices(request)
    segment = parse_segment(form, choices.codes)
    draft = Draft(_text(form.get(TEXT_FIELD)), _text(form.get(BUTTON_TEXT_FIELD)),
                  _text(form.get(BUTTON_URL_FIELD)), _text(form.get(SCHEDULE_FIELD)),
                  force=_text(form.get(FORCE_FIELD)) in ("1", "on"))
    db = request.app[keys.DB]
    error = None
    if form.get(ACTION_FIELD) == CREATE:
        if account.telegram_id is None:
            error = pages_broadcasts.NO_TELEGRAM
        else:
            try:
                async with db.transaction() as uow:
                    view = await broadcasts.create_broadcast(
                        uow, request.app[keys.SETTINGS], text=draft.text, segment=segment,
                        created_by=account.actor, preview_chat_id=account.telegram_id,
                        now=now_of(request), button_text=draft.button_text or None,
                        button_url=draft.button_url or None,
                        scheduled_at=_schedule(draft.schedule), force=draft.force,
                    )
            except broadcasts.BroadcastError as refused:
                error = refused.code
            else:
                return redirect(f"/siaran/{view.id}?hasil=created")
    async with db.transaction() as uow:
        size = await broadcasts.audience_size(uow, segment)
    return pages_broadcasts.broadcast_form(request, account, choices, draft, segment, size,
                                           error=error, status=400 if error else 200,
                                           quiet_hours=_quiet(request))


async def api_audience(request: web.Request) -> web.StreamResponse:
    """How many workers a segment reaches now: ``/api/siaran/ukuran?provinsi=ID-JI&...``."""
    manager_of(request)
    segment = parse_segment(request.query, (await _choices(request)).codes)
    async with request.app[keys.DB].transaction() as uow:
        size = await broadcasts.audience_size(uow, segment)
    return json_response({"segment": segment.to_json(), "audience_size": size})


async def broadcast_page(request: web.Request) -> web.StreamResponse:
    account = manager_of(request)
    view = await _broadcast(request)
    result = parse_result(request.query, pages_broadcasts.RESULTS)
    threshold = request.app[keys.SETTINGS].broadcast_approval_threshold
    return pages_broadcasts.broadcast_detail(request, view, account, await _choices(request),
                                             result, threshold, _quiet(request))


async def api_broadcast(request: web.Request) -> web.StreamResponse:
    manager_of(request)
    return json_response(_view_json(await _broadcast(request)))


# --- actions (POST, CSRF-checked by the middleware) ------------------------------------------


async def send_broadcast(request: web.Request) -> web.StreamResponse:
    return await _decide(request, broadcasts.request_send)


async def approve_broadcast(request: web.Request) -> web.StreamResponse:
    return await _decide(request, broadcasts.approve)


async def pause_broadcast(request: web.Request) -> web.StreamResponse:
    manager_of(request)
    async with request.app[keys.DB].transaction() as uow:
        done = await broadcasts.set_paused(uow, broadcast_id=_id(request),
                                           paused=True)
    return _back(request, "paused" if done else "wrong_status")


async def resume_broadcast(request: web.Request) -> web.StreamResponse:
    manager_of(request)
    async with request.app[keys.DB].transaction() as uow:
        done = await broadcasts.set_paused(uow, broadcast_id=_id(request),
                                           paused=False)
    return _back(request, "resumed" if done else "wrong_status")


async def cancel_broadcast(request: web.Request) -> web.StreamResponse:
    manager_of(request)
    async with request.app[keys.DB].transaction() as uow:
        done = await broadcasts.cancel(uow, broadcast_id=_id(request),
                                       now=now_of(request))
    return _back(request, "cancelled" if done else "wrong_status")


async def _decide(request: web.Request, step: _Step) -> web.StreamResponse:
    account = manager_of(request)
    async with request.app[keys.DB].transaction() as uow:
        decision = await step(uow, request.app[keys.SETTINGS],
                              broadcast_id=_id(request), by=account.actor, now=now_of(request))
    if decision == broadcasts.Decision.NOT_FOUND:
        raise web.HTTPNotFound()
    return _back(request, decision.value)


def _back(request: web.Request, result: str) -> web.Response:
    return redirect(f"/siaran/{_id(request)}?hasil={result}")


# --- helpers --------------------------------------------------------------------------------


class _Step(Protocol):
    """``broadcasts.request_send`` or ``broadcasts.approve``."""

    def __call__(self, uow: UnitOfWork, settings: Settings, *, broadcast_id: int, by: str,
                 now: datetime) -> Awaitable[broadcasts.Decision]: ...


def _id(request: web.Request) -> int:
    # The route allows 1-9 ASCII digits only: always an int the database's column holds.
    return int(request.match_info["id"])


async def _broadcast(request: web.Request) -> broadcasts.BroadcastView:
    async with request.app[keys.DB].transaction() as uow:
        view = await broadcasts.get_broadcast(uow, request.app[keys.SETTINGS],
                                              _id(request), now_of(request))
    if view is None:
        raise web.HTTPNotFound()
    return view


async def _choices(request: web.Request) -> SegmentChoices:
    """What the segment form offers, with labels in the manager's language."""
    lang, db = keys.lang_of(request), request.app[keys.DB]
    async with db.transaction() as uow:
        names = await stats.names(uow)
    by_name = lambda items: sorted(items, key=lambda item: item[1])  # noqa: E731
    async with db.transaction() as uow:
        return SegmentChoices({
            "provinces": by_name(names.provinces.items()),
            "branches": by_name(names.branches.items()),
            "occupations": [(code, fmt.occupation_label(code, lang))
                            for code in OCCUPATIONS],
            "languages": [(code, fmt.language_label(code, lang)) for code in SUPPORTED_LANGUAGES],
            "sources": [(s.code, f"{s.code} · {s.description}" if s.description else s.code)
                        for s in await sources.list_sources(uow)],
            "lead_statuses": [(code, pages_broadcasts.lead_status_label(code, lang))
                              for code in broadcasts.LEAD_STATUS_CHOICES],
        })


def _schedule(raw: str) -> datetime | None:
    """The form's ``jadwal`` (WIB); empty: none."""
    if not raw.strip():
        return None
    try:
        return parse_local(raw)
    except ValueError:
        raise broadcasts.BroadcastError("not a date and time", "schedule_format") from None


def _quiet(request: web.Request) -> str:
    return request.app[keys.SETTINGS].broadcast_quiet_hours.text


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _view_json(view: broadcasts.BroadcastView) -> dict[str, object]:
    # The preview's chat is its creator's own Telegram id: nothing the figures need.
    return {k: v for k, v in plain(view).items() if k != "preview_chat_id"}
