"""Updates waiting for the bot, served by getUpdates long polling.

Telegram semantics: an update stays pending until a later getUpdates call confirms it with a
higher ``offset``; a negative offset keeps only the last ``-offset`` updates; only one
getUpdates may wait at a time, and a newer call terminates the older one with 409 Conflict.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import OrderedDict, deque
from typing import Any

from sandbox.errors import bad_request, conflict

Update = dict[str, Any]

ALL_UPDATE_TYPES = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post",
        "business_connection", "business_message", "edited_business_message",
        "deleted_business_messages", "message_reaction", "message_reaction_count",
        "inline_query", "chosen_inline_result", "callback_query", "shipping_query",
        "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer", "my_chat_member",
        "chat_member", "chat_join_request", "chat_boost", "removed_chat_boost",
    }
)  # fmt: skip
# Without allowed_updates Telegram sends everything except these three.
DEFAULT_UPDATE_TYPES = ALL_UPDATE_TYPES - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}


class UpdateQueue:
    """Update ids, the allowed_updates filter and the getUpdates queue."""

    def __init__(self, recent_kept: int) -> None:
        self._ids = itertools.count(1)
        self.pending: deque[Update] = deque()
        self.allowed: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._recent: OrderedDict[int, tuple[Update, int]] = OrderedDict()
        self._recent_kept = recent_kept
        self._waiter: asyncio.Future[None] | None = None
        self._generation = 0
        self._closed = False

    def create(self, body: Update, chat_key: int) -> Update | None:
        """Give ``body`` (e.g. ``{"message": {...}}``) an update_id, unless it is filtered out."""
        kind = next(iter(body))
        if kind not in self.allowed:
            return None
        update = {"update_id": next(self._ids), **body}
        self._recent[update["update_id"]] = (update, chat_key)
        if len(self._recent) > self._recent_kept:
            self._recent.popitem(last=False)
        return update

    def recent(self, update_id: int) -> tuple[Update, int] | None:
        return self._recent.get(update_id)

    def set_allowed(self, value: Any) -> None:
        """allowed_updates as getUpdates/setWebhook take it; None keeps the current setting."""
        if value is None:
            return
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad_request("can't parse allowed updates JSON object")
        self.allowed = frozenset(value) & ALL_UPDATE_TYPES if value else DEFAULT_UPDATE_TYPES

    def push(self, update: Update) -> None:
        self.pending.append(update)
        self._wake()

    def push_front(self, updates: list[Update]) -> None:
        """Put back updates a webhook did not deliver, before anything newer."""
        self.pending.extendleft(reversed(updates))
        self._wake()

    def take_all(self) -> list[Update]:
        updates = list(self.pending)
        self.pending.clear()
        return updates

    def _confirm(self, offset: int) -> None:
        pending = self.pending
        if offset < 0:
            while len(pending) > -offset:
                pending.popleft()
        else:
            while pending and pending[0]["update_id"] < offset:
                pending.popleft()

    async def get(self, offset: int | None, limit: int, within: float) -> list[Update]:
        """getUpdates: confirm up to ``offset``, then return up to ``limit`` updates, waiting
        up to ``within`` seconds for the first one."""
        self._generation += 1
        generation = self._generation
        self._wake()  # an older poller wakes up, sees the new generation and gets 409
        if offset is not None:
            self._confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            if generation != self._generation:
                raise conflict(
                    "terminated by other getUpdates request; make sure that only one bot "
                    "instance is running"
                )
            if self.pending:
                return list(itertools.islice(self.pending, limit))
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closed:
                return []
            self._waiter = loop.create_future()
            await asyncio.wait((self._waiter,), timeout=remaining)

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def close(self) -> None:
        self._closed = True
        self._wake()
