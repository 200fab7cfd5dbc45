"""What people do on the Telegram side: write, press buttons, share a contact, block the bot.

Each action stores what the person's client would show and hands the bot the update Telegram
would send, Telegram-shaped (PTB parses it). In groups the bot's privacy mode decides whether
the bot gets the update at all; the message is stored either way, so tests can see the gap.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from bot.sandbox.config import DemoChats
from bot.sandbox.core import Sandbox
from bot.sandbox.errors import ControlError
from bot.sandbox.formatting import detect_entities, utf16_slice
from bot.sandbox.state import JSON, Chat, StoredMessage, User, member_json


@dataclass(frozen=True)
class Sent:
    """What one action produced, as the control API returns it."""

    chat_id: int
    message_id: int | None
    update_id: int | None  # None: the bot was not sent an update (privacy mode, filter)
    delivered: bool
    version: int  # the chat's version right after the action
    callback_query_id: str | None = None
    edit_count: int | None = None  # of the pressed message, to wait for the bot's edit
    url: str | None = None  # a URL button opens a link instead of calling the bot

    def to_json(self) -> JSON:
        return asdict(self)


# --- where a person writes --------------------------------------------------------------


def _chat_for(sb: Sandbox, user: User, chat_id: int | None) -> Chat:
    if chat_id is None or chat_id == user.id:
        return sb.world.chats[user.id]
    chat = sb.world.chat(chat_id)
    if not chat.is_group:
        raise ControlError(f"user {user.id} cannot write in the private chat of {chat_id}")
    if chat.members.get(user.id, "left") in ("left", "kicked"):
        raise ControlError(f"user {user.id} is not a member of chat {chat_id}; add them first")
    return chat


def _open_private_chat(sb: Sandbox, user: User, chat: Chat) -> None:
    if chat.is_group:
        return
    if user.blocked_bot:
        set_blocked(sb, user.id, False)  # writing again is Telegram's "Restart bot"
    chat.started = True


def _bot_sees(sb: Sandbox, chat: Chat, data: JSON) -> bool:
    """Privacy mode: in groups the bot gets commands, replies to it and service messages."""
    if not chat.is_group:
        return True
    if chat.bot_status in ("left", "kicked"):
        return False
    if not sb.config.group_privacy or chat.bot_status == "administrator":
        return True
    if "text" not in data and "caption" not in data:
        return "new_chat_members" in data or "left_chat_member" in data
    reply = data.get("reply_to_message")
    if reply and reply.get("from", {}).get("id") == sb.bot.id:
        return True
    text = data.get("text") or data.get("caption") or ""
    for entity in data.get("entities") or data.get("caption_entities") or []:
        if entity["type"] == "bot_command":
            command = utf16_slice(text, entity["offset"], entity["length"])
            _, _, addressee = command.partition("@")
            if not addressee or addressee.lower() == (sb.bot.username or "").lower():
                return True
    return False


def _deliver(sb: Sandbox, chat: Chat, kind: str, message: StoredMessage) -> Sent:
    # A snapshot: later edits must not change an update already queued for the bot.
    visible = _bot_sees(sb, chat, message.data)
    update = sb.deliver({kind: dict(message.data)}, chat.id) if visible else None
    return Sent(
        chat_id=chat.id,
        message_id=message.message_id,
        update_id=update["update_id"] if update else None,
        delivered=update is not None,
        version=chat.version,
    )


# --- messages ---------------------------------------------------------------------------


def send(
    sb: Sandbox,
    user_id: int,
    content: JSON,
    *,
    chat_id: int | None = None,
    reply_to: int | None = None,
    forward_from: JSON | None = None,
) -> Sent:
    """A person sends a message (``content`` holds text, contact, location, ...)."""
    user = sb.world.user(user_id)
    chat = _chat_for(sb, user, chat_id)
    _open_private_chat(sb, user, chat)
    content = dict(content)
    if reply_to is not None:
        target = sb.world.message(chat, reply_to)
        if target is None:
            raise ControlError(f"no message {reply_to} in chat {chat.id} to reply to")
        content["reply_to_message"] = {
            k: v for k, v in target.data.items() if k != "reply_to_message"
        }
    if forward_from is not None:
        content["forward_origin"] = {**forward_from, "date": int(time.time()) - 60}
    message = sb.world.add_message(chat, user, content)
    return _deliver(sb, chat, "message", message)


def text_content(text: str) -> JSON:
    if not text:
        raise ControlError("text must be non-empty")
    content: JSON = {"text": text}
    entities = detect_entities(text)
    if entities:
        content["entities"] = entities
    return content


def edit(
    sb: Sandbox, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
) -> Sent:
    """A person edits one of their own text messages: the bot gets ``edited_message``."""
    user = sb.world.user(user_id)
    chat = _chat_for(sb, user, chat_id)
    message = sb.world.message(chat, message_id)
    if message is None or message.data.get("from", {}).get("id") != user.id:
        raise ControlError(f"user {user_id} has no message {message_id} in chat {chat.id}")
    if "text" not in message.data:
        raise ControlError("only text messages can be edited here")
    content = text_content(text)
    message.data.pop("entities", None)
    message.data.update(content, edit_date=int(time.time()))
    message.edit_count += 1
    sb.world.changed(chat, "message", message_id)
    return _deliver(sb, chat, "edited_message", message)


# --- buttons ----------------------------------------------------------------------------


def _last_with_keyboard(chat: Chat) -> StoredMessage:
    for message_id in reversed(chat.bot_message_ids):
        message = chat.messages[message_id]
        if not message.deleted and message.inline_buttons():
            return message
    raise ControlError(f"no bot message with an inline keyboard in chat {chat.id}")


def press(
    sb: Sandbox,
    user_id: int,
    *,
    chat_id: int | None = None,
    message_id: int | None = None,
    data: str | None = None,
    text: str | None = None,
    forge: bool = False,
) -> Sent:
    """A person taps an inline button: the bot gets a ``callback_query``.

    The button is found by its callback_data or its label on that message (default: the last
    bot message with a keyboard). ``forge`` sends ``data`` even if no such button exists, as a
    modified client could: the bot must not trust callback data.
    """
    user = sb.world.user(user_id)
    chat = _chat_for(sb, user, chat_id)
    if user.blocked_bot and not chat.is_group:
        raise ControlError(f"user {user_id} has blocked the bot; unblock first")
    message = (
        _last_with_keyboard(chat) if message_id is None else sb.world.message(chat, message_id)
    )
    if message is None and not forge:
        raise ControlError(f"no message {message_id} in chat {chat.id}")
    button = _find_button(message, data, text) if message is not None else None
    if button is None and not forge:
        labels = (
            [(b.get("text"), b.get("callback_data")) for b in message.inline_buttons()]
            if message is not None
            else []
        )
        raise ControlError(
            f"no button with data={data!r} text={text!r} on message {message_id}; "
            f"buttons (text, data): {labels}"
        )
    if button is not None and button.get("callback_data") is None:
        return Sent(
            chat.id,
            message.message_id if message else None,
            None,
            False,
            chat.version,
            url=button.get("url"),
        )
    callback_data = button["callback_data"] if button is not None else data
    target_id = message.message_id if message is not None else int(message_id or 0)
    stored = message or StoredMessage(chat.id, target_id, {}, True)
    query = sb.world.add_query(user, stored, callback_data)
    body: JSON = {
        "id": query.id,
        "from": user.to_json(),
        # A message the bot can no longer see arrives as an InaccessibleMessage (date 0).
        "message": dict(message.data)
        if message is not None
        else {
            "chat": chat.to_json(),
            "message_id": target_id,
            "date": 0,
        },
        "chat_instance": str(abs(chat.id) * 7919 % 10**15),
    }
    if callback_data is not None:
        body["data"] = callback_data
    update = sb.deliver({"callback_query": body}, chat.id)
    return Sent(
        chat_id=chat.id,
        message_id=target_id,
        update_id=update["update_id"] if update else None,
        delivered=update is not None,
        version=chat.version,
        callback_query_id=query.id,
        edit_count=message.edit_count if message is not None else None,
    )


def _find_button(message: StoredMessage, data: str | None, text: str | None) -> JSON | None:
    for button in message.inline_buttons():
        if data is not None and button.get("callback_data") == data:
            return button
        if data is None and text is not None and button.get("text") == text:
            return button
    return None


def press_reply_button(
    sb: Sandbox,
    user_id: int,
    text: str,
    *,
    chat_id: int | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    forge: bool = False,
) -> Sent:
    """A person taps a reply-keyboard button: its text, their contact or their location."""
    user = sb.world.user(user_id)
    chat = _chat_for(sb, user, chat_id)
    keyboard = chat.reply_keyboard
    buttons = [b for row in (keyboard or {}).get("keyboard", []) for b in row]
    button = next((b for b in buttons if b.get("text") == text), None)
    if button is None and not forge:
        raise ControlError(
            f"no reply keyboard button {text!r} in chat {chat.id}; "
            f"buttons: {[b.get('text') for b in buttons]}"
        )
    button = button or {"text": text}
    if button.get("request_contact"):
        content = contact_content(user.first_name, _phone_of(user), user.last_name, user.id)
    elif button.get("request_location"):
        if latitude is None or longitude is None:
            raise ControlError("this button shares a location: give latitude and longitude")
        content = {"location": {"latitude": latitude, "longitude": longitude}}
    else:
        content = text_content(text)
    if keyboard is not None and keyboard.get("one_time_keyboard"):
        chat.reply_keyboard = None
    return send(sb, user_id, content, chat_id=chat_id)


def _phone_of(user: User) -> str:
    """A stable, valid Indonesian mobile number for a sandbox user: Telkomsel's 0812 prefix
    and eight digits of the user id (+62 812 xxxx xxxx, 12 digits nationally), which any
    validator of Indonesian mobile numbers accepts."""
    return f"+62812{user.id % 10**8:08d}"


def contact_content(
    first_name: str,
    phone_number: str,
    last_name: str | None = None,
    user_id: int | None = None,
) -> JSON:
    contact: JSON = {"phone_number": phone_number, "first_name": first_name}
    if last_name:
        contact["last_name"] = last_name
    if user_id is not None:
        contact["user_id"] = user_id
    return {"contact": contact}


def own_contact(sb: Sandbox, user_id: int, phone_number: str | None = None) -> JSON:
    user = sb.world.user(user_id)
    return contact_content(
        user.first_name, phone_number or _phone_of(user), user.last_name, user.id
    )


# --- membership and blocking ------------------------------------------------------------


def set_blocked(sb: Sandbox, user_id: int, blocked: bool) -> Sent:
    """The person blocks (or unblocks) the bot: the bot gets ``my_chat_member``."""
    user = sb.world.user(user_id)
    chat = sb.world.chats[user.id]
    update = None
    if user.blocked_bot != blocked:
        user.blocked_bot = blocked
        if chat.started:
            old, new = ("member", "kicked") if blocked else ("kicked", "member")
            update = sb.deliver(
                {"my_chat_member": _member_change(sb, chat, user, old, new)}, chat.id
            )
        sb.world.changed(chat, "blocked", blocked)
    return Sent(
        chat.id, None, update["update_id"] if update else None, update is not None, chat.version
    )


def _member_change(sb: Sandbox, chat: Chat, actor: User, old: str, new: str) -> JSON:
    return {
        "chat": chat.to_json(),
        "from": actor.to_json(),
        "date": int(time.time()),
        "old_chat_member": member_json(sb.bot, old),
        "new_chat_member": member_json(sb.bot, new),
    }


def create_group(
    sb: Sandbox,
    title: str,
    *,
    chat_id: int | None = None,
    kind: str = "supergroup",
    members: list[int] | None = None,
    admins: list[int] | None = None,
    bot_status: str = "member",
) -> Chat:
    """A staff group; its first member created it and added the bot (which is told so)."""
    if bot_status not in ("member", "administrator", "left"):
        raise ControlError('bot_status must be "member", "administrator" or "left"')
    people = [sb.world.user(uid) for uid in (members or [])]
    chat = sb.world.add_group(title, chat_id=chat_id, kind=kind, bot_status=bot_status)
    for index, person in enumerate(people):
        chat.members[person.id] = "creator" if index == 0 else "member"
    for uid in admins or []:
        if uid not in chat.members:
            raise ControlError(f"admin {uid} must also be in members")
        if chat.members[uid] != "creator":
            chat.members[uid] = "administrator"
    if people and bot_status != "left":
        creator = people[0]
        message = sb.world.add_message(chat, creator, {"new_chat_members": [sb.bot.to_json()]})
        sb.deliver(
            {"my_chat_member": _member_change(sb, chat, creator, "left", bot_status)}, chat.id
        )
        sb.deliver({"message": dict(message.data)}, chat.id)
    return chat


def seed_demo(sb: Sandbox, demo: DemoChats) -> Chat:
    """The demo worker, and the demo staff group with its staff member and the bot in it."""
    sb.world.add_user(demo.worker_name, user_id=demo.worker_id, language_code=demo.language_code)
    sb.world.add_user(demo.staff_name, user_id=demo.staff_id, language_code=demo.language_code)
    existing = sb.world.chats.get(demo.group_id)
    if existing is not None:
        return existing
    return create_group(sb, demo.group_title, chat_id=demo.group_id, members=[demo.staff_id])


def add_member(sb: Sandbox, chat_id: int, user_id: int, status: str = "member") -> Sent:
    """Someone joins a group (or changes role); joining is announced like on Telegram."""
    if status not in ("creator", "administrator", "member", "left", "kicked"):
        raise ControlError("unknown member status")
    user = sb.world.user(user_id)
    chat = sb.world.chat(chat_id)
    if not chat.is_group:
        raise ControlError(f"chat {chat_id} is not a group")
    was_in = chat.members.get(user.id, "left") not in ("left", "kicked")
    chat.members[user.id] = status
    now_in = status not in ("left", "kicked")
    if was_in == now_in:
        return Sent(chat.id, None, None, False, sb.world.changed(chat, "members", user.id))
    content = (
        {"new_chat_members": [user.to_json()]} if now_in else {"left_chat_member": user.to_json()}
    )
    message = sb.world.add_message(chat, user, content)
    return _deliver(sb, chat, "message", message)


def set_bot_status(sb: Sandbox, chat_id: int, status: str) -> Sent:
    """Promote, demote or remove the bot in a group (it gets ``my_chat_member``)."""
    if status not in ("member", "administrator", "left", "kicked"):
        raise ControlError("bot status must be member, administrator, left or kicked")
    chat = sb.world.chat(chat_id)
    if not chat.is_group:
        raise ControlError(f"chat {chat_id} is not a group")
    actor_id = next(iter(chat.members), None)
    old, chat.bot_status = chat.bot_status, status
    update = None
    if actor_id is not None and old != status:
        actor = sb.world.users[actor_id]
        update = sb.deliver(
            {"my_chat_member": _member_change(sb, chat, actor, old, status)}, chat.id
        )
    version = sb.world.changed(chat, "bot_status", status)
    return Sent(chat.id, None, update["update_id"] if update else None, update is not None, version)


def raw_update(sb: Sandbox, body: JSON) -> JSON:
    """Any update body the actions above do not model, passed to the bot as it is."""
    if not isinstance(body, dict) or len(body) != 1:
        raise ControlError('give one update field, e.g. {"message": {...}}')
    kind, payload = next(iter(body.items()))
    chat = payload.get("chat") or payload.get("message", {}).get("chat") or {}
    update = sb.deliver({kind: payload}, int(chat.get("id", 0)))
    if update is None:
        raise ControlError(f"{kind} is filtered out by the bot's allowed_updates")
    return update


def media_content(kind: str, sb: Sandbox, **fields: Any) -> JSON:
    """A sticker, voice note, photo, video, document or poll as Telegram describes it."""
    caption = fields.pop("caption", None)
    data: bytes | None = fields.pop("data", None)
    name = fields.pop("file_name", None)
    mime = fields.pop("mime_type", None)
    stored = sb.world.add_file(kind, file_name=name, mime_type=mime, data=data)
    ids: JSON = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    if data is not None:
        ids["file_size"] = len(data)
    content: JSON
    if kind == "sticker":
        content = {
            "sticker": {
                **ids,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": fields.get("emoji") or "👍",
            }
        }
    elif kind == "voice":
        content = {
            "voice": {**ids, "duration": int(fields.get("duration") or 3), "mime_type": "audio/ogg"}
        }
    elif kind == "photo":
        content = {"photo": [{**ids, "width": 1280, "height": 960}]}
    elif kind == "video":
        content = {
            "video": {
                **ids,
                "width": 1280,
                "height": 720,
                "duration": int(fields.get("duration") or 5),
            }
        }
    elif kind == "document":
        content = {
            "document": {
                **ids,
                "file_name": name or "file.bin",
                "mime_type": mime or "application/octet-stream",
            }
        }
    else:
        raise ControlError(f"unknown media kind {kind!r}")
    if caption:
        content["caption"] = caption
        entities = detect_entities(caption)
        if entities:
            content["caption_entities"] = entities
    return content


def poll_content(question: str, options: list[str]) -> JSON:
    if not question or len(options) < 2:
        raise ControlError("a poll needs a question and at least two options")
    return {
        "poll": {
            "id": str(abs(hash((question, tuple(options)))) % 10**18),
            "question": question,
            "options": [
                {"text": option, "voter_count": 0, "persistent_id": str(index)}
                for index, option in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            # Required by PTB 22.8 (Bot API 9.6/10.0).
            "allows_revoting": False,
            "members_only": False,
        }
    }
