"""Fixtures for the dashboard: settings, a controllable clock, accounts, the known campaign
(``data.py``), the campaign tools' records (``campaign_data.py``) and an aiohttp test client of
the real application on the test database."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.accounts import Role, create_account
from bot.dashboard import create_app
from bot.settings import Settings
from db.engine import Database
from tests.dashboard.campaign_data import seed_campaign_tools
from tests.dashboard.data import ACEH, NOW, TIMUR, Ids, seed

PASSWORD = "kata-sandi-uji-123"
# The managers' own Telegram ids: their broadcast previews go there.
MANAGER_TELEGRAM, SECOND_MANAGER_TELEGRAM = 777_001, 777_002


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, dashboard_secret_key="k" * 40,
                    dashboard_session_hours=12, lead_reminder_hours=24)


@pytest.fixture
async def campaign(db: Database) -> Ids:
    ids = await seed(db)
    async with db.transaction() as uow:
        await create_account(uow, "manajer", PASSWORD, Role.MANAGER, None, NOW,
                             telegram_id=MANAGER_TELEGRAM)
    async with db.transaction() as uow:
        await create_account(uow, "manajer2", PASSWORD, Role.MANAGER, None, NOW,
                             telegram_id=SECOND_MANAGER_TELEGRAM)
    async with db.transaction() as uow:
        await create_account(uow, "timur", PASSWORD, Role.BRANCH, TIMUR, NOW)
    async with db.transaction() as uow:
        await create_account(uow, "aceh", PASSWORD, Role.BRANCH, ACEH, NOW)
    return ids


@pytest.fixture
async def campaign_tools(db: Database, campaign: Ids) -> dict[str, int]:
    """The campaign with its sources, tickets and follow-ups; returns the ticket ids."""
    return await seed_campaign_tools(db, campaign)


@pytest.fixture
async def client(db: Database, settings: Settings, clock: Clock) -> AsyncIterator[TestClient]:
    app = create_app(settings, db, clock=clock)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no csrf_token field"
    return match[1]


async def login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    """Logs in through the form like a browser; returns the status of the POST."""
    form = await client.get("/login")
    token = csrf_token(await form.text())
    response = await client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token},
        allow_redirects=False,
    )
    return response.status
