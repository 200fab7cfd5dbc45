"""One sandbox instance: its world, update delivery, limits, faults and counters.

The Bot API routes, the control API and the web page all act on this object; the aiohttp
application keeps it under one key, so two sandboxes in one process never share anything.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from sandbox.config import SandboxConfig
from sandbox.faults import Faults
from sandbox.ratelimit import RateLimiter
from sandbox.state import User, World
from sandbox.stats import Stats
from sandbox.updates import Update, UpdateQueue
from sandbox.watch import Watch
from sandbox.webhook import WebhookDeliverer


class Sandbox:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.watch = Watch()
        self.bot = User(
            id=config.resolved_bot_id,
            first_name=config.bot_first_name,
            username=config.bot_username,
            is_bot=True,
        )
        self.world = World(self.bot, self.watch)
        self.updates = UpdateQueue(config.recent_updates_kept)
        self.stats = Stats()
        self.limiter = RateLimiter(config.limits, config.rate_limits)
        self.faults = Faults()
        self.webhook: WebhookDeliverer | None = None
        self.closing = asyncio.Event()

    # --- update delivery ------------------------------------------------------------------

    def deliver(self, body: Update, chat_key: int) -> Update | None:
        """Turn ``body`` into an update for the bot (None if allowed_updates filters it out)."""
        update = self.updates.create(body, chat_key)
        if update is None:
            return None
        if self.webhook is not None:
            self.webhook.enqueue(update, chat_key)
        else:
            self.updates.push(update)
        return update

    def redeliver(self, update_id: int) -> Update | None:
        """Send an already delivered update again, as Telegram does after a failed webhook."""
        found = self.updates.recent(update_id)
        if found is None:
            return None
        update, chat_key = found
        if self.webhook is not None:
            self.webhook.enqueue(update, chat_key)
        else:
            self.updates.push(update)
        return update

    async def set_webhook(
        self, url: str, secret_token: str | None, max_connections: int, drop_pending: bool
    ) -> None:
        left = await self._stop_webhook()
        if drop_pending:
            left.clear()
            self.updates.take_all()
        else:
            left.extend(self.updates.take_all())
        config = self.config
        self.webhook = WebhookDeliverer(
            url,
            secret_token,
            max_connections,
            stats=self.stats,
            timeout_s=config.webhook_timeout_s,
            retry_initial_s=config.webhook_retry_initial_s,
            retry_max_s=config.webhook_retry_max_s,
        )
        self.webhook.start()
        for update in sorted(left, key=lambda u: u["update_id"]):
            found = self.updates.recent(update["update_id"])
            self.webhook.enqueue(update, found[1] if found else 0)

    async def delete_webhook(self, drop_pending: bool) -> bool:
        """Back to getUpdates; False when no webhook was set."""
        had_webhook = self.webhook is not None
        left = await self._stop_webhook()
        if drop_pending:
            self.updates.take_all()
        else:
            self.updates.push_front(left)
        return had_webhook

    async def _stop_webhook(self) -> list[Update]:
        if self.webhook is None:
            return []
        webhook, self.webhook = self.webhook, None
        return await webhook.stop()

    def webhook_info(self) -> dict[str, Any]:
        if self.webhook is not None:
            return self.webhook.info()
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates.pending),
        }

    # --- lifecycle ------------------------------------------------------------------------

    def reset(self, *, everything: bool = False) -> None:
        """A clean slate for the next test. Update ids keep counting (a polling bot's offset
        stays valid); the bot's own settings (commands, webhook) survive unless ``everything``.
        """
        self.world.reset(bot_config=everything)
        self.updates.take_all()
        self.stats.reset()
        self.limiter.reset()
        self.faults.clear()
        if self.webhook is not None:
            self.webhook.drop_pending()

    async def close(self) -> None:
        """Wake every long poll and hanging fault so the server can stop at once."""
        self.closing.set()
        self.updates.close()
        self.watch.close()
        await self._stop_webhook()


# Where the aiohttp application keeps its sandbox (no module-level state).
SANDBOX_KEY: web.AppKey[Sandbox] = web.AppKey("sandbox", Sandbox)
