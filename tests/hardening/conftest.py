"""Fixtures for the hardening tests: the e2e sandbox and bot (one bot process per module), plus
direct database access to check that what a worker sees matches what is stored."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from db.engine import Database
from sandbox.client import SandboxClient
from tests.e2e.conftest import (  # noqa: F401 - fixtures and the report hook, shared with e2e
    bot,
    e2e_database_url,
    pytest_runtest_makereport,
    sandbox,
    sandbox_url,
)
from tests.e2e.harness import BotProcess


@pytest.fixture
async def bot_db(
    bot: BotProcess,  # noqa: F811 - the fixture imported above
) -> AsyncIterator[Database]:
    """The bot's own database, to check stored data after each conversation."""
    database = Database(bot.database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def roomy_private_chats(
    sandbox: SandboxClient,  # noqa: F811 - the fixture imported above
) -> None:
    """Telegram's 1 message/s per private chat (after a burst of 10) stays on for the flood
    tests; elsewhere it only makes long conversations slow, so the burst is raised."""
    await sandbox.set_rate_limits(True, private_burst=1000)
