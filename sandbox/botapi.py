"""The Bot API methods the sandbox answers, with Telegram's checks and errors.

Each method takes the sandbox and the request's :class:`Params` and returns the ``result``
Telegram would return, or raises :class:`ApiError`. :data:`METHODS` is the table the route
dispatches on (method names are case-insensitive, as on Telegram).
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sandbox import validation
from sandbox.core import Sandbox
from sandbox.errors import (
    CHAT_NOT_FOUND,
    MESSAGE_NOT_MODIFIED,
    QUERY_TOO_OLD,
    bad_request,
    conflict,
    forbidden,
    too_many_requests,
)
from sandbox.params import Params, UploadedFile
from sandbox.state import JSON, Chat, StoredFile, StoredMessage, member_json

Method = Callable[[Sandbox, Params], Awaitable[Any]]


# --- shared checks and shapes -----------------------------------------------------------


def target_chat(sb: Sandbox, chat_id: int) -> Chat:
    """The chat a bot call is about, if the bot may act in it."""
    chat = sb.world.chats.get(chat_id)
    if chat is None or not chat.started:
        # A private chat exists for a bot only once the user has written to it.
        raise bad_request(CHAT_NOT_FOUND)
    if chat.user is not None:
        if chat.user.blocked_bot:
            raise forbidden("bot was blocked by the user")
    elif chat.bot_status == "kicked":
        raise forbidden(f"bot was kicked from the {chat.type} chat")
    elif chat.bot_status == "left":
        raise forbidden(f"bot is not a member of the {chat.type} chat")
    return chat


def _message_id(p: Params) -> int:
    if p.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # inline messages are not modelled
    message_id = p.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    return message_id


def _as_int(value: Any, name: str) -> int:
    """An integer nested inside a JSON object (Params checks top-level fields)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise bad_request(f'field "{name}" must be of type Integer')


def _shallow(data: JSON) -> JSON:
    """A message as nested in ``reply_to_message``: without its own reply."""
    return {key: value for key, value in data.items() if key != "reply_to_message"}


def _reply_to(sb: Sandbox, chat: Chat, p: Params) -> JSON | None:
    reply = p.json("reply_parameters")
    if reply is None and p.has("reply_to_message_id"):
        reply = {
            "message_id": p.integer("reply_to_message_id"),
            "allow_sending_without_reply": p.boolean("allow_sending_without_reply"),
        }
    if not reply:
        return None
    if not isinstance(reply, dict):
        raise bad_request("can't parse reply parameters JSON object")
    target = sb.world.message(chat, _as_int(reply.get("message_id"), "message_id"))
    if target is None:
        if reply.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")
    return _shallow(target.data)


def _send(
    sb: Sandbox, method: str, chat: Chat, content: JSON, markup: JSON | None, p: Params
) -> StoredMessage:
    """Deliver a bot message into ``chat`` after the flood check; O(1)."""
    reply = _reply_to(sb, chat, p)
    if reply is not None:
        content["reply_to_message"] = reply
    retry_after = sb.limiter.check(chat.id, chat.is_group, time.monotonic())
    if retry_after:
        sb.stats.limited(method)
        raise too_many_requests(retry_after)
    message = sb.world.add_message(chat, sb.bot, content, markup=markup)
    if markup is not None:
        if "keyboard" in markup:
            chat.reply_keyboard = markup
        elif "remove_keyboard" in markup:
            chat.reply_keyboard = None
    sb.stats.sent(chat.id, chat.is_group, time.time())
    return message


def _markup(p: Params, *, inline_only: bool = False) -> JSON | None:
    raw = p.json("reply_markup", error="can't parse reply keyboard markup JSON object")
    return validation.reply_markup(raw, inline_only=inline_only)


def _caption(sb: Sandbox, p: Params) -> JSON:
    caption, entities = validation.formatted_text(
        p.text("caption"),
        p.text("parse_mode"),
        p.json("caption_entities"),
        strict_ampersand=sb.config.strict_html_ampersand,
        limit=validation.MAX_CAPTION,
        caption=True,
    )
    content: JSON = {}
    if caption:
        content["caption"] = caption
    if entities:
        content["caption_entities"] = entities
    return content


