"""Telegram's flood limits on messages a bot sends, as token buckets.

One bucket for the whole bot and one per chat (private chats and groups have different rates).
A send needs a token from both; when either is empty the request gets 429 with the whole
seconds to wait, like Telegram's ``retry_after``. O(1) per send.
"""

from __future__ import annotations

import math
from dataclasses import replace

from sandbox.config import RateLimitConfig


class TokenBucket:
    """``capacity`` tokens, refilled at ``rate`` per second."""

    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.stamp = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if one is available now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            return 0.0
        return (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1.0


class RateLimiter:
    """Decides whether a send may go through now."""

    def __init__(self, config: RateLimitConfig, enabled: bool) -> None:
        self.enabled = enabled
        self.config = config
        self._global: TokenBucket | None = None
        self._chats: dict[int, TokenBucket] = {}

    def configure(self, enabled: bool, **overrides: float) -> None:
        """Switch enforcement and/or change rates; buckets start full again."""
        self.enabled = enabled
        if overrides:
            self.config = replace(self.config, **overrides)
        self.reset()

    def reset(self) -> None:
        self._global = None
        self._chats.clear()

    def check(self, chat_id: int, is_group: bool, now: float) -> int:
        """0 when the send may go (and consume a token), else ``retry_after`` seconds."""
        if not self.enabled:
            return 0
        config = self.config
        if self._global is None:
            self._global = self._bucket(config.global_per_second, config.global_burst, now)
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if is_group:
                bucket = self._bucket(config.group_per_second, config.group_burst, now)
            else:
                bucket = self._bucket(config.private_per_second, config.private_burst, now)
            self._chats[chat_id] = bucket
        wait = max(self._global.wait_time(now), bucket.wait_time(now))
        if wait > 0:
            return max(1, math.ceil(wait))
        self._global.take()
        bucket.take()
        return 0

    def _bucket(self, rate: float, burst: float, now: float) -> TokenBucket:
        return TokenBucket(rate, burst + rate * self.config.jitter_tolerance_s, now)
