"""An async client of the sandbox's control API, for tests and benchmarks.

    async with SandboxClient(url) as sandbox:
        worker = await sandbox.create_user("Sari", language_code="id")
        await sandbox.send_text(worker["id"], "/start")
        [greeting] = await sandbox.wait_for_messages(worker["id"])
        await sandbox.press_button(worker["id"], greeting["message_id"], text="Kalkulator")

The client keeps a cursor per chat (the last message it sent or was handed there), so
``wait_for_messages`` returns the bot's *new* messages without sleeping and without races.
:func:`run_in_thread` runs a sandbox server in a background thread for synchronous fixtures.
"""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from types import TracebackType
from typing import Any

import aiohttp

from sandbox.config import SandboxConfig
from sandbox.server import SandboxHandle, start_sandbox

JSON = dict[str, Any]


def _present(body: JSON) -> JSON:
    """The body without the fields left at None (the server applies its defaults)."""
    return {key: value for key, value in body.items() if value is not None}


class SandboxError(Exception):
    """The control API refused a request (unknown user, no such button, ...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class SandboxTimeout(TimeoutError):
    """What a test waited for did not happen in time; the message says what did."""


@dataclass(frozen=True)
class SentUpdate:
    """What a person's action produced."""

    chat_id: int
    message_id: int | None
    update_id: int | None  # None when the bot was not sent an update (group privacy)
    delivered: bool
    version: int
    callback_query_id: str | None = None
    edit_count: int | None = None
    url: str | None = None

    @classmethod
    def from_json(cls, data: JSON) -> SentUpdate:
        names = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


@dataclass(frozen=True)
class SentDocument:
    """A document the bot sent, with its bytes."""

    file_id: str
    file_name: str | None
    mime_type: str | None
    size: int | None
    chat_id: int
    message_id: int
    caption: str | None
    data: bytes

    def text(self, encoding: str = "utf-8") -> str:
        return self.data.decode(encoding)


