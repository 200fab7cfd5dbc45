"""The sandbox's world, in memory: users, chats, messages, files, callback queries.

Messages are kept as the Telegram JSON the bot sees (``StoredMessage.data``) plus what tests
need to know (who sent it, the markup as sent, how often it was edited, whether it was deleted).
Every change bumps the chat's version and records it, so long polls can ask "what changed in this
chat since version V" in O(log n).
"""

from __future__ import annotations

import bisect
import itertools
import time
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from sandbox.errors import ControlError
from sandbox.watch import Watch

JSON = dict[str, Any]


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    blocked_bot: bool = False

    def to_json(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def control_json(self) -> JSON:
        return {**self.to_json(), "blocked_bot": self.blocked_bot}


@dataclass
class StoredMessage:
    chat_id: int
    message_id: int
    data: JSON  # the Message object as the Bot API returns it
    from_bot: bool
    markup: JSON | None = None  # reply_markup as sent, reply keyboards included
    edit_count: int = 0
    deleted: bool = False
    version: int = 0

    @property
    def text(self) -> str | None:
        value = self.data.get("text", self.data.get("caption"))
        return value if isinstance(value, str) else None

    def inline_buttons(self) -> list[JSON]:
        markup = self.data.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    def control_json(self) -> JSON:
        view = dict(self.data)
        view.update(
            chat_id=self.chat_id,
            from_bot=self.from_bot,
            edit_count=self.edit_count,
            deleted=self.deleted,
            version=self.version,
        )
        if self.markup is not None:
            view["reply_markup"] = self.markup
        return view


@dataclass
class Chat:
    id: int
    type: str  # "private", "group" or "supergroup"
    title: str | None = None
    user: User | None = None  # the other side of a private chat
    started: bool = False  # a private chat exists for the bot once the user wrote to it
    members: dict[int, str] = field(default_factory=dict)  # user id -> status
    bot_status: str = "member"
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    bot_message_ids: list[int] = field(default_factory=list)
    next_message_id: int = 1
    version: int = 0
    changes: list[tuple[int, str, Any]] = field(default_factory=list)  # (version, kind, ref)
    reply_keyboard: JSON | None = None  # the reply keyboard the user currently sees

    @property
    def is_group(self) -> bool:
        return self.type != "private"

    def to_json(self) -> JSON:
        if self.user is not None:
            data = self.user.to_json()
            data.pop("is_bot", None)
            data.pop("language_code", None)
            return {**data, "type": "private"}
        return {"id": self.id, "type": self.type, "title": self.title or ""}

    def control_json(self) -> JSON:
        return {
            **self.to_json(),
            "started": self.started,
            "members": {str(uid): status for uid, status in self.members.items()},
            "bot_status": self.bot_status,
            "version": self.version,
            "reply_keyboard": self.reply_keyboard,
            "message_count": len(self.messages),
        }

    def changed_since(self, version: int) -> list[tuple[int, str, Any]]:
        start = bisect.bisect_right(self.changes, version, key=lambda change: change[0])
        return self.changes[start:]

    def bot_messages_after(self, message_id: int) -> list[StoredMessage]:
        start = bisect.bisect_right(self.bot_message_ids, message_id)
        return [self.messages[mid] for mid in self.bot_message_ids[start:]]


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str | None
    created: float
    answered: bool = False
    answer: JSON | None = None

    def control_json(self) -> JSON:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "data": self.data,
            "answered": self.answered,
            "answer": self.answer,
        }


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str  # "document", "photo", ...
    file_name: str | None
    mime_type: str | None
    data: bytes | None  # None when only a URL or an unknown file_id was sent
    chat_id: int | None = None
    message_id: int | None = None
    url: str | None = None

    @property
    def file_path(self) -> str:
        # Like Telegram's "documents/file_12.csv": URL-safe, keeps the extension.
        suffix = PurePosixPath(self.file_name or "").suffix
        if not suffix[1:].isalnum():
            suffix = ""
        return f"{self.kind}s/{self.file_unique_id}{suffix}"

    def control_json(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "kind": self.kind,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": len(self.data) if self.data is not None else None,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "url": self.url,
        }


def member_json(user: User, status: str) -> JSON:
    data: JSON = {"status": status, "user": user.to_json()}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
            can_pin_messages=True,
        )
    elif status == "kicked":
        data["until_date"] = 0
    return data


