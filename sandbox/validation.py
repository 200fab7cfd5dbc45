"""Telegram's limits on what a bot sends: text, captions, keyboards, commands.

Each check raises :class:`~sandbox.errors.ApiError` with the description real Telegram
returns, so a bug shows up in the sandbox with the message production would log.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.errors import bad_request
from sandbox.formatting import (
    Entity,
    ParseError,
    UnsupportedParseMode,
    parse,
    strip_text,
    utf16_len,
)

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_REPLY_BUTTONS = 300
MAX_COMMANDS = 100
MAX_CALLBACK_ANSWER = 200

_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_SCHEMES = ("http://", "https://", "tg://")
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip


def formatted_text(
    raw: str | None,
    parse_mode: str | None,
    entities: Any,
    *,
    strict_ampersand: bool,
    limit: int = MAX_TEXT,
    caption: bool = False,
) -> tuple[str, list[Entity]]:
    """Text and entities as Telegram stores them, or the error Telegram returns."""
    if raw is None or raw == "":
        if caption:
            return "", []
        raise bad_request("message text is empty")
    try:
        if entities:
            if not isinstance(entities, list):
                raise bad_request("can't parse entities JSON object")
            # Explicit entities replace parse_mode, as on Telegram.
            text, parsed = strip_text(raw, [dict(e) for e in entities])
        else:
            text, parsed = parse(raw, parse_mode, strict_ampersand=strict_ampersand)
    except UnsupportedParseMode as exc:
        raise bad_request(f"unsupported parse_mode {exc}") from exc
    except ParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from exc
    if not text and not caption:
        raise bad_request("message text is empty")
    if utf16_len(text) > limit:
        raise bad_request("message caption is too long" if caption else "message is too long")
    return text, parsed


def reply_markup(value: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """Validate a reply_markup object and return it normalised (buttons as objects)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        return {"inline_keyboard": _inline_keyboard(value["inline_keyboard"])}
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in value:
        return _reply_keyboard(value)
    if "remove_keyboard" in value:
        if value["remove_keyboard"] is not True:
            raise bad_request("can't parse reply keyboard markup JSON object")
        return {"remove_keyboard": True, **_flags(value, ("selective",))}
    if "force_reply" in value:
        if value["force_reply"] is not True:
            raise bad_request("can't parse reply keyboard markup JSON object")
        extra: dict[str, Any] = {**_flags(value, ("selective",))}
        if "input_field_placeholder" in value:
            extra["input_field_placeholder"] = str(value["input_field_placeholder"])
        return {"force_reply": True, **extra}
    raise bad_request("can't parse reply keyboard markup JSON object")


def _rows(value: Any, field: str, kind: str) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise bad_request(f'field "{field}" of the {kind} should be an Array of Arrays')
    return value


def _inline_keyboard(value: Any) -> list[list[dict[str, Any]]]:
    rows = _rows(value, "inline_keyboard", "InlineKeyboardMarkup")
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")
    return [[_inline_button(button) for button in row] for row in rows]


def _inline_button(button: Any) -> dict[str, Any]:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise bad_request(prefix + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise bad_request(prefix + 'Field "text" must be of type String')
    actions = [name for name in _INLINE_ACTIONS if button.get(name) is not None]
    if not actions:
        raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None:
        if not isinstance(data, str):
            raise bad_request(prefix + 'Field "callback_data" must be of type String')
        if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not (isinstance(url, str) and url.startswith(_URL_SCHEMES)):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    return dict(button)


def _reply_keyboard(value: dict[str, Any]) -> dict[str, Any]:
    rows = _rows(value["keyboard"], "keyboard", "ReplyKeyboardMarkup")
    if sum(len(row) for row in rows) > MAX_REPLY_BUTTONS:
        raise bad_request("reply markup is too long")
    keyboard = [[_reply_button(button) for button in row] for row in rows]
    flags = _flags(value, ("is_persistent", "resize_keyboard", "one_time_keyboard", "selective"))
    markup: dict[str, Any] = {"keyboard": keyboard, **flags}
    if "input_field_placeholder" in value:
        markup["input_field_placeholder"] = str(value["input_field_placeholder"])
    return markup


def _reply_button(button: Any) -> dict[str, Any]:
    if isinstance(button, str):
        return {"text": button}
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
    return dict(button)


def _flags(value: dict[str, Any], names: tuple[str, ...]) -> dict[str, bool]:
    return {name: bool(value[name]) for name in names if name in value}


def bot_commands(value: Any) -> list[dict[str, str]]:
    """setMyCommands' list: lowercase names of 1-32 characters, non-empty descriptions."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request("can't parse commands JSON object")
    if len(value) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    commands: list[dict[str, str]] = []
    for item in value:
        if not isinstance(item, dict) or "command" not in item:
            raise bad_request("can't parse BotCommand: Can't find field \"command\"")
        if "description" not in item:
            raise bad_request("can't parse BotCommand: Can't find field \"description\"")
        name = str(item["command"]).strip()
        if not _COMMAND.match(name):
            raise bad_request("BOT_COMMAND_INVALID")
        description = str(item["description"]).strip()
        if not description:
            raise bad_request("command description must be non-empty")
        if len(description) > 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        commands.append({"command": name, "description": description})
    return commands


def command_scope(value: Any) -> dict[str, Any]:
    """A BotCommandScope; omitted means ``default``."""
    if value is None:
        return {"type": "default"}
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = value["type"]
    plain = ("default", "all_private_chats", "all_group_chats", "all_chat_administrators")
    if kind in plain:
        return {"type": kind}
    if kind in ("chat", "chat_administrators"):
        return {"type": kind, "chat_id": value.get("chat_id")}
    if kind == "chat_member":
        return {"type": kind, "chat_id": value.get("chat_id"), "user_id": value.get("user_id")}
    raise bad_request("wrong BotCommandScope type specified")


def chat_action(action: str | None) -> str:
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return action


def callback_answer_text(text: str | None) -> None:
    if text is not None and len(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")


def webhook_secret(secret: str | None) -> None:
    if secret is None:
        return
    if len(secret) > 256 or not re.fullmatch(r"[A-Za-z0-9_-]*", secret):
        raise bad_request("secret token contains unallowed characters")
