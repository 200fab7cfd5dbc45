"""Injected failures: make some Bot API calls fail the way Telegram sometimes does.

A rule targets one method (or ``*``), optionally only calls about one chat, and fires for the
next N such calls or for a fraction of them (seeded, so runs repeat). It answers with an HTTP
status (500, 502 with nginx's HTML page, 429 with ``retry_after``, 403, 400) or hangs for some
seconds before handling the call normally, which is what a client timeout looks like from the
other side: the message may still arrive.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import asdict, dataclass
from typing import Any

from sandbox.errors import ApiError, ControlError, too_many_requests

KINDS = ("500", "502", "429", "403", "400", "timeout")
_DESCRIPTIONS = {
    "500": "Internal Server Error",
    "403": "Forbidden: bot was blocked by the user",
    "400": "Bad Request: injected by the sandbox",
}
BAD_GATEWAY_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass
class FaultRule:
    """One injected failure pattern."""

    id: int
    method: str  # lowercase Bot API method name, or "*"
    kind: str  # one of KINDS
    times: int | None  # remaining calls to fail; None with a fraction
    fraction: float | None
    seconds: float  # how long a "timeout" hangs
    retry_after: int
    description: str | None
    chat_id: int | None = None  # only calls whose chat_id is this one
    fired: int = 0

    def error(self) -> ApiError:
        """The error to answer with (not for "timeout" or "502")."""
        if self.kind == "429":
            return too_many_requests(self.retry_after)
        description = self.description or _DESCRIPTIONS[self.kind]
        return ApiError(int(self.kind), description)


class Faults:
    """The active rules, consulted once per Bot API call."""

    def __init__(self, seed: int = 0) -> None:
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._random = random.Random(seed)

    def add(
        self,
        method: str,
        kind: str,
        *,
        times: int | None = 1,
        fraction: float | None = None,
        seconds: float = 30.0,
        retry_after: int = 5,
        description: str | None = None,
        chat_id: int | None = None,
    ) -> FaultRule:
        kind = str(kind)
        if kind not in KINDS:
            raise ControlError(f"fault kind must be one of {', '.join(KINDS)}")
        if fraction is not None and not 0 < fraction <= 1:
            raise ControlError("fraction must be in (0, 1]")
        if fraction is None and (times is None or times < 1):
            raise ControlError("give times >= 1 or a fraction")
        rule = FaultRule(
            id=next(self._ids),
            method=method.lower(),
            kind=kind,
            times=None if fraction is not None else times,
            fraction=fraction,
            seconds=seconds,
            retry_after=retry_after,
            description=description,
            chat_id=chat_id,
        )
        self._rules.append(rule)
        return rule

    def clear(self) -> None:
        self._rules.clear()

    def pick(self, method: str, chat_id: int | None) -> FaultRule | None:
        """The rule that fires for this call, if any (consumes one of its ``times``)."""
        if not self._rules:
            return None
        name = method.lower()
        for rule in self._rules:
            if rule.method not in (name, "*"):
                continue
            if rule.chat_id is not None and rule.chat_id != chat_id:
                continue
            if rule.fraction is not None:
                if self._random.random() >= rule.fraction:
                    continue
            else:
                assert rule.times is not None
                rule.times -= 1
                if rule.times <= 0:
                    self._rules.remove(rule)
            rule.fired += 1
            return rule
        return None

    def describe(self) -> list[dict[str, Any]]:
        return [asdict(rule) for rule in self._rules]
