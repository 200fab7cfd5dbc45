"""Push mode: POST each update to the bot's webhook, as Telegram does after setWebhook.

Each request carries ``X-Telegram-Bot-Api-Secret-Token``; any answer other than 2xx (or no
answer in time) is retried with growing delays until it succeeds or the webhook is removed.
Updates of one chat go one at a time and in order; different chats go in parallel, up to
``max_connections`` requests at once (the Bot API server's webhook queue works this way).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import Any

import aiohttp

from sandbox.stats import Stats

Update = dict[str, Any]
log = logging.getLogger(__name__)


class WebhookDeliverer:
    """Delivers updates to one webhook URL until stopped."""

    def __init__(
        self,
        url: str,
        secret_token: str | None,
        max_connections: int,
        *,
        stats: Stats,
        timeout_s: float,
        retry_initial_s: float,
        retry_max_s: float,
    ) -> None:
        self.url = url
        self.secret_token = secret_token
        self.max_connections = max_connections
        self._stats = stats
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._retry_initial = retry_initial_s
        self._retry_max = retry_max_s
        self._queues: dict[int, deque[Update]] = {}  # chat key -> its undelivered updates
        self._ready: asyncio.Queue[int] = asyncio.Queue()  # chat keys whose head may go now
        self._workers: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None
        self.pending_count = 0
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None

    def start(self) -> None:
        headers = {"Content-Type": "application/json"}
        if self.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.secret_token
        self._session = aiohttp.ClientSession(headers=headers, timeout=self._timeout)
        self._workers = [
            asyncio.create_task(self._work(), name=f"sandbox-webhook-{n}")
            for n in range(self.max_connections)
        ]

    def enqueue(self, update: Update, chat_key: int) -> None:
        queue = self._queues.get(chat_key)
        if queue is None:
            queue = self._queues[chat_key] = deque()
        queue.append(update)
        self.pending_count += 1
        if len(queue) == 1:  # nobody is delivering this chat: schedule it
            self._ready.put_nowait(chat_key)

    async def stop(self) -> list[Update]:
        """Stop delivering; return what was not delivered, oldest first."""
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
        if self._session is not None:
            await self._session.close()
            self._session = None
        left = [update for queue in self._queues.values() for update in queue]
        self._queues.clear()
        self.pending_count = 0
        return sorted(left, key=lambda update: update["update_id"])

    def drop_pending(self) -> None:
        """drop_pending_updates: forget everything not yet in flight."""
        for queue in self._queues.values():
            while len(queue) > 1:
                queue.pop()
                self.pending_count -= 1

    async def _work(self) -> None:
        while True:
            chat_key = await self._ready.get()
            queue = self._queues.get(chat_key)
            if not queue:
                continue
            await self._deliver(queue[0])
            queue.popleft()
            self.pending_count -= 1
            if queue:
                self._ready.put_nowait(chat_key)
            else:
                del self._queues[chat_key]

    async def _deliver(self, update: Update) -> None:
        delay = self._retry_initial
        while True:
            error = await self._post(update)
            if error is None:
                self._stats.webhook_deliveries += 1
                return
            self._stats.webhook_failures += 1
            self.last_error_date = int(time.time())
            self.last_error_message = error
            log.debug("webhook delivery of update %s failed: %s", update["update_id"], error)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._retry_max)

    async def _post(self, update: Update) -> str | None:
        assert self._session is not None
        try:
            async with self._session.post(self.url, json=update) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except TimeoutError:
            return "Timeout expired"
        except aiohttp.ClientError as exc:
            return f"Connection failed: {exc.__class__.__name__}"

    def info(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": self.pending_count,
            "max_connections": self.max_connections,
        }
        if self.last_error_date is not None:
            data["last_error_date"] = self.last_error_date
            data["last_error_message"] = self.last_error_message
        return data
