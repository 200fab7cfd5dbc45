"""Shared by the campaign tests: workers, leads and staff groups on the real database, and a
Bot stand-in that records what would have been sent."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.quiet_hours import NO_QUIET_HOURS
from bot.settings import Settings
from bot.users import touch_user
from db.engine import Database
from db.models import Lead
from db.repositories.branches import BranchRepository
from tests.db.test_leads import register

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB
ADMIN = 999
ADMIN_GROUP = -100999
# Quiet hours off: the senders run on the wall clock (test_quiet_hours.py pins the hours).
SETTINGS = Settings(
    admin_ids=frozenset({ADMIN}), admin_group_id=ADMIN_GROUP, broadcast_quiet_hours=NO_QUIET_HOURS
)

__all__ = ["ADMIN", "ADMIN_GROUP", "NOW", "SETTINGS", "FakeBot", "lead_of", "register", "worker"]


async def worker(db: Database, telegram_id: int, language: str = "id") -> int:
    return (await touch_user(db, telegram_id, language, now=NOW)).id


async def lead_of(db: Database, lead_id: int) -> Lead:
    async with db.transaction() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None
        return lead


async def link_group(db: Database, chat_id: int, branch_code: str) -> None:
    async with db.transaction() as session:
        await BranchRepository(session).link_group(chat_id, branch_code, ADMIN)


@dataclass
class Sent:
    chat_id: int
    text: str
    reply_markup: Any
    reply_to: int | None
    at: float


@dataclass
class FakeBot:
    """``send_message`` only: records, or raises what ``fail`` holds for a chat."""

    sent: list[Sent] = field(default_factory=list)
    fail: dict[int, Exception] = field(default_factory=dict)
    latency: float = 0.0
    next_id: int = 1000

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
        if self.latency:
            await asyncio.sleep(self.latency)
        if chat_id in self.fail:
            raise self.fail[chat_id]
        reply = kwargs.get("reply_parameters")
        loop_time = asyncio.get_running_loop().time()
        self.sent.append(
            Sent(
                chat_id,
                text,
                kwargs.get("reply_markup"),
                reply.message_id if reply else None,
                loop_time,
            )
        )
        self.next_id += 1
        return _Message(self.next_id)

    def to(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]


@dataclass
class _Message:
    message_id: int
