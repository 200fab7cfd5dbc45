"""Shared pieces of the hardening tests: a worker who talks to the bot step by step, expected
texts in both languages, staff groups linked through the real CLI, and checks on the database
and the bot's log."""

from __future__ import annotations

import asyncio
import html
import re
import subprocess
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from bot.i18n import _
from bot.presentation.input_errors import ERRORS
from bot.presentation.lead_cards import CARD_REPEAT_MARKER, STAFF_LANGUAGE
from db.engine import Database
from db.models import ConversationState, Lead, OutboxMessage, User
from sandbox.client import SandboxClient, SentUpdate
from tests.e2e.harness import ROOT, BotProcess, new_user_id

JSON = dict[str, Any]
LANGUAGES = ("id", "en")
LAMONGAN = (-7.12, 112.42)
APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."
UNSUPPORTED = (
    "Sorry, I can only read text. Please type your question, for example: "
    "<i>how much is the contribution per month?</i> Or press /start for the menu."
)
LONG_MESSAGE = (
    "That is a long message! Please ask one short question at a time, e.g. "
    "<i>how much per month?</i>"
)


def query_id(sent: SentUpdate) -> str:
    """The callback query a press produced (a press always produces one)."""
    assert sent.callback_query_id is not None
    return sent.callback_query_id


def plain(text: str) -> str:
    """What a person reads of an HTML message: the sandbox stores text without the tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def says(msgid: str, lang: str, **params: object) -> str:
    """The plain text of a catalogue message, as the worker reads it."""
    return plain(_(msgid, lang, **params))


def error_hint(reason: str, lang: str) -> str:
    return says(ERRORS[reason], lang)


def labels(message: JSON) -> list[str]:
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [b["text"] if isinstance(b, dict) else b for row in rows for b in row]


def has_keyboard(message: JSON) -> bool:
    markup = message.get("reply_markup") or {}
    return bool(markup.get("inline_keyboard") or markup.get("keyboard"))


async def next_prompt(sandbox: SandboxClient, chat_id: int, wait: float = 10.0) -> JSON:
    """The next bot message that asks something (has buttons), skipping notes like "Saved"."""
    while True:
        [message] = await sandbox.wait_for_messages(chat_id, timeout=wait)
        if has_keyboard(message):
            return message


@dataclass
class Worker:
    """One worker in a private chat with the bot."""

    sandbox: SandboxClient
    lang: str = "id"
    first_name: str = "Sari"
    id: int = field(default_factory=new_user_id)

    async def create(self) -> Worker:
        await self.sandbox.create_user(self.first_name, user_id=self.id, language_code=self.lang)
        return self

    async def say(self, text: str) -> JSON:
        """Send a text; the bot's next message."""
        await self.sandbox.send_text(self.id, text)
        [reply] = await self.sandbox.wait_for_messages(self.id)
        return reply

    async def answer(self, text: str) -> JSON:
        """Send a text during a conversation; the next prompt (a message with buttons)."""
        await self.sandbox.send_text(self.id, text)
        return await next_prompt(self.sandbox, self.id)

    async def press(self, prompt: JSON, data: str) -> JSON:
        await self.sandbox.press_button(self.id, prompt["message_id"], data=data)
        return await next_prompt(self.sandbox, self.id)

    async def start_registration(self) -> JSON:
        """/daftar and consent: the name prompt."""
        await self.sandbox.send_text(self.id, "/daftar")
        consent = await next_prompt(self.sandbox, self.id)
        return await self.press(consent, "r:consent:yes")

    async def register_to(self, step: str, *, name: str = "Siti Aminah",
                          phone: str = "0812-3456-7890", occupation: str = "nelayan",
                          place: str | tuple[float, float] = "lamongan",
                          income: str | None = "2,5 juta") -> JSON:
        """Fill the registration with good answers up to ``step``; that step's prompt."""
        order = ("name", "phone", "occupation", "location", "income", "contact_time", "summary")
        prompt = await self.start_registration()
        for current in order:
            if current == step:
                return prompt
            if current == "name":
                prompt = await self.answer(name)
            elif current == "phone":
                prompt = await self.answer(phone)
            elif current == "occupation":
                prompt = await self.press(prompt, f"r:occupation:{occupation}")
            elif current == "location":
                if isinstance(place, tuple):
                    await self.sandbox.send_location(self.id, *place)
                    prompt = await next_prompt(self.sandbox, self.id)
                else:
                    prompt = await self.answer(place)
            elif current == "income":
                prompt = (
                    await self.answer(income)
                    if income is not None
                    else await self.press(prompt, "r:income:skip")
                )
            elif current == "contact_time":
                prompt = await self.press(prompt, "r:contact_time:pagi")
        return prompt

    async def confirm(self, summary: JSON) -> JSON:
        await self.sandbox.press_button(self.id, summary["message_id"], data="r:summary:confirm")
        [done] = await self.sandbox.wait_for_messages(self.id)
        assert done["text"].startswith("✅"), done["text"]
        return done


