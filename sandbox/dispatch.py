"""The Bot API over HTTP: ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``.

Checks the token, finds the method (case-insensitively), counts the call, applies injected
faults, reads the parameters and wraps the result in Telegram's ``{"ok": ..., ...}`` envelope.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from aiohttp import web

from sandbox.botapi import METHODS
from sandbox.core import SANDBOX_KEY, Sandbox
from sandbox.errors import ApiError, method_not_found, unauthorized
from sandbox.faults import BAD_GATEWAY_PAGE
from sandbox.params import Params, read_params

log = logging.getLogger(__name__)


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        status=status,
        content_type="application/json",
    )


def _error(exc: ApiError) -> web.Response:
    return _json(exc.body(), exc.status)


def _chat_of(params: Params) -> int | None:
    """The chat a call is about, for faults aimed at one chat (None if absent or odd)."""
    try:
        return params.integer("chat_id")
    except ApiError:
        return None


async def _hang(sb: Sandbox, seconds: float) -> None:
    """A slow Telegram: wait (or until shutdown), then handle the call anyway."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(sb.closing.wait(), seconds)


async def bot_api(request: web.Request) -> web.Response:
    sb = request.app[SANDBOX_KEY]
    if request.match_info["token"] != sb.config.token:
        return _error(unauthorized())
    entry = METHODS.get(request.match_info["method"].lower())
    if entry is None:
        return _error(method_not_found())
    name, handler = entry
    sb.stats.call(name)
    try:
        # The body is read first: a fault is Telegram failing after it got the request.
        params = await read_params(request)
    except ApiError as exc:
        sb.stats.error(name, exc.status)
        return _error(exc)
    except ConnectionResetError:
        return _error(ApiError(400, "Bad Request: connection lost while reading the request"))
    rule = sb.faults.pick(name, _chat_of(params))
    if rule is not None:
        sb.stats.fault(name, rule.kind)
        if rule.kind == "timeout":
            await _hang(sb, rule.seconds)
        elif rule.kind == "502":
            # What nginx in front of the Bot API answers: HTML, not JSON.
            return web.Response(status=502, text=BAD_GATEWAY_PAGE, content_type="text/html")
        else:
            return _error(rule.error())
    try:
        result = await handler(sb, params)
    except ApiError as exc:
        sb.stats.error(name, exc.status)
        return _error(exc)
    except Exception:
        log.exception("sandbox bug while handling %s", name)
        sb.stats.error(name, 500)
        return _error(ApiError(500, "Internal Server Error"))
    return _json({"ok": True, "result": result})


async def download_file(request: web.Request) -> web.Response:
    sb = request.app[SANDBOX_KEY]
    if request.match_info["token"] != sb.config.token:
        return _error(unauthorized())
    stored = sb.world.file_paths.get(request.match_info["path"])
    if stored is None or stored.data is None:
        return _error(ApiError(404, "Not Found"))
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )
