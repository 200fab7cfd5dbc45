"""Different users' updates run concurrently; one user's updates run in the order they came.

A registration must never see step 5 before step 4, but one slow database write must not hold
up every other worker either. python-telegram-bot's ``concurrent_updates=True`` gives the
first and loses the second; this processor gives both by serialising per chat.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

DEFAULT_CONCURRENCY = 64


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
    def __init__(self, max_concurrent_updates: int = DEFAULT_CONCURRENCY) -> None:
        super().__init__(max_concurrent_updates)
        # key -> (lock, number of updates holding or waiting for it); dropped at zero so the
        # table stays as small as the number of chats with updates in flight.
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = ordering_key(update)
        if key is None:
            await coroutine
            return
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            # asyncio.Lock wakes waiters first-in, first-out: arrival order is kept.
            async with lock:
                await coroutine
        finally:
            lock_now, remaining = self._locks[key]
            if remaining <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock_now, remaining - 1)

    @property
    def chats_in_flight(self) -> int:
        return len(self._locks)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
