"""The sandbox's demo and the people it plays: shared contacts carry numbers the bot accepts,
the demo chats are there when the sandbox starts and its control API says where the bot's
database is, and ``bot.sandbox_demo`` links the demo group to the demo worker's branch once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.cli.sandbox import database_location
from bot.registration.validation import parse_phone
from bot.routing import load_directory
from bot.sandbox_demo import (
    DEMO_GROUP_ID,
    DEMO_POINT,
    DEMO_STAFF_ID,
    link_demo_group,
    page_note,
)
from bot.settings import PROJECT_ROOT
from db.engine import Database
from db.models import BranchGroup
from db.repositories.branches import BranchRepository
from sandbox.client import SandboxClient
from sandbox.config import DemoChats, SandboxConfig
from sandbox.server import start_sandbox
from tests.sandbox.conftest import TOKEN

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("user_id", [1, 100_000_004, 123_456_789, 7_700_000_001, 2**40 + 17])
async def test_a_shared_contact_carries_a_number_the_bot_accepts(
    client: SandboxClient, user_id: int
) -> None:
    # 100000004 was "+6280100000004" before: no Indonesian number starts with 0801.
    await client.create_user("Sari", user_id=user_id)
    await client.send_text(user_id, "/start")
    await client.send_contact(user_id)
    [shared] = [m for m in await client.messages(user_id) if "contact" in m]
    phone = shared["contact"]["phone_number"]
    assert parse_phone(phone).e164 == phone
    assert phone.startswith("+62812")


async def test_the_same_person_always_shares_the_same_number(client: SandboxClient) -> None:
    user = await client.create_user("Sari")
    await client.send_text(user["id"], "/start")
    await client.send_contact(user["id"])
    await client.send_contact(user["id"])
    numbers = {m["contact"]["phone_number"] for m in await client.messages(user["id"])
               if "contact" in m}
    assert len(numbers) == 1


DEMO = DemoChats(
    worker_id=7_700_000_001, worker_name="Sari", staff_id=7_700_000_002, staff_name="Budi",
    group_id=-1_007_700_000_001, group_title="KC Demo · Petugas", note="Grup ini terhubung.",
)


@pytest.fixture
async def demo_client() -> AsyncIterator[SandboxClient]:
    config = SandboxConfig(token=TOKEN, rate_limits=False, database="/srv/bot.db", demo=DEMO)
    handle = await start_sandbox(port=0, token=TOKEN, config=config)
    try:
        async with SandboxClient(handle.url) as sandbox_client:
            yield sandbox_client
    finally:
        await handle.close()


async def test_the_demo_chats_exist_from_the_start(demo_client: SandboxClient) -> None:
    info = await demo_client.bot_info()
    assert info["database"] == "/srv/bot.db"
    assert info["demo"]["group_id"] == DEMO.group_id and info["demo"]["note"] == DEMO.note
    users = {user["id"]: user["first_name"] for user in await demo_client._call("GET", "/users")}
    assert users == {DEMO.worker_id: "Sari", DEMO.staff_id: "Budi"}
    group = await demo_client.chat(DEMO.group_id)
    assert group["title"] == DEMO.group_title
    assert group["members"] == {str(DEMO.staff_id): "creator"}
    # The bot is told it was added, as on Telegram, so it sees the group from its first poll.
    joined = await demo_client.messages(DEMO.group_id)
    assert joined[0]["new_chat_members"][0]["is_bot"] is True


async def test_without_a_demo_the_sandbox_starts_empty(client: SandboxClient) -> None:
    info = await client.bot_info()
    assert info["database"] is None and info["demo"] is None
    assert await client._call("GET", "/users") == []


async def test_the_demo_group_is_linked_to_the_demo_workers_branch_once(db: Database) -> None:
    async with db.transaction() as uow:
        expected = (await load_directory(uow)).nearest_branch(*DEMO_POINT)
    async with db.transaction() as uow:
        first = await link_demo_group(uow, NOW)
    assert (first.branch_code, first.newly_linked, first.receives_leads) == (
        expected.code, True, True)
    async with db.transaction() as uow:
        again = await link_demo_group(uow, NOW)
    assert (again.branch_code, again.newly_linked, again.receives_leads) == (
        expected.code, False, True)
    async with db.transaction() as session:
        rows = (await session.execute(select(BranchGroup))).scalars().all()
    assert [(row.chat_id, row.branch_code, row.linked_by) for row in rows] == [
        (DEMO_GROUP_ID, expected.code, DEMO_STAFF_ID)]
    assert expected.name in page_note(first) and "Lamongan" in page_note(first)


async def test_a_group_linked_earlier_to_the_branch_is_named_on_the_page(db: Database) -> None:
    async with db.transaction() as uow:
        branch = (await load_directory(uow)).nearest_branch(*DEMO_POINT)
    async with db.transaction() as session:
        await BranchRepository(session).link_group(-1001234, branch.code, 42)
    async with db.transaction() as uow:
        link = await link_demo_group(uow, NOW)
    assert not link.receives_leads and link.first_group_id == -1001234
    assert "-1001234" in page_note(link)


def test_database_location_is_a_path_or_a_url_without_its_password() -> None:
    assert database_location("sqlite+aiosqlite:////srv/data/bot.db") == "/srv/data/bot.db"
    assert database_location("sqlite+aiosqlite:///data/bot.db") == str(
        PROJECT_ROOT / "data" / "bot.db")
    shown = database_location("postgresql+asyncpg://bebas:rahasia@db:5432/bebas_cemas")
    assert "rahasia" not in shown and shown.endswith("@db:5432/bebas_cemas")
