"""Counters that let tests and benchmarks check what the bot did to "Telegram".

Calls and errors per method, 429s (from the limiter and injected ones) per method, and how
sends were paced: a per-second histogram and the most sends seen in any sliding 1-second window
(overall and per chat) and 60-second window per group. All updates are O(1) amortised.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from typing import Any


class _Window:
    """The largest number of events seen inside any sliding window of ``span`` seconds."""

    __slots__ = ("events", "peak", "span")

    def __init__(self, span: float) -> None:
        self.span = span
        self.events: deque[float] = deque()
        self.peak = 0

    def add(self, now: float) -> None:
        events = self.events
        events.append(now)
        horizon = now - self.span
        while events[0] <= horizon:
            events.popleft()
        if len(events) > self.peak:
            self.peak = len(events)


class Stats:
    """Everything counted since the last reset."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.calls: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()  # "method status"
        self.rate_limited: Counter[str] = Counter()  # 429 from the limiter, per method
        self.faults: Counter[str] = Counter()  # "method kind", injected
        self.sends = 0
        self.sends_per_second: Counter[int] = Counter()
        self._overall = _Window(1.0)
        self._per_chat: dict[int, _Window] = {}
        self._per_group_minute: dict[int, _Window] = {}
        self.webhook_deliveries = 0
        self.webhook_failures = 0

    def call(self, method: str) -> None:
        self.calls[method] += 1

    def error(self, method: str, status: int) -> None:
        self.errors[f"{method} {status}"] += 1

    def limited(self, method: str) -> None:
        self.rate_limited[method] += 1

    def fault(self, method: str, kind: str) -> None:
        self.faults[f"{method} {kind}"] += 1

    def sent(self, chat_id: int, is_group: bool, now: float) -> None:
        """One message delivered into ``chat_id`` at ``now`` (seconds since the epoch)."""
        self.sends += 1
        self.sends_per_second[math.floor(now)] += 1
        self._overall.add(now)
        window = self._per_chat.get(chat_id)
        if window is None:
            window = self._per_chat[chat_id] = _Window(1.0)
        window.add(now)
        if is_group:
            minute = self._per_group_minute.get(chat_id)
            if minute is None:
                minute = self._per_group_minute[chat_id] = _Window(60.0)
            minute.add(now)

    def snapshot(self) -> dict[str, Any]:
        per_chat = {str(chat): w.peak for chat, w in self._per_chat.items()}
        per_group = {str(chat): w.peak for chat, w in self._per_group_minute.items()}
        histogram = dict(sorted(self.sends_per_second.items()))
        return {
            "calls": dict(self.calls),
            "errors": dict(self.errors),
            "rate_limited": dict(self.rate_limited),
            "rate_limited_total": sum(self.rate_limited.values()),
            "faults": dict(self.faults),
            "faults_total": sum(self.faults.values()),
            "sends": self.sends,
            "sends_per_second": {str(second): n for second, n in histogram.items()},
            "max_sends_per_second": max(histogram.values(), default=0),
            "max_sends_any_1s_window": self._overall.peak,
            "max_sends_any_1s_window_per_chat": per_chat,
            "max_sends_any_1s_window_any_chat": max(per_chat.values(), default=0),
            "max_sends_any_60s_window_per_group": per_group,
            "webhook_deliveries": self.webhook_deliveries,
            "webhook_failures": self.webhook_failures,
        }
