"""Per-chat ordering: one chat's updates in order, different chats concurrently."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.ordering import PerChatOrderedProcessor


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, "private")
    user = User(chat_id, "U", is_bot=False)
    message = Message(update_id, datetime.now(UTC), chat, from_user=user, text=str(update_id))
    return Update(update_id, message=message)


async def test_each_chat_keeps_its_order_while_chats_overlap() -> None:
    processor = PerChatOrderedProcessor(max_concurrent_updates=16)
    seen: dict[int, list[int]] = {}
    running = 0
    peak = 0

    async def handle(u: Update) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(random.uniform(0, 0.01))  # handlers take different times
        assert u.effective_chat is not None
        seen.setdefault(u.effective_chat.id, []).append(u.update_id)
        running -= 1

    updates = [update(i, chat_id=i % 5) for i in range(200)]
    await asyncio.gather(*(processor.process_update(u, handle(u)) for u in updates))
    for chat_id, ids in seen.items():
        assert ids == sorted(ids), chat_id
    assert sum(len(v) for v in seen.values()) == 200
    assert peak > 1  # chats really ran concurrently
    assert processor.chats_in_flight == 0  # no lock left behind