def bot_json(sb: Sandbox) -> JSON:
    return {
        **sb.bot.to_json(),
        "can_join_groups": True,
        "can_read_all_group_messages": not sb.config.group_privacy,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


# --- identity, updates, webhook ---------------------------------------------------------


async def get_me(sb: Sandbox, p: Params) -> Any:
    return bot_json(sb)


async def log_out(sb: Sandbox, p: Params) -> Any:
    return True


async def get_updates(sb: Sandbox, p: Params) -> Any:
    if sb.webhook is not None:
        raise conflict(
            "can't use getUpdates method while webhook is active; use deleteWebhook to delete "
            "the webhook first"
        )
    sb.updates.set_allowed(p.json("allowed_updates"))
    limit = min(max(p.integer("limit", 100) or 100, 1), 100)
    timeout = min(max(p.number("timeout", 0.0) or 0.0, 0.0), sb.config.max_long_poll_s)
    return await sb.updates.get(p.integer("offset"), limit, timeout)


async def set_webhook(sb: Sandbox, p: Params) -> Any:
    url = (p.text("url") or "").strip()
    drop = p.boolean("drop_pending_updates")
    if not url:
        await sb.delete_webhook(drop)
        return True
    if not url.startswith(("https://", "http://")):
        # Telegram insists on HTTPS; the sandbox accepts http:// so local bots can use it.
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.text("secret_token")
    validation.webhook_secret(secret)
    max_connections = p.integer("max_connections", sb.config.webhook_max_connections) or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    sb.updates.set_allowed(p.json("allowed_updates"))
    await sb.set_webhook(url, secret or None, max_connections, drop)
    return True


async def delete_webhook(sb: Sandbox, p: Params) -> Any:
    await sb.delete_webhook(p.boolean("drop_pending_updates"))
    return True


async def get_webhook_info(sb: Sandbox, p: Params) -> Any:
    info = sb.webhook_info()
    if sb.webhook is not None:
        info["allowed_updates"] = sorted(sb.updates.allowed)
    return info


# --- sending ----------------------------------------------------------------------------


async def send_message(sb: Sandbox, p: Params) -> Any:
    chat = target_chat(sb, p.chat_id())
    text, entities = validation.formatted_text(
        p.text("text"),
        p.text("parse_mode"),
        p.json("entities"),
        strict_ampersand=sb.config.strict_html_ampersand,
    )
    markup = _markup(p)
    content: JSON = {"text": text}
    if entities:
        content["entities"] = entities
    preview = p.json("link_preview_options")
    if preview:
        content["link_preview_options"] = preview
    return _send(sb, "sendMessage", chat, content, markup, p).data


def _file_from(sb: Sandbox, p: Params, field: str, kind: str) -> StoredFile:
    source = p.file(field)
    if source is None or source == "":
        raise bad_request(f"there is no {field} in the request")
    if isinstance(source, UploadedFile):
        if not source.data:
            raise bad_request("file must be non-empty")
        return sb.world.add_file(
            kind, file_name=source.filename, mime_type=source.content_type, data=source.data
        )
    known = sb.world.files.get(source)
    if known is not None:
        return known
    if source.startswith(("http://", "https://")):
        name = source.rstrip("/").rsplit("/", 1)[-1] or None
        return sb.world.add_file(kind, file_name=name, mime_type=None, data=None, url=source)
    raise bad_request("wrong file identifier/HTTP URL specified")


def _file_json(stored: StoredFile) -> JSON:
    data: JSON = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    if stored.data is not None:
        data["file_size"] = len(stored.data)
    return data


async def send_document(sb: Sandbox, p: Params) -> Any:
    chat = target_chat(sb, p.chat_id())
    stored = _file_from(sb, p, "document", "document")
    content = _caption(sb, p)
    document = _file_json(stored)
    if stored.file_name:
        document["file_name"] = stored.file_name
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    content["document"] = document
    message = _send(sb, "sendDocument", chat, content, _markup(p), p)
    stored.chat_id, stored.message_id = chat.id, message.message_id
    return message.data


async def send_photo(sb: Sandbox, p: Params) -> Any:
    chat = target_chat(sb, p.chat_id())
    stored = _file_from(sb, p, "photo", "photo")
    content = _caption(sb, p)
    content["photo"] = [{**_file_json(stored), "width": 800, "height": 800}]
    message = _send(sb, "sendPhoto", chat, content, _markup(p), p)
    stored.chat_id, stored.message_id = chat.id, message.message_id
    return message.data


def _location(p: Params) -> JSON:
    latitude, longitude = p.number("latitude"), p.number("longitude")
    if latitude is None or longitude is None:
        raise bad_request("wrong latitude or longitude specified")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad_request("wrong latitude or longitude specified")
    return {"latitude": latitude, "longitude": longitude}


async def send_location(sb: Sandbox, p: Params) -> Any:
    chat = target_chat(sb, p.chat_id())
    content = {"location": _location(p)}
    return _send(sb, "sendLocation", chat, content, _markup(p), p).data


async def send_venue(sb: Sandbox, p: Params) -> Any:
    chat = target_chat(sb, p.chat_id())
    location = _location(p)
    title, address = p.text("title"), p.text("address")
    if not title or not address:
        raise bad_request("venue title and address must be non-empty")
    venue = {"location": location, "title": title, "address": address}
    content = {"venue": venue, "location": location}
    return _send(sb, "sendVenue", chat, content, _markup(p), p).data


async def send_contact(sb: Sandbox, p: Params) -> Any:
    chat = target_chat(sb, p.chat_id())
    phone, first_name = p.text("phone_number"), p.text("first_name")
    if not phone or not first_name:
        raise bad_request("phone number and first name must be non-empty")
    contact: JSON = {"phone_number": phone, "first_name": first_name}
    if p.has("last_name"):
        contact["last_name"] = p.text("last_name")
    return _send(sb, "sendContact", chat, {"contact": contact}, _markup(p), p).data


_NOT_COPIED = (
    "message_id",
    "from",
    "chat",
    "date",
    "edit_date",
    "reply_to_message",
    "reply_markup",
    "forward_origin",
)


def _source_message(sb: Sandbox, p: Params, missing: str) -> StoredMessage:
    source_chat = target_chat(sb, p.chat_id("from_chat_id"))
    message = sb.world.message(source_chat, _message_id(p))
    if message is None:
        raise bad_request(missing)
    return message


async def copy_message(sb: Sandbox, p: Params) -> Any:
    source = _source_message(sb, p, "message to copy not found")
    chat = target_chat(sb, p.chat_id())
    content = {k: v for k, v in source.data.items() if k not in _NOT_COPIED}
    if p.has("caption") and ("caption" in content or "text" not in content):
        content.pop("caption", None)
        content.pop("caption_entities", None)
        content.update(_caption(sb, p))
    message = _send(sb, "copyMessage", chat, content, _markup(p), p)
    return {"message_id": message.message_id}


async def forward_message(sb: Sandbox, p: Params) -> Any:
    source = _source_message(sb, p, "message to forward not found")
    chat = target_chat(sb, p.chat_id())
    content = {k: v for k, v in source.data.items() if k not in _NOT_COPIED}
    sender = source.data.get("from") or sb.bot.to_json()
    content["forward_origin"] = {
        "type": "user",
        "sender_user": sender,
        "date": source.data["date"],
    }
    return _send(sb, "forwardMessage", chat, content, None, p).data


async def send_chat_action(sb: Sandbox, p: Params) -> Any:
    chat = target_chat(sb, p.chat_id())
    action = validation.chat_action(p.text("action"))
    sb.world.changed(chat, "chat_action", action)
    return True


# --- editing and deleting ---------------------------------------------------------------


def _own_message(sb: Sandbox, p: Params) -> tuple[Chat, StoredMessage]:
    chat = target_chat(sb, p.chat_id())
    message = sb.world.message(chat, _message_id(p))
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return chat, message


def _apply_edit(sb: Sandbox, chat: Chat, message: StoredMessage, markup: JSON | None) -> JSON:
    data = message.data
    if markup is None:
        data.pop("reply_markup", None)
    else:
        data["reply_markup"] = markup
    message.markup = markup
    data["edit_date"] = int(time.time())
    message.edit_count += 1
    sb.world.changed(chat, "message", message.message_id)
    return data


async def edit_message_text(sb: Sandbox, p: Params) -> Any:
    chat, message = _own_message(sb, p)
    if "text" not in message.data:
        raise bad_request("there is no text in the message to edit")
    text, entities = validation.formatted_text(
        p.text("text"),
        p.text("parse_mode"),
        p.json("entities"),
        strict_ampersand=sb.config.strict_html_ampersand,
    )
    markup = _markup(p, inline_only=True)
    data = message.data
    if (
        text == data["text"]
        and entities == data.get("entities", [])
        and markup == data.get("reply_markup")
    ):
        raise bad_request(MESSAGE_NOT_MODIFIED)
    data["text"] = text
    if entities:
        data["entities"] = entities
    else:
        data.pop("entities", None)
    preview = p.json("link_preview_options")
    if preview:
        data["link_preview_options"] = preview
    # As on Telegram, an edit without reply_markup removes the inline keyboard.
    return _apply_edit(sb, chat, message, markup)


async def edit_message_caption(sb: Sandbox, p: Params) -> Any:
    chat, message = _own_message(sb, p)
    if "text" in message.data:
        raise bad_request("there is no caption in the message to edit")
    content = _caption(sb, p)
    markup = _markup(p, inline_only=True)
    data = message.data
    same_caption = content.get("caption") == data.get("caption") and content.get(
        "caption_entities"
    ) == data.get("caption_entities")
    if same_caption and markup == data.get("reply_markup"):
        raise bad_request(MESSAGE_NOT_MODIFIED)
    data.pop("caption", None)
    data.pop("caption_entities", None)
    data.update(content)
    return _apply_edit(sb, chat, message, markup)


async def edit_message_reply_markup(sb: Sandbox, p: Params) -> Any:
    chat, message = _own_message(sb, p)
    markup = _markup(p, inline_only=True)
    if markup == message.data.get("reply_markup"):
        raise bad_request(MESSAGE_NOT_MODIFIED)
    return _apply_edit(sb, chat, message, markup)


def _delete(sb: Sandbox, chat: Chat, message_id: int) -> bool:
    message = sb.world.message(chat, message_id)
    if message is None:
        return False
    if chat.is_group and not message.from_bot and chat.bot_status != "administrator":
        raise bad_request("message can't be deleted")
    message.deleted = True
    sb.world.changed(chat, "message", message_id)
    return True


async def delete_message(sb: Sandbox, p: Params) -> Any:
    chat = target_chat(sb, p.chat_id())
    if not _delete(sb, chat, _message_id(p)):
        raise bad_request("message to delete not found")
    return True


async def delete_messages(sb: Sandbox, p: Params) -> Any:
    chat = target_chat(sb, p.chat_id())
    ids = p.json("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message_ids must be a non-empty list of up to 100 identifiers")
    for message_id in ids:
        _delete(sb, chat, _as_int(message_id, "message_ids"))
    return True


# --- callback queries -------------------------------------------------------------------


async def answer_callback_query(sb: Sandbox, p: Params) -> Any:
    query = sb.world.queries.get(p.text("callback_query_id") or "")
    if (
        query is None
        or query.answered
        or time.monotonic() - query.created > sb.config.callback_query_ttl_s
    ):
        raise bad_request(QUERY_TOO_OLD)
    text = p.text("text")
    validation.callback_answer_text(text)
    query.answered = True
    query.answer = {
        "text": text,
        "show_alert": p.boolean("show_alert"),
        "url": p.text("url"),
        "cache_time": p.integer("cache_time", 0),
    }
    chat = sb.world.chats.get(query.chat_id)
    if chat is not None:
        sb.world.changed(chat, "callback_answer", query.id)
    return True


# --- commands, menu button, descriptions ------------------------------------------------


def _commands_key(p: Params) -> tuple[str, str]:
    scope = validation.command_scope(p.json("scope"))
    language = p.text("language_code") or ""
    if language and not (len(language) == 2 and language.isalpha()):
        raise bad_request("invalid language code specified")
    return json.dumps(scope, sort_keys=True), language


async def set_my_commands(sb: Sandbox, p: Params) -> Any:
    commands = validation.bot_commands(p.json("commands"))
    key = _commands_key(p)
    if commands:
        sb.world.commands[key] = commands
    else:
        sb.world.commands.pop(key, None)
    return True


async def get_my_commands(sb: Sandbox, p: Params) -> Any:
    return sb.world.commands.get(_commands_key(p), [])


async def delete_my_commands(sb: Sandbox, p: Params) -> Any:
    sb.world.commands.pop(_commands_key(p), None)
    return True


async def set_chat_menu_button(sb: Sandbox, p: Params) -> Any:
    chat_id = p.integer("chat_id", 0) or 0
    if chat_id:
        target_chat(sb, chat_id)
    button = p.json("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
        raise bad_request("can't parse menu button JSON object")
    sb.world.menu_buttons[chat_id] = button
    return True


async def get_chat_menu_button(sb: Sandbox, p: Params) -> Any:
    chat_id = p.integer("chat_id", 0) or 0
    return sb.world.menu_buttons.get(chat_id, sb.world.menu_buttons.get(0, {"type": "default"}))


def _bot_text_methods(kind: str, limit: int) -> tuple[Method, Method]:
    async def setter(sb: Sandbox, p: Params) -> Any:
        value = p.text(kind) or ""
        if len(value) > limit:
            raise bad_request(f"{kind.replace('_', ' ')} is too long")
        sb.world.bot_texts[(kind, p.text("language_code") or "")] = value
        return True

    async def getter(sb: Sandbox, p: Params) -> Any:
        value = sb.world.bot_texts.get((kind, p.text("language_code") or ""), "")
        if kind == "name" and not value:
            value = sb.bot.first_name
        return {kind: value}

    return setter, getter


set_my_description, get_my_description = _bot_text_methods("description", 512)
set_my_short_description, get_my_short_description = _bot_text_methods("short_description", 120)
set_my_name, get_my_name = _bot_text_methods("name", 64)


# --- chats and files --------------------------------------------------------------------


async def get_chat(sb: Sandbox, p: Params) -> Any:
    chat = target_chat(sb, p.chat_id())
    return {
        **chat.to_json(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


async def get_chat_member(sb: Sandbox, p: Params) -> Any:
    chat = target_chat(sb, p.chat_id())
    user_id = p.integer("user_id")
    if user_id == sb.bot.id:
        return member_json(sb.bot, chat.bot_status if chat.is_group else "member")
    user = sb.world.users.get(user_id or 0)
    if user is None or (not chat.is_group and user.id != chat.id):
        raise bad_request("user not found")
    status = chat.members.get(user.id, "left") if chat.is_group else "member"
    return member_json(user, status)


async def get_chat_administrators(sb: Sandbox, p: Params) -> Any:
    chat = target_chat(sb, p.chat_id())
    if not chat.is_group:
        raise bad_request("there are no administrators in the private chat")
    admins = [
        member_json(sb.world.users[uid], status)
        for uid, status in chat.members.items()
        if status in ("creator", "administrator")
    ]
    if chat.bot_status == "administrator":
        admins.append(member_json(sb.bot, "administrator"))
    return admins


async def get_chat_member_count(sb: Sandbox, p: Params) -> Any:
    chat = target_chat(sb, p.chat_id())
    if not chat.is_group:
        return 2
    present = ("creator", "administrator", "member", "restricted")
    humans = sum(1 for status in chat.members.values() if status in present)
    return humans + (1 if chat.bot_status in present else 0)


async def get_file(sb: Sandbox, p: Params) -> Any:
    stored = sb.world.files.get(p.text("file_id") or "")
    if stored is None:
        raise bad_request("wrong file_id or the file is temporarily unavailable")
    return {**_file_json(stored), "file_path": stored.file_path}


# The table the route dispatches on: lowercase name -> (Telegram's spelling, handler).
METHODS: dict[str, tuple[str, Method]] = {
    name.lower(): (name, handler)
    for name, handler in (
        ("getMe", get_me),
        ("logOut", log_out),
        ("close", log_out),
        ("getUpdates", get_updates),
        ("setWebhook", set_webhook),
        ("deleteWebhook", delete_webhook),
        ("getWebhookInfo", get_webhook_info),
        ("sendMessage", send_message),
        ("sendDocument", send_document),
        ("sendPhoto", send_photo),
        ("sendLocation", send_location),
        ("sendVenue", send_venue),
        ("sendContact", send_contact),
        ("copyMessage", copy_message),
        ("forwardMessage", forward_message),
        ("sendChatAction", send_chat_action),
        ("editMessageText", edit_message_text),
        ("editMessageCaption", edit_message_caption),
        ("editMessageReplyMarkup", edit_message_reply_markup),
        ("deleteMessage", delete_message),
        ("deleteMessages", delete_messages),
        ("answerCallbackQuery", answer_callback_query),
        ("setMyCommands", set_my_commands),
        ("getMyCommands", get_my_commands),
        ("deleteMyCommands", delete_my_commands),
        ("setChatMenuButton", set_chat_menu_button),
        ("getChatMenuButton", get_chat_menu_button),
        ("setMyDescription", set_my_description),
        ("getMyDescription", get_my_description),
        ("setMyShortDescription", set_my_short_description),
        ("getMyShortDescription", get_my_short_description),
        ("setMyName", set_my_name),
        ("getMyName", get_my_name),
        ("getChat", get_chat),
        ("getChatMember", get_chat_member),
        ("getChatAdministrators", get_chat_administrators),
        ("getChatMemberCount", get_chat_member_count),
        ("getFile", get_file),
    )
}
