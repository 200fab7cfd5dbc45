"""Per-user flood control: a token bucket per Telegram user, in memory.

A worker (or a script) sending more than the bucket allows gets one slow-down notice per
window, and the excess updates cost nothing: no database work, no matching. Kept in memory on
purpose: the check must be cheaper than the work it saves. With several bot processes each
keeps its own buckets, which only makes the limit a little looser.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

# A person taps quickly through buttons, but 20 updates in 10 seconds is not a person.
DEFAULT_CAPACITY = 20
DEFAULT_REFILL_PER_SECOND = 2.0
MAX_TRACKED_USERS = 50_000


@dataclass
class _Bucket:
    tokens: float
    updated: float
    noticed: bool = False


class FloodControl:
    def __init__(
        self,
        capacity: int = DEFAULT_CAPACITY,
        refill_per_second: float = DEFAULT_REFILL_PER_SECOND,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = capacity
        self.refill = refill_per_second
        self.clock = clock
        self._buckets: dict[int, _Bucket] = {}

    def check(self, user_id: int) -> tuple[bool, bool]:
        """(allowed, send_notice): ``send_notice`` is True once per flood, on the first
        refused update, so the notice itself cannot become a flood."""
        now = self.clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED_USERS:
                self._forget_full_buckets(now)
            bucket = self._buckets[user_id] = _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.refill)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.noticed = False
            return True, False
        notice = not bucket.noticed
        bucket.noticed = True
        return False, notice

    def _forget_full_buckets(self, now: float) -> None:
        # A bucket that has refilled completely carries no information: drop it.
        full_after = self.capacity / self.refill
        for user_id in [u for u, b in self._buckets.items() if now - b.updated >= full_after]:
            del self._buckets[user_id]
