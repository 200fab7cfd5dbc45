"""Flood control: one person sending 40 messages at once gets one slow-down notice in their
language, the excess is neither answered nor matched nor stored, and someone else writing at
the same time is answered as usual."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import func, select

from bot.events import EventKind
from db.engine import Database
from db.models import Event, User
from sandbox.client import SandboxClient, SandboxTimeout
from tests.e2e.harness import BotProcess
from tests.hardening.helpers import LANGUAGES, Worker, says

NOTICE = "You are sending messages very fast. Please wait a moment, then try again."
FLOOD = 40


async def _flood(sandbox: SandboxClient, worker: Worker, count: int = FLOOD) -> None:
    await asyncio.gather(*(sandbox.send_text(worker.id, f"berapa iuran sebulan {i}")
                           for i in range(count)))


async def _until_quiet(sandbox: SandboxClient, chat_id: int, first: int,
                       quiet: float = 1.5) -> list[dict]:
    """``first`` messages, then whatever else comes until the chat stays quiet for a while."""
    messages = await sandbox.wait_for_messages(chat_id, count=first, timeout=30)
    while True:
        try:
            messages += await sandbox.wait_for_messages(chat_id, timeout=quiet)
        except SandboxTimeout:
            return messages


async def _questions_recorded(db: Database, telegram_id: int) -> int:
    async with db.transaction() as session:
        query = (select(func.count()).select_from(Event).join(User, Event.user_id == User.id)
                 .where(User.telegram_id == telegram_id, Event.kind == EventKind.QUESTION))
        return int((await session.execute(query)).scalar_one())


@pytest.fixture
async def fast_private_chats(sandbox: SandboxClient) -> AsyncIterator[None]:
    await sandbox.set_rate_limits(True, private_burst=1000)
    yield
    await sandbox.set_rate_limits(True, private_burst=10)


@pytest.fixture(scope="module")
def killed_at_the_end(bot: BotProcess) -> Iterator[BotProcess]:
    """A flood under Telegram's rate limit leaves the bot a queue of a minute or more for one
    chat, which a graceful stop would work through: kill it instead when the module is done."""
    yield bot
    bot.stop(kill=True)


@pytest.mark.usefixtures("fast_private_chats")
@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_flood_gets_one_notice_and_no_work(sandbox: SandboxClient, bot_db: Database,
                                                   lang: str) -> None:
    flooder = await Worker(sandbox, lang).create()
    other = await Worker(sandbox, lang).create()
    await asyncio.gather(
        _flood(sandbox, flooder),
        *(sandbox.send_text(other.id, f"apa itu JKK {i}") for i in range(3)),
    )
    received = await _until_quiet(sandbox, flooder.id, first=21)
    notices = [m for m in received if m["text"] == says(NOTICE, lang)]
    answers = len(received) - len(notices)
    assert len(notices) == 1
    assert 20 <= answers < FLOOD, answers  # the bucket, plus what refilled meanwhile
    assert await _questions_recorded(bot_db, flooder.id) == answers  # no work for the excess
    # The other worker, writing at the same moment, was answered every time.
    replies = await sandbox.wait_for_messages(other.id, count=3)
    assert says(NOTICE, lang) not in [m["text"] for m in replies]


async def test_a_flood_is_noticed_under_telegrams_rate_limit(
    sandbox: SandboxClient, bot_db: Database, killed_at_the_end: BotProcess
) -> None:
    """With Telegram pacing the replies at 1/s, the bot handles this chat slower than the bucket
    refills: only a decision on arrival sees the flood."""
    flooder = await Worker(sandbox, "id").create()
    await _flood(sandbox, flooder)
    received = await _until_quiet(sandbox, flooder.id, first=21)
    texts = [m["text"] for m in received]
    assert texts.count(says(NOTICE, "id")) == 1
    answers = len(texts) - 1
    assert answers < FLOOD
    assert await _questions_recorded(bot_db, flooder.id) == answers


async def test_a_long_flood_does_not_hold_up_other_users(
    sandbox: SandboxClient, killed_at_the_end: BotProcess
) -> None:
    flooder = await Worker(sandbox, "id").create()
    other = await Worker(sandbox, "id", "Budi").create()
    await _flood(sandbox, flooder, count=90)
    await sandbox.send_text(other.id, "/start")
    [reply] = await sandbox.wait_for_messages(other.id, timeout=3)
    assert reply["text"].startswith("Halo Budi!")
