"""Waiting for something to happen in a chat, without polling or sleeping.

The world calls :meth:`Watch.notify` whenever a chat changes; control API long polls call
:meth:`Watch.wait_until` with a condition. Only the waiters of the changed chat wake up, so the
cost of a change does not grow with the number of watched chats.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

ANY_CHAT = 0  # waiters interested in every chat (0 is never a chat id)


class Watch:
    def __init__(self) -> None:
        self._waiters: dict[int, list[asyncio.Future[None]]] = {}
        self._closed = False

    def notify(self, chat_id: int) -> None:
        for key in (chat_id, ANY_CHAT):
            waiters = self._waiters.pop(key, None)
            if waiters:
                for future in waiters:
                    if not future.done():
                        future.set_result(None)

    async def wait_until(
        self, chat_ids: Iterable[int], condition: Callable[[], bool], within: float
    ) -> bool:
        """True once ``condition()`` holds; False if it still does not after ``within`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        keys = list(chat_ids)
        while True:
            if condition():
                return True
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closed:
                return False
            future: asyncio.Future[None] = loop.create_future()
            for key in keys:
                self._waiters.setdefault(key, []).append(future)
            try:
                await asyncio.wait((future,), timeout=remaining)
            finally:
                if not future.done():
                    future.cancel()
                    self._forget(keys, future)

    def _forget(self, keys: list[int], future: asyncio.Future[None]) -> None:
        for key in keys:
            waiters = self._waiters.get(key)
            if waiters and future in waiters:
                waiters.remove(future)
                if not waiters:
                    del self._waiters[key]

    def close(self) -> None:
        """Wake every waiter (server shutdown)."""
        self._closed = True
        for key in list(self._waiters):
            self.notify(key)
