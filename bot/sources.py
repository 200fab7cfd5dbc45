"""Source tracking: which poster, radio spot, village event (KKBC Masuk Desa) or Perisai agent
brought a worker, and how far the workers of each source got.

Each source is a deep link ``https://t.me/<bot>?start=<CODE>`` (``python -m bot sumber tambah``
prints it with a QR code). ``/start CODE`` records the first source a worker came through (kept
for good) and the latest; the funnel attributes workers by either.

Domain module: no telegram or aiohttp imports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from db.engine import UnitOfWork
from db.models import Source
from db.repositories.sources import SourceRepository

# Telegram's rule for a /start payload: 1-64 of A-Z a-z 0-9 _ -.
_CODE = re.compile(r"^[A-Z0-9_-]{1,64}$")
MAX_DESCRIPTION = 300

Attribution = Literal["first", "last"]
# The funnel's columns, in the order a worker goes through them.
FUNNEL_STEPS: tuple[str, ...] = (
    "workers",
    "asked",
    "calculated",
    "registration_started",
    "registered",
    "claimed",
    "contacted",
    "enrolled",
)


class SourceError(ValueError):
    """A code that cannot be a source, or one that exists already; ``str()`` says which."""


def normalize_code(raw: str) -> str | None:
    """Codes are upper case (``radio-sby`` and ``RADIO-SBY`` are one source); None if invalid."""
    code = raw.strip().upper()
    return code if _CODE.match(code) else None


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


@dataclass(frozen=True)
class SourceView:
    code: str
    description: str
    created_at: datetime
    touches: int


@dataclass(frozen=True)
class FunnelRow:
    """Distinct workers of one source at each step; ``code`` None: workers without a source."""

    code: str | None
    description: str
    touches: int
    workers: int
    asked: int
    calculated: int
    registration_started: int
    registered: int
    claimed: int
    contacted: int
    enrolled: int
    # Enrolled per worker who came through the source (None when nobody came).
    enrolment_rate: float | None


async def create_source(
    uow: UnitOfWork, raw_code: str, description: str, now: datetime
) -> SourceView:
    code = normalize_code(raw_code)
    if code is None:
        raise SourceError(
            f"{raw_code!r}: a source code is 1-64 letters, digits, '_' or '-' (Telegram's rule)"
        )
    sources = SourceRepository(uow)
    if await sources.get(code) is not None:
        raise SourceError(f"source {code} exists already")
    source = Source(
        code=code, description=description.strip()[:MAX_DESCRIPTION], created_at=now, touches=0
    )
    sources.add(source)
    return _view(source)


async def list_sources(uow: UnitOfWork) -> list[SourceView]:
    return [_view(source) for source in await SourceRepository(uow).all()]


async def record_touch(uow: UnitOfWork, user_id: int, raw_code: str, now: datetime) -> bool:
    """``/start CODE`` from a worker; False (and nothing stored) when CODE is not a source."""
    code = normalize_code(raw_code)
    if code is None:
        return False
    sources = SourceRepository(uow)
    if not await sources.count_touch(code):
        return False
    await sources.touch_user(user_id, code, now)
    return True


async def funnel_by_source(
    uow: UnitOfWork,
    *,
    attribution: Attribution = "first",
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[FunnelRow]:
    """Every source (also those nobody came through yet), then the workers without a source.

    ``since``/``until`` filter on when the worker touched the attributed source (first or
    last), or first wrote to the bot for workers without one."""
    repository = SourceRepository(uow)
    counts = {
        row["source"]: row
        for row in await repository.funnel(
            first_touch=attribution == "first", since=since, until=until
        )
    }
    sources = await repository.all()
    rows = [_row(s.code, s.description, s.touches, counts.get(s.code)) for s in sources]
    rows.append(_row(None, "", 0, counts.get(None)))
    return rows


def _row(
    code: str | None, description: str, touches: int, counts: Mapping[str, Any] | None
) -> FunnelRow:
    steps = {step: int((counts or {}).get(step) or 0) for step in FUNNEL_STEPS}
    workers, enrolled = steps["workers"], steps["enrolled"]
    rate = round(enrolled / workers, 4) if workers else None
    return FunnelRow(
        code=code, description=description, touches=touches, **steps, enrolment_rate=rate
    )


def _view(source: Source) -> SourceView:
    return SourceView(source.code, source.description, source.created_at, source.touches)