async def link_group(sandbox: SandboxClient, bot: BotProcess, branch_code: str,
                     title: str | None = None) -> tuple[int, int]:
    """A staff group linked to ``branch_code`` through the real CLI and /hubungkan."""
    staff_id = new_user_id()
    await sandbox.create_user("Petugas", user_id=staff_id, last_name="Cabang", language_code="id")
    group = await sandbox.create_group(title or f"Staf {branch_code}", members=[staff_id])
    code = await link_code(bot, branch_code)
    await sandbox.send_text(staff_id, f"/hubungkan {code}", chat_id=group["id"])
    [reply] = await sandbox.wait_for_messages(group["id"])
    assert "menerima lead" in reply["text"], reply["text"]
    return group["id"], staff_id


async def link_code(bot: BotProcess, branch_code: str) -> str:
    env = {"DATABASE_URL": bot.database_url, "PATH": "/usr/bin:/bin"}
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "cabang", "link-code", branch_code],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def is_marked_repeat(message: JSON) -> bool:
    """A card sent again after a send whose outcome was unknown: it says so on its first line."""
    return (message.get("text") or "").split("\n")[0] == says(CARD_REPEAT_MARKER, STAFF_LANGUAGE)


def card_title(message: JSON) -> str:
    """A card's title line (below the repeat line of a marked repeat)."""
    lines = (message.get("text") or "").split("\n")
    return lines[1] if is_marked_repeat(message) and len(lines) > 1 else lines[0]


async def wait_for_card(sandbox: SandboxClient, chat_id: int, lead_id: int,
                        timeout: float = 15.0) -> JSON:  # noqa: ASYNC109 - a long-poll deadline
    """The next card for ``lead_id`` the bot posts in ``chat_id`` (after the client's cursor),
    marked as a possible repeat or not."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    pattern = re.compile(rf"#{lead_id}\b")
    while True:
        remaining = max(0.1, deadline - loop.time())
        [message] = await sandbox.wait_for_messages(chat_id, timeout=remaining)
        if pattern.search(card_title(message)):
            return message


async def cards_for(sandbox: SandboxClient, chat_id: int, lead_id: int) -> list[JSON]:
    """Every card message about ``lead_id`` in ``chat_id`` so far (new, updated or reminders,
    marked repeats included)."""
    pattern = re.compile(rf"#{lead_id}\b")
    return [m for m in await sandbox.messages(chat_id, sender="bot")
            if pattern.search(card_title(m))]


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 10.0) -> None:
    """For state with no long poll (database rows, sandbox counters): check every 50 ms."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            raise AssertionError("the condition did not become true in time")
        await asyncio.sleep(0.05)


def unhandled_errors(bot: BotProcess) -> int:
    """How many updates the bot failed on so far (the error handler logs each once)."""
    if not bot.log_path.exists():
        return 0
    return bot.log_path.read_text(errors="replace").count("Unhandled error on")


def log_since(bot: BotProcess, offset: int) -> str:
    return bot.log_path.read_bytes()[offset:].decode(errors="replace")


def log_size(bot: BotProcess) -> int:
    return bot.log_path.stat().st_size if bot.log_path.exists() else 0


async def user_row(db: Database, telegram_id: int) -> User | None:
    async with db.transaction() as session:
        result = await session.execute(select(User).where(User.telegram_id == telegram_id))
        return result.scalar_one_or_none()


async def leads_of(db: Database, telegram_id: int) -> list[Lead]:
    async with db.transaction() as session:
        result = await session.execute(
            select(Lead).join(User, Lead.user_id == User.id).where(User.telegram_id == telegram_id)
        )
        return list(result.scalars())


async def conversation_of(db: Database, telegram_id: int) -> ConversationState | None:
    async with db.transaction() as session:
        result = await session.execute(
            select(ConversationState)
            .join(User, ConversationState.user_id == User.id)
            .where(User.telegram_id == telegram_id)
        )
        return result.scalar_one_or_none()


async def count(db: Database, model: type[Any]) -> int:
    async with db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def pending_outbox(db: Database) -> int:
    async with db.transaction() as session:
        query = select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == "pending"
        )
        return int((await session.execute(query)).scalar_one())
