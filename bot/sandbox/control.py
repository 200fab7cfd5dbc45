"""The control API under ``/sandbox/api``: what tests, benchmarks and the web page use to play
the people on the Telegram side and to look at what the bot did.

Requests and answers are plain JSON (not Bot API envelopes); mistakes answer 4xx with
``{"error": "..."}``. Long polls (``wait``, ``wait-edit``, ``changes``, ``callbacks``) return as
soon as their condition holds, so tests never sleep.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from aiohttp import web

from bot.sandbox import actions
from bot.sandbox.botapi import bot_json
from bot.sandbox.core import SANDBOX_KEY, Sandbox
from bot.sandbox.errors import ControlError
from bot.sandbox.state import JSON, Chat

MAX_WAIT_S = 120.0


def _sb(request: web.Request) -> Sandbox:
    return request.app[SANDBOX_KEY]


def _ok(data: Any) -> web.Response:
    return web.Response(
        text=json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        content_type="application/json",
    )


async def _body(request: web.Request) -> JSON:
    if not request.body_exists:
        return {}
    try:
        body = await request.json()
    except ValueError as exc:
        raise ControlError("the body must be JSON") from exc
    if not isinstance(body, dict):
        raise ControlError("the body must be a JSON object")
    return body


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ControlError(f"{name} must be an integer") from None


def _opt_int(value: Any, name: str) -> int | None:
    return None if value is None or value == "" else _int(value, name)


def _float(value: Any, name: str, default: float) -> float:
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ControlError(f"{name} must be a number") from None


def _flag(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True", "yes")


def _timeout(request: web.Request, default: float) -> float:
    return min(max(_float(request.query.get("timeout"), "timeout", default), 0.0), MAX_WAIT_S)


def _chat(request: web.Request) -> Chat:
    return _sb(request).world.chat(_int(request.match_info["chat_id"], "chat_id"))


# --- lifecycle and configuration --------------------------------------------------------


async def reset(request: web.Request) -> web.Response:
    body = await _body(request)
    _sb(request).reset(everything=_flag(body.get("everything")))
    return _ok({"reset": True})


async def bot_info(request: web.Request) -> web.Response:
    sb = _sb(request)
    return _ok(
        {
            "bot": bot_json(sb),
            "mode": "webhook" if sb.webhook is not None else "polling",
            "webhook": sb.webhook_info(),
            "pending_updates": len(sb.updates.pending),
            "rate_limits": {"enabled": sb.limiter.enabled, **vars(sb.limiter.config)},
            "group_privacy": sb.config.group_privacy,
            "database": sb.config.database,
            "demo": sb.config.demo.to_json() if sb.config.demo is not None else None,
        }
    )


async def set_rate_limits(request: web.Request) -> web.Response:
    body = await _body(request)
    sb = _sb(request)
    enabled = _flag(body.pop("enabled", sb.limiter.enabled))
    known = set(vars(sb.limiter.config))
    unknown = set(body) - known
    if unknown:
        raise ControlError(f"unknown rate limit settings {sorted(unknown)}; known: {sorted(known)}")
    overrides = {name: _float(value, name, 0.0) for name, value in body.items()}
    sb.limiter.configure(enabled, **overrides)
    return _ok({"enabled": sb.limiter.enabled, **vars(sb.limiter.config)})


async def stats(request: web.Request) -> web.Response:
    return _ok(_sb(request).stats.snapshot())


async def reset_stats(request: web.Request) -> web.Response:
    _sb(request).stats.reset()
    return _ok({"reset": True})


async def add_fault(request: web.Request) -> web.Response:
    body = await _body(request)
    kind = str(body.get("kind", body.get("status", "500")))
    rule = _sb(request).faults.add(
        str(body.get("method", "*")),
        kind,
        times=_opt_int(body.get("times", 1), "times"),
        fraction=None if body.get("fraction") is None else _float(body["fraction"], "fraction", 0),
        seconds=_float(body.get("seconds"), "seconds", 30.0),
        retry_after=_int(body.get("retry_after", 5), "retry_after"),
        description=body.get("description"),
        chat_id=_opt_int(body.get("chat_id"), "chat_id"),
    )
    return _ok(vars(rule))


async def list_faults(request: web.Request) -> web.Response:
    sb = _sb(request)
    return _ok({"rules": sb.faults.describe(), "fired": dict(sb.stats.faults)})


async def clear_faults(request: web.Request) -> web.Response:
    _sb(request).faults.clear()
    return _ok({"cleared": True})


async def webhook_info(request: web.Request) -> web.Response:
    return _ok(_sb(request).webhook_info())


# --- people and groups ------------------------------------------------------------------


async def create_user(request: web.Request) -> web.Response:
    body = await _body(request)
    user = _sb(request).world.add_user(
        str(body.get("first_name") or "Pekerja"),
        user_id=_opt_int(body.get("id", body.get("user_id")), "id"),
        last_name=body.get("last_name"),
        username=body.get("username"),
        language_code=body.get("language_code"),
    )
    return _ok(user.control_json())


async def list_users(request: web.Request) -> web.Response:
    return _ok([user.control_json() for user in _sb(request).world.users.values()])


async def get_user(request: web.Request) -> web.Response:
    user_id = _int(request.match_info["user_id"], "user_id")
    return _ok(_sb(request).world.user(user_id).control_json())


async def block_bot(request: web.Request) -> web.Response:
    user_id = _int(request.match_info["user_id"], "user_id")
    return _ok(actions.set_blocked(_sb(request), user_id, True).to_json())


async def unblock_bot(request: web.Request) -> web.Response:
    user_id = _int(request.match_info["user_id"], "user_id")
    return _ok(actions.set_blocked(_sb(request), user_id, False).to_json())


async def create_group(request: web.Request) -> web.Response:
    body = await _body(request)
    chat = actions.create_group(
        _sb(request),
        str(body.get("title") or "Staff group"),
        chat_id=_opt_int(body.get("id", body.get("chat_id")), "id"),
        kind=str(body.get("type", "supergroup")),
        members=[_int(uid, "members") for uid in body.get("members", [])],
        admins=[_int(uid, "admins") for uid in body.get("admins", [])],
        bot_status="administrator"
        if _flag(body.get("bot_is_admin"))
        else str(body.get("bot_status", "member")),
    )
    return _ok(chat.control_json())


async def add_member(request: web.Request) -> web.Response:
    body = await _body(request)
    sent = actions.add_member(
        _sb(request),
        _int(request.match_info["chat_id"], "chat_id"),
        _int(body.get("user_id"), "user_id"),
        str(body.get("status", "member")),
    )
    return _ok(sent.to_json())


async def set_bot_status(request: web.Request) -> web.Response:
    body = await _body(request)
    chat_id = _int(request.match_info["chat_id"], "chat_id")
    sent = actions.set_bot_status(_sb(request), chat_id, str(body.get("status", "member")))
    return _ok(sent.to_json())


# --- what people send -------------------------------------------------------------------


def _content(sb: Sandbox, kind: str, body: JSON, user_id: int) -> tuple[JSON, JSON | None]:
    """The message content for ``kind``, and a forward_origin for forwards."""
    if kind == "text":
        return actions.text_content(str(body.get("text") or "")), None
    if kind == "contact":
        if body.get("own", True) is not False and "first_name" not in body:
            return actions.own_contact(sb, user_id, body.get("phone_number")), None
        return actions.contact_content(
            str(body.get("first_name") or ""),
            str(body.get("phone_number") or ""),
            body.get("last_name"),
            _opt_int(body.get("contact_user_id"), "contact_user_id"),
        ), None
    if kind == "location":
        latitude = _float(body.get("latitude"), "latitude", 0.0)
        longitude = _float(body.get("longitude"), "longitude", 0.0)
        return {"location": {"latitude": latitude, "longitude": longitude}}, None
    if kind == "poll":
        options = [str(option) for option in body.get("options", [])]
        return actions.poll_content(str(body.get("question") or ""), options), None
    if kind == "forward":
        origin: JSON
        if body.get("from_user_id") is not None:
            origin_user = sb.world.user(_int(body["from_user_id"], "from_user_id"))
            origin = {"type": "user", "sender_user": origin_user.to_json()}
        else:
            origin = {
                "type": "hidden_user",
                "sender_user_name": str(body.get("from_name") or "Hidden"),
            }
        return actions.text_content(str(body.get("text") or "")), origin
    if kind in ("sticker", "voice", "photo", "video", "document"):
        data: bytes | None = None
        if body.get("data_base64") is not None:
            data = base64.b64decode(str(body["data_base64"]))
        elif body.get("data_text") is not None:
            data = str(body["data_text"]).encode("utf-8")
        fields = {
            k: body.get(k) for k in ("caption", "file_name", "mime_type", "emoji", "duration")
        }
        return actions.media_content(kind, sb, data=data, **fields), None
    raise ControlError(f"unknown message kind {kind!r}", 404)


async def send(request: web.Request) -> web.Response:
    sb = _sb(request)
    body = await _body(request)
    user_id = _int(body.get("user_id"), "user_id")
    content, origin = _content(sb, request.match_info["kind"], body, user_id)
    sent = actions.send(
        sb,
        user_id,
        content,
        chat_id=_opt_int(body.get("chat_id"), "chat_id"),
        reply_to=_opt_int(body.get("reply_to_message_id"), "reply_to_message_id"),
        forward_from=origin,
    )
    return _ok(sent.to_json())


async def edit(request: web.Request) -> web.Response:
    body = await _body(request)
    sent = actions.edit(
        _sb(request),
        _int(body.get("user_id"), "user_id"),
        _int(body.get("message_id"), "message_id"),
        str(body.get("text") or ""),
        chat_id=_opt_int(body.get("chat_id"), "chat_id"),
    )
    return _ok(sent.to_json())


async def press(request: web.Request) -> web.Response:
    body = await _body(request)
    chat_id = _opt_int(body.get("chat_id"), "chat_id")
    user_id = _opt_int(body.get("user_id"), "user_id")
    if user_id is None:
        if chat_id is None or chat_id < 0:
            raise ControlError("give user_id (who presses) for a group, or the private chat_id")
        user_id = chat_id
    sent = actions.press(
        _sb(request),
        user_id,
        chat_id=chat_id,
        message_id=_opt_int(body.get("message_id"), "message_id"),
        data=body.get("data"),
        text=body.get("text"),
        forge=_flag(body.get("forge")),
    )
    return _ok(sent.to_json())


async def press_reply_button(request: web.Request) -> web.Response:
    body = await _body(request)
    latitude, longitude = body.get("latitude"), body.get("longitude")
    sent = actions.press_reply_button(
        _sb(request),
        _int(body.get("user_id"), "user_id"),
        str(body.get("text") or ""),
        chat_id=_opt_int(body.get("chat_id"), "chat_id"),
        latitude=None if latitude is None else _float(latitude, "latitude", 0.0),
        longitude=None if longitude is None else _float(longitude, "longitude", 0.0),
        forge=_flag(body.get("forge")),
    )
    return _ok(sent.to_json())


async def raw_update(request: web.Request) -> web.Response:
    return _ok(actions.raw_update(_sb(request), await _body(request)))


async def redeliver(request: web.Request) -> web.Response:
    update = _sb(request).redeliver(_int(request.match_info["update_id"], "update_id"))
    if update is None:
        raise ControlError("that update is unknown or too old to re-deliver", 404)
    return _ok(update)


# --- what the bot did -------------------------------------------------------------------


async def list_chats(request: web.Request) -> web.Response:
    return _ok([chat.control_json() for chat in _sb(request).world.chats.values()])


async def get_chat(request: web.Request) -> web.Response:
    return _ok(_chat(request).control_json())


async def messages(request: web.Request) -> web.Response:
    chat = _chat(request)
    query = request.query
    after = _int(query.get("after", 0), "after")
    sender = query.get("from", "all")
    include_deleted = _flag(query.get("include_deleted", "1"))
    selected = [
        message.control_json()
        for message_id, message in chat.messages.items()
        if message_id > after
        and (include_deleted or not message.deleted)
        and (sender == "all" or message.from_bot == (sender == "bot"))
    ]
    limit = _opt_int(query.get("limit"), "limit")
    return _ok(selected[-limit:] if limit else selected)


async def wait_messages(request: web.Request) -> web.Response:
    """Until the bot has sent ``count`` messages with ids above ``after`` into the chat."""
    sb = _sb(request)
    chat = _chat(request)
    count = max(_int(request.query.get("count", 1), "count"), 1)
    after = _int(request.query.get("after", 0), "after")

    def enough() -> bool:
        return len(chat.bot_messages_after(after)) >= count

    done = await sb.watch.wait_until((chat.id,), enough, _timeout(request, 10.0))
    found = [m.control_json() for m in chat.bot_messages_after(after)]
    return _ok({"messages": found, "timed_out": not done, "version": chat.version})


async def wait_edit(request: web.Request) -> web.Response:
    """Until the message has been edited more than ``after_edits`` times (or deleted)."""
    sb = _sb(request)
    chat = _chat(request)
    message = chat.messages.get(_int(request.match_info["message_id"], "message_id"))
    if message is None:
        raise ControlError("no such message", 404)
    after_edits = _int(request.query.get("after_edits", 0), "after_edits")

    def edited() -> bool:
        return message.edit_count > after_edits or message.deleted

    done = await sb.watch.wait_until((chat.id,), edited, _timeout(request, 10.0))
    return _ok({"message": message.control_json(), "timed_out": not done})


async def changes(request: web.Request) -> web.Response:
    """Everything that changed in a chat after version ``since`` (long poll for the page)."""
    sb = _sb(request)
    chat = _chat(request)
    since = _int(request.query.get("since", 0), "since")
    await sb.watch.wait_until((chat.id,), lambda: chat.version > since, _timeout(request, 0.0))
    changed_ids: dict[int, None] = {}
    answers: list[JSON] = []
    chat_actions: list[str] = []
    for _, kind, ref in chat.changed_since(since):
        if kind == "message":
            changed_ids[ref] = None
        elif kind == "callback_answer" and ref in sb.world.queries:
            answers.append(sb.world.queries[ref].control_json())
        elif kind == "chat_action":
            chat_actions.append(ref)
    return _ok(
        {
            "version": chat.version,
            "messages": [chat.messages[mid].control_json() for mid in changed_ids],
            "callback_answers": answers,
            "chat_actions": chat_actions,
            "chat": chat.control_json(),
        }
    )


async def callback_query(request: web.Request) -> web.Response:
    sb = _sb(request)
    query = sb.world.queries.get(request.match_info["query_id"])
    if query is None:
        raise ControlError("unknown callback query", 404)
    await sb.watch.wait_until((query.chat_id,), lambda: query.answered, _timeout(request, 0.0))
    return _ok(query.control_json())


async def documents(request: web.Request) -> web.Response:
    sb = _sb(request)
    chat_id = _opt_int(request.query.get("chat_id"), "chat_id")
    sender = request.query.get("from", "bot")
    found = []
    for stored in sb.world.files.values():
        if stored.chat_id is None or stored.kind != "document":
            continue
        if chat_id is not None and stored.chat_id != chat_id:
            continue
        message = sb.world.chats[stored.chat_id].messages.get(stored.message_id or 0)
        from_bot = message is not None and message.from_bot
        if sender != "all" and from_bot != (sender == "bot"):
            continue
        caption = message.data.get("caption") if message is not None else None
        found.append({**stored.control_json(), "from_bot": from_bot, "caption": caption})
    return _ok(found)


async def download(request: web.Request) -> web.Response:
    stored = _sb(request).world.files.get(request.match_info["file_id"])
    if stored is None or stored.data is None:
        raise ControlError("no such file (or it was only sent as a URL)", 404)
    name = (stored.file_name or "file").replace('"', "")
    return web.Response(
        body=stored.data,
        content_type=stored.mime_type or "application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def commands(request: web.Request) -> web.Response:
    world = _sb(request).world
    return _ok(
        [
            {"scope": json.loads(scope), "language_code": language, "commands": listed}
            for (scope, language), listed in world.commands.items()
        ]
    )


@web.middleware
async def control_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Control API mistakes answer JSON with the status they carry."""
    try:
        response: web.StreamResponse = await handler(request)
    except ControlError as exc:
        return web.json_response({"error": str(exc)}, status=exc.status)
    return response
