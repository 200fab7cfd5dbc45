"""Different users' updates run concurrently; one user's updates run in the order they came.

A registration must never see step 5 before step 4, but one slow database write must not hold
up every other worker either. python-telegram-bot's ``concurrent_updates=True`` gives the
first and loses the second; this processor gives both by serialising per chat.

It is also where flood control decides (``bot.flood``): on *arrival*, before the update waits
for its chat. Deciding later, when the update is handled, would measure the bot's own pace
(slowed by Telegram's per-chat limit) instead of the sender's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.flood import FloodControl

DEFAULT_CONCURRENCY = 64
# python-telegram-bot's own semaphore is taken *before* our per-chat wait; were it the real
# limit, one chat with many queued updates would hold every slot and stall all other users.
# So it is made effectively unlimited and the real limit is taken after the chat's turn comes.
_UNBOUNDED = 1_000_000


def ordering_key(update: object) -> int | None:
    """Updates with the same key are processed one at a time, in order: the chat (a worker's
    private chat, or a branch group, so two staff presses on one card do not race)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class PerChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        max_concurrent_updates: int = DEFAULT_CONCURRENCY,
        flood: FloodControl | None = None,
    ) -> None:
        super().__init__(_UNBOUNDED)
        self._running = asyncio.Semaphore(max_concurrent_updates)
        self.flood = flood
        # update_id -> True when this update is the first refused one of a flood (send the
        # notice), False when it is refused silently. Read by handlers.flood.
        self.refused: dict[int, bool] = {}
        # key -> (lock, number of updates holding or waiting for it); dropped at zero so the
        # table stays as small as the number of chats with updates in flight.
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self._refuse_flood(update, coroutine):
            return
        key = ordering_key(update)
        if key is None:
            async with self._running:
                await coroutine
            return
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            # asyncio.Lock wakes waiters first-in, first-out: arrival order is kept.
            async with lock, self._running:
                await coroutine
        finally:
            lock_now, remaining = self._locks[key]
            if remaining <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock_now, remaining - 1)

    def _refuse_flood(self, update: object, coroutine: Awaitable[Any]) -> bool:
        """True when the update is dropped without any work (a flood, notice already sent)."""
        if self.flood is None or not isinstance(update, Update):
            return False
        user = update.effective_user
        if user is None or user.is_bot:
            return False
        allowed, notice = self.flood.check(user.id)
        if allowed:
            return False
        if notice:
            # Let it through to handlers.flood, which sends the one slow-down notice.
            self.refused[update.update_id] = True
            return False
        if isinstance(coroutine, Coroutine):
            coroutine.close()
        return True

    @property
    def chats_in_flight(self) -> int:
        return len(self._locks)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