class World:
    """Users, chats and everything in them; knows nothing about HTTP."""

    def __init__(self, bot: User, watch: Watch) -> None:
        self.bot = bot
        self.watch = watch
        self._query_ids = itertools.count(4_000_000_000_000_000_001)
        self._file_ids = itertools.count(1)
        # Ids keep counting across resets: a bot still running from an earlier test must not
        # mistake a new user for one it remembers.
        self._user_ids = itertools.count(100_000_001)
        self._group_ids = itertools.count(1)
        self.reset(bot_config=True)

    def reset(self, *, bot_config: bool = False) -> None:
        """Forget users, chats, files and queries; the bot's own settings survive unless asked."""
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.file_paths: dict[str, StoredFile] = {}  # getFile's file_path -> file
        self.queries: dict[str, CallbackQuery] = {}
        if bot_config:
            self.commands: dict[tuple[str, str], list[JSON]] = {}
            self.menu_buttons: dict[int, JSON] = {}
            self.bot_texts: dict[tuple[str, str], str] = {}  # (kind, language) -> text

    # --- users and chats ------------------------------------------------------------------

    def add_user(
        self,
        first_name: str,
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> User:
        if user_id is None:
            user_id = next(self._user_ids)
            while user_id in self.users:
                user_id = next(self._user_ids)
        if user_id <= 0 or user_id == self.bot.id:
            raise ControlError("user ids are positive and differ from the bot's id")
        existing = self.users.get(user_id)
        if existing is not None:  # identify: update what was given, keep the rest
            existing.first_name = first_name or existing.first_name
            existing.last_name = last_name if last_name is not None else existing.last_name
            existing.username = username if username is not None else existing.username
            if language_code is not None:
                existing.language_code = language_code
            return existing
        user = User(user_id, first_name, last_name, username, language_code)
        self.users[user_id] = user
        self.chats[user_id] = Chat(id=user_id, type="private", user=user)
        return user

    def user(self, user_id: int) -> User:
        user = self.users.get(user_id)
        if user is None:
            raise ControlError(f"unknown user {user_id}; create it first", 404)
        return user

    def add_group(
        self,
        title: str,
        *,
        chat_id: int | None = None,
        kind: str = "supergroup",
        bot_status: str = "member",
    ) -> Chat:
        if kind not in ("group", "supergroup"):
            raise ControlError('group type must be "group" or "supergroup"')
        if chat_id is None:
            base = -1_001_000_000_000 if kind == "supergroup" else -4_000_000_000
            chat_id = base - next(self._group_ids)
            while chat_id in self.chats:
                chat_id = base - next(self._group_ids)
        if chat_id >= 0:
            raise ControlError("group chat ids are negative")
        if chat_id in self.chats:
            raise ControlError(f"chat {chat_id} already exists")
        chat = Chat(id=chat_id, type=kind, title=title, started=True, bot_status=bot_status)
        self.chats[chat_id] = chat
        return chat

    def chat(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ControlError(f"unknown chat {chat_id}", 404)
        return chat

    # --- messages -------------------------------------------------------------------------

    def add_message(
        self,
        chat: Chat,
        sender: User,
        content: JSON,
        *,
        markup: JSON | None = None,
        date: int | None = None,
    ) -> StoredMessage:
        """Store a new message from ``sender`` (the bot or a user) and announce it."""
        message_id = chat.next_message_id
        chat.next_message_id += 1
        data: JSON = {
            "message_id": message_id,
            "from": sender.to_json(),
            "chat": chat.to_json(),
            "date": date if date is not None else int(time.time()),
            **content,
        }
        from_bot = sender.id == self.bot.id
        if markup is not None and "inline_keyboard" in markup:
            data["reply_markup"] = markup
        message = StoredMessage(chat.id, message_id, data, from_bot, markup)
        chat.messages[message_id] = message
        if from_bot:
            chat.bot_message_ids.append(message_id)
        self.changed(chat, "message", message_id)
        return message

    def message(self, chat: Chat, message_id: int) -> StoredMessage | None:
        message = chat.messages.get(message_id)
        return None if message is None or message.deleted else message

    def changed(self, chat: Chat, kind: str, ref: Any) -> int:
        """Record a change in ``chat`` and wake whoever waits on it."""
        chat.version += 1
        chat.changes.append((chat.version, kind, ref))
        if kind == "message":
            chat.messages[ref].version = chat.version
        self.watch.notify(chat.id)
        return chat.version

    # --- files and callback queries -------------------------------------------------------

    def add_file(
        self,
        kind: str,
        *,
        file_name: str | None,
        mime_type: str | None,
        data: bytes | None,
        url: str | None = None,
    ) -> StoredFile:
        number = next(self._file_ids)
        stored = StoredFile(
            file_id=f"SBX{kind[:3].upper()}{number:010d}",
            file_unique_id=f"U{number:08d}",
            kind=kind,
            file_name=file_name,
            mime_type=mime_type,
            data=data,
            url=url,
        )
        self.files[stored.file_id] = stored
        self.file_paths[stored.file_path] = stored
        return stored

    def add_query(self, user: User, message: StoredMessage, data: str | None) -> CallbackQuery:
        query = CallbackQuery(
            id=str(next(self._query_ids)),
            user_id=user.id,
            chat_id=message.chat_id,
            message_id=message.message_id,
            data=data,
            created=time.monotonic(),
        )
        self.queries[query.id] = query
        return query