class SandboxClient:
    """Plays the people on the Telegram side and reads what the bot did."""

    def __init__(self, base_url: str, *, session: aiohttp.ClientSession | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._api = f"{self.base_url}/sandbox/api"
        self._session = session
        self._own_session = session is None
        self._cursor: dict[int, int] = {}  # chat id -> last message id handed out or sent
        self._edits: dict[tuple[int, int], int] = {}  # (chat, message) -> edit count seen

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            # No connection cap: benchmarks hold many long polls open at once.
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        return self._session

    async def _call(
        self,
        method: str,
        path: str,
        body: JSON | None = None,
        params: dict[str, Any] | None = None,
        wait: float = 0.0,
    ) -> Any:
        query = {k: str(v) for k, v in (params or {}).items() if v is not None}
        timeout = aiohttp.ClientTimeout(total=wait + 30.0)
        async with self._http().request(
            method, f"{self._api}{path}", json=body, params=query, timeout=timeout
        ) as response:
            if response.content_type == "application/json":
                data = await response.json()
            else:
                data = await response.read()
            if response.status >= 400:
                message = data.get("error", data) if isinstance(data, dict) else data
                raise SandboxError(response.status, str(message))
            return data

    async def _send(self, kind: str, user_id: int, **body: Any) -> SentUpdate:
        payload = _present(body)
        data = await self._call("POST", f"/send/{kind}", {"user_id": user_id, **payload})
        sent = SentUpdate.from_json(data)
        if sent.message_id is not None:
            self._cursor[sent.chat_id] = sent.message_id
        return sent

    # --- lifecycle and configuration ----------------------------------------------------

    async def reset(self, *, everything: bool = False) -> None:
        """Forget people, chats and counters (the bot's commands and webhook stay)."""
        await self._call("POST", "/reset", {"everything": everything})
        self._cursor.clear()
        self._edits.clear()

    async def bot_info(self) -> JSON:
        result: JSON = await self._call("GET", "/bot")
        return result

    async def set_rate_limits(self, enabled: bool, **overrides: float) -> JSON:
        """Switch 429 enforcement; overrides: global_per_second, private_burst, ..."""
        result: JSON = await self._call("POST", "/rate-limits", {"enabled": enabled, **overrides})
        return result

    async def stats(self) -> JSON:
        result: JSON = await self._call("GET", "/stats")
        return result

    async def reset_stats(self) -> None:
        await self._call("POST", "/stats/reset")

    async def inject_fault(
        self,
        method: str,
        status: int | str = 500,
        *,
        times: int | None = 1,
        fraction: float | None = None,
        seconds: float | None = None,
        retry_after: int | None = None,
        description: str | None = None,
        chat_id: int | None = None,
    ) -> JSON:
        """Fail the next ``times`` calls of ``method`` ("*" for any), or a ``fraction`` of
        them, with 500, 502, 429, 403, 400, or "timeout" (hang ``seconds``, then handle).
        With ``chat_id``, only calls about that chat count."""
        body = {
            "method": method,
            "kind": str(status),
            "times": None if fraction is not None else times,
            "fraction": fraction,
            "seconds": seconds,
            "retry_after": retry_after,
            "description": description,
            "chat_id": chat_id,
        }
        result: JSON = await self._call("POST", "/faults", _present(body))
        return result

    async def faults(self) -> JSON:
        result: JSON = await self._call("GET", "/faults")
        return result

    async def clear_faults(self) -> None:
        await self._call("DELETE", "/faults")

    async def webhook_info(self) -> JSON:
        result: JSON = await self._call("GET", "/webhook")
        return result

    # --- people and groups --------------------------------------------------------------

    async def create_user(
        self,
        first_name: str = "Pekerja",
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
    ) -> JSON:
        """Create (or, with an existing ``user_id``, update) a person; returns the User."""
        body = {
            "first_name": first_name,
            "id": user_id,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
        }
        result: JSON = await self._call("POST", "/users", _present(body))
        return result

    async def create_group(
        self,
        title: str = "Kantor Cabang",
        *,
        chat_id: int | None = None,
        members: Iterable[int] = (),
        admins: Iterable[int] = (),
        bot_is_admin: bool = False,
        kind: str = "supergroup",
    ) -> JSON:
        """A group with the bot in it; the first member is its creator."""
        body = {
            "title": title,
            "id": chat_id,
            "members": list(members),
            "admins": list(admins),
            "bot_is_admin": bot_is_admin,
            "type": kind,
        }
        result: JSON = await self._call("POST", "/groups", _present(body))
        return result

    async def add_member(self, chat_id: int, user_id: int, status: str = "member") -> SentUpdate:
        data = await self._call(
            "POST", f"/groups/{chat_id}/members", {"user_id": user_id, "status": status}
        )
        return SentUpdate.from_json(data)

    async def set_bot_status(self, chat_id: int, status: str) -> SentUpdate:
        """member, administrator, left or kicked."""
        data = await self._call("POST", f"/groups/{chat_id}/bot", {"status": status})
        return SentUpdate.from_json(data)

    async def block_bot(self, user_id: int) -> SentUpdate:
        return SentUpdate.from_json(await self._call("POST", f"/users/{user_id}/block"))

    async def unblock_bot(self, user_id: int) -> SentUpdate:
        return SentUpdate.from_json(await self._call("POST", f"/users/{user_id}/unblock"))

    # --- what people send ---------------------------------------------------------------

    async def send_text(
        self, user_id: int, text: str, *, chat_id: int | None = None, reply_to: int | None = None
    ) -> SentUpdate:
        """Text as typed (commands like "/start kode" get a bot_command entity)."""
        return await self._send(
            "text", user_id, text=text, chat_id=chat_id, reply_to_message_id=reply_to
        )

    async def send_contact(
        self,
        user_id: int,
        phone_number: str | None = None,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        contact_user_id: int | None = None,
        chat_id: int | None = None,
    ) -> SentUpdate:
        """The person's own contact (no ``first_name``), or someone else's: give
        ``first_name`` and a ``contact_user_id`` other than theirs, or none."""
        return await self._send(
            "contact",
            user_id,
            phone_number=phone_number,
            first_name=first_name,
            last_name=last_name,
            contact_user_id=contact_user_id,
            own=first_name is None,
            chat_id=chat_id,
        )

    async def send_location(
        self, user_id: int, latitude: float, longitude: float, *, chat_id: int | None = None
    ) -> SentUpdate:
        return await self._send(
            "location", user_id, latitude=latitude, longitude=longitude, chat_id=chat_id
        )

    async def send_sticker(
        self, user_id: int, emoji: str = "👍", *, chat_id: int | None = None
    ) -> SentUpdate:
        return await self._send("sticker", user_id, emoji=emoji, chat_id=chat_id)

    async def send_voice(
        self, user_id: int, duration: int = 3, *, chat_id: int | None = None
    ) -> SentUpdate:
        return await self._send("voice", user_id, duration=duration, chat_id=chat_id)

    async def send_photo(
        self, user_id: int, caption: str | None = None, *, chat_id: int | None = None
    ) -> SentUpdate:
        return await self._send("photo", user_id, caption=caption, chat_id=chat_id)

    async def send_video(
        self, user_id: int, caption: str | None = None, *, chat_id: int | None = None
    ) -> SentUpdate:
        return await self._send("video", user_id, caption=caption, chat_id=chat_id)

    async def send_document(
        self,
        user_id: int,
        file_name: str,
        data: bytes,
        *,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> SentUpdate:
        return await self._send(
            "document",
            user_id,
            file_name=file_name,
            data_base64=base64.b64encode(data).decode("ascii"),
            mime_type=mime_type,
            caption=caption,
            chat_id=chat_id,
        )

    async def send_poll(
        self, user_id: int, question: str, options: Iterable[str], *, chat_id: int | None = None
    ) -> SentUpdate:
        return await self._send(
            "poll", user_id, question=question, options=list(options), chat_id=chat_id
        )

    async def forward_text(
        self,
        user_id: int,
        text: str,
        *,
        from_user_id: int | None = None,
        from_name: str | None = None,
        chat_id: int | None = None,
    ) -> SentUpdate:
        """A forwarded text: from a known user, or from a hidden one called ``from_name``."""
        return await self._send(
            "forward",
            user_id,
            text=text,
            from_user_id=from_user_id,
            from_name=from_name,
            chat_id=chat_id,
        )

    async def edit_text(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> SentUpdate:
        """The person edits their message; the bot gets ``edited_message``."""
        body = {"user_id": user_id, "message_id": message_id, "text": text, "chat_id": chat_id}
        data = await self._call("POST", "/edit", _present(body))
        return SentUpdate.from_json(data)

    async def press_button(
        self,
        chat_id: int,
        message_id: int | None = None,
        data: str | None = None,
        text: str | None = None,
        *,
        user_id: int | None = None,
        forge: bool = False,
    ) -> SentUpdate:
        """Tap an inline button found by ``data`` or label ``text`` on ``message_id`` (default:
        the last bot message with a keyboard). ``user_id`` is needed in groups. ``forge`` sends
        ``data`` even if no such button exists."""
        body = {
            "chat_id": chat_id,
            "message_id": message_id,
            "data": data,
            "text": text,
            "user_id": user_id,
            "forge": forge,
        }
        result = await self._call("POST", "/press", _present(body))
        sent = SentUpdate.from_json(result)
        if sent.message_id is not None and sent.edit_count is not None:
            self._edits[(sent.chat_id, sent.message_id)] = sent.edit_count
        return sent

    async def press_reply_button(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
        forge: bool = False,
    ) -> SentUpdate:
        """Tap a reply-keyboard button: sends its text, or the person's contact or location
        (``latitude``/``longitude``) when the button requests them."""
        body = {
            "user_id": user_id,
            "text": text,
            "chat_id": chat_id,
            "latitude": latitude,
            "longitude": longitude,
            "forge": forge,
        }
        data = await self._call("POST", "/reply-button", _present(body))
        sent = SentUpdate.from_json(data)
        if sent.message_id is not None:
            self._cursor[sent.chat_id] = sent.message_id
        return sent

    async def push_update(self, body: JSON) -> JSON:
        """Hand the bot any update body, e.g. ``{"message": {...}}``; returns the update."""
        result: JSON = await self._call("POST", "/updates", body)
        return result

    async def redeliver(self, update_id: int) -> JSON:
        """Send an update again, as Telegram does when a webhook did not answer 200."""
        result: JSON = await self._call("POST", f"/updates/{update_id}/redeliver")
        return result

    # --- what the bot did ---------------------------------------------------------------

    async def chat(self, chat_id: int) -> JSON:
        """The chat, with ``reply_keyboard`` (what the person sees now) and ``version``."""
        result: JSON = await self._call("GET", f"/chats/{chat_id}")
        return result

    async def messages(
        self,
        chat_id: int,
        *,
        after: int = 0,
        sender: str = "all",
        include_deleted: bool = True,
    ) -> list[JSON]:
        """Messages of a chat in order (``sender``: all, bot or user), with ``edit_count``,
        ``deleted``, ``from_bot`` and ``reply_markup`` as sent."""
        params = {"after": after, "from": sender, "include_deleted": int(include_deleted)}
        result: list[JSON] = await self._call("GET", f"/chats/{chat_id}/messages", params=params)
        return result

    async def last_message(self, chat_id: int) -> JSON | None:
        """The bot's latest message in the chat that is not deleted."""
        params = {"from": "bot", "include_deleted": 0, "limit": 1}
        found: list[JSON] = await self._call("GET", f"/chats/{chat_id}/messages", params=params)
        return found[-1] if found else None

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - a deadline for the server's long poll
        *,
        after: int | None = None,
    ) -> list[JSON]:
        """The next ``count`` messages the bot sends into the chat after the cursor (the
        client's last send there, or the last message this method returned)."""
        start = self._cursor.get(chat_id, 0) if after is None else after
        params = {"count": count, "after": start, "timeout": timeout}
        result = await self._call("GET", f"/chats/{chat_id}/wait", params=params, wait=timeout)
        found: list[JSON] = result["messages"][:count]
        if result["timed_out"]:
            seen = [m.get("text") or m.get("caption") or "<media>" for m in found]
            raise SandboxTimeout(
                f"the bot sent {len(found)} of {count} messages to chat {chat_id} after message "
                f"{start} within {timeout}s; got: {seen}"
            )
        self._cursor[chat_id] = found[-1]["message_id"]
        return found

    async def wait_for_edit(
        self,
        chat_id: int,
        message_id: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - a deadline for the server's long poll
        *,
        after_edits: int | None = None,
    ) -> JSON:
        """The message once the bot edited (or deleted) it again; by default "again" means
        since this client pressed one of its buttons or last saw it edited."""
        seen = self._edits.get((chat_id, message_id), 0) if after_edits is None else after_edits
        params = {"after_edits": seen, "timeout": timeout}
        path = f"/chats/{chat_id}/messages/{message_id}/wait-edit"
        result = await self._call("GET", path, params=params, wait=timeout)
        message: JSON = result["message"]
        if result["timed_out"]:
            raise SandboxTimeout(
                f"the bot did not edit message {message_id} in chat {chat_id} within {timeout}s "
                f"(edits: {message['edit_count']}, text: {message.get('text')!r})"
            )
        self._edits[(chat_id, message_id)] = message["edit_count"]
        return message

    async def wait_for_change(
        self,
        chat_id: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - a deadline for the server's long poll
        *,
        since: int,
    ) -> JSON:
        """Whatever changed in the chat after version ``since`` (from a SentUpdate): new and
        edited messages, callback answers, chat actions, and the chat itself."""
        params = {"since": since, "timeout": timeout}
        result: JSON = await self._call(
            "GET", f"/chats/{chat_id}/changes", params=params, wait=timeout
        )
        if result["version"] <= since:
            raise SandboxTimeout(f"nothing changed in chat {chat_id} within {timeout}s")
        return result

    async def callback_answer(
        self,
        query_id: str,
        timeout: float = 10.0,  # noqa: ASYNC109 - a deadline for the server's long poll
    ) -> JSON:
        """The bot's answerCallbackQuery for a press (``text``, ``show_alert``, ...)."""
        params = {"timeout": timeout}
        query: JSON = await self._call("GET", f"/callbacks/{query_id}", params=params, wait=timeout)
        if not query["answered"]:
            raise SandboxTimeout(f"the bot did not answer callback query {query_id} in time")
        answer: JSON = query["answer"]
        return answer

    async def documents(self, chat_id: int | None = None) -> list[SentDocument]:
        """Documents the bot sent (to one chat or anywhere), with their bytes."""
        listed: list[JSON] = await self._call("GET", "/documents", params={"chat_id": chat_id})
        contents = await asyncio.gather(*(self.download(item["file_id"]) for item in listed))
        return [
            SentDocument(
                file_id=item["file_id"],
                file_name=item["file_name"],
                mime_type=item["mime_type"],
                size=item["file_size"],
                chat_id=item["chat_id"],
                message_id=item["message_id"],
                caption=item["caption"],
                data=data,
            )
            for item, data in zip(listed, contents, strict=True)
        ]

    async def download(self, file_id: str) -> bytes:
        data: bytes = await self._call("GET", f"/files/{file_id}")
        return data

    async def commands(
        self, scope_type: str | None = None, language_code: str | None = None
    ) -> list[JSON]:
        """setMyCommands as stored: ``[{"scope", "language_code", "commands"}]``, filtered."""
        stored: list[JSON] = await self._call("GET", "/commands")
        return [
            entry
            for entry in stored
            if (scope_type is None or entry["scope"]["type"] == scope_type)
            and (language_code is None or entry["language_code"] == language_code)
        ]


def run_in_thread(
    port: int = 0,
    *,
    token: str = "123456:SANDBOX-TOKEN",
    rate_limits: bool = True,
    host: str = "127.0.0.1",
    **config: Any,
) -> tuple[str, Callable[[], None]]:
    """Run a sandbox server on its own loop in a daemon thread (for synchronous fixtures).

    Returns ``(base_url, stop)``; ``port=0`` picks a free port. Extra keyword arguments go to
    :class:`~sandbox.config.SandboxConfig`.
    """
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    box: dict[str, Any] = {}
    settings = SandboxConfig(token=token, rate_limits=rate_limits, **config)

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            handle: SandboxHandle = loop.run_until_complete(
                start_sandbox(host, port, token=token, config=settings)
            )
        except BaseException as exc:
            box["error"] = exc
            ready.set()
            return
        box["url"] = handle.url
        ready.set()
        loop.run_forever()
        loop.run_until_complete(handle.close())
        loop.close()

    thread = threading.Thread(target=serve, name="sandbox-server", daemon=True)
    thread.start()
    ready.wait()
    if "error" in box:
        raise box["error"]

    def stop() -> None:
        if thread.is_alive():
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)

    return box["url"], stop
