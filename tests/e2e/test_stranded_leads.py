"""No lead stranded (issue #13), end to end with no admin group: a worker in Bogor, whose branch
has no linked staff group, is promised no branch and no time; the lead shows as stuck
("Menunggu grup") on the dashboard and in the delivery health figures; a restart warns about
the branch in the log and /statistik names it; once the branch links its group, the waiting
card is delivered there."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot import delivery_health
from bot.accounts import Role, create_account
from bot.clock import utcnow
from bot.dashboard import create_app
from bot.geo import load_default_directory
from bot.settings import Settings
from db.engine import Database
from db.models import Lead, OutboxMessage
from sandbox.client import SandboxClient
from tests.dashboard.conftest import PASSWORD, login
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.harness import BotProcess, new_user_id
from tests.e2e.test_leads import link_group, register

BOGOR = (-6.5944, 106.7892)


@pytest.fixture(scope="module")
def bot(sandbox_url: str, e2e_database_url: str,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    """The bot as the trial ran it: admins, but no ADMIN_GROUP_ID."""
    log = tmp_path_factory.mktemp("botlog") / "bot.log"
    process = BotProcess(sandbox_url, e2e_database_url, log,
                         extra_env={"ADMIN_IDS": str(ADMIN_ID)})
    process.start()
    yield process
    process.stop()


async def dashboard_leads_page(database: Database, database_url: str, lead_id: int
                               ) -> tuple[str, dict]:
    """The Leads page as a manager sees it, and /api/ringkasan, over real HTTP."""
    settings = Settings(database_url=database_url, dashboard_secret_key="k" * 40,
                        lead_reminder_hours=24)
    username = f"manajer{new_user_id()}"
    async with database.transaction() as uow:
        await create_account(uow, username, PASSWORD, Role.MANAGER, None, utcnow())
    async with TestClient(TestServer(create_app(settings, database))) as client:
        assert await login(client, username) == 303
        page = await (await client.get("/leads")).text()
        overview = await (await client.get("/api/ringkasan")).json()
        ringkasan = await (await client.get("/ringkasan")).text()
        lead = await (await client.get(f"/api/leads/{lead_id}")).json()
    assert "delivery-health" in ringkasan
    assert lead["waiting_for_group"] is True and lead["card"] == "waiting_for_group"
    return page, overview


async def test_a_lead_with_no_group_is_promised_nothing_false_shown_stuck_and_delivered_once_linked(
    sandbox: SandboxClient, bot: BotProcess
) -> None:
    branch = load_default_directory().nearest_branch(*BOGOR)
    assert branch.code == "KC-BOGOR"
    user = new_user_id()
    done = await register(sandbox, user, location=BOGOR, name="Dewi Lestari")

    # 1. No false promise: no branch named, no "within N working days".
    assert branch.name not in done["text"], done["text"]
    assert "hari kerja" not in done["text"] and "akan menghubungi Anda" not in done["text"]
    assert "sudah kami catat" in done["text"], done["text"]

    database = Database(bot.database_url)
    try:
        async with database.transaction() as session:
            lead_id = (await session.execute(
                select(Lead.id).where(Lead.name == "Dewi Lestari"))).scalar_one()
        # The outbox tried, found no group, and keeps the card pending.
        deadline = asyncio.get_running_loop().time() + 10
        while True:
            async with database.transaction() as session:
                card = (await session.execute(
                    select(OutboxMessage).where(OutboxMessage.lead_id == lead_id))).scalar_one()
            if card.attempts > 0 or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.2)
        assert card.status == "pending" and card.attempts >= 1
        assert "no branch group and no admin group" in (card.last_error or "")

        # 2. Stuck, as the repository and the dashboard show it.
        async with database.transaction() as uow:
            health = await delivery_health.delivery_health(
                uow, utcnow(), reminder_hours=24, admin_group_id=None, branch_code=branch.code
            )
        [bogor] = health.branches
        assert (bogor.group_linked, bogor.leads, bogor.undelivered) == (False, 1, 1)
        assert bogor.oldest_undelivered_hours is not None and bogor.oldest_undelivered_hours < 1
        assert [b.branch_code for b in health.unlinked] == [branch.code]
        async with database.transaction() as uow:
            assert await delivery_health.waiting_for_group(uow, [lead_id], None) == {lead_id}
        page, overview = await dashboard_leads_page(database, bot.database_url, lead_id)
        row = page.split(f'href="/leads/{lead_id}"', 1)[1].split("</tr>", 1)[0]
        assert "Menunggu grup" in row or "Waiting for a group" in row, row
        assert branch.code in overview["delivery_health"]["unlinked"]
        [shown] = [b for b in overview["delivery_health"]["branches"]
                   if b["branch_code"] == branch.code]
        assert (shown["group_linked"], shown["undelivered"]) == (False, 1)

        # 3. A restart warns about the branch; /statistik names it.
        await asyncio.to_thread(bot.restart)
        log = bot.log_tail(20000)
        assert "have leads but no linked group" in log and branch.code in log, log
        await sandbox.create_user("Admin", user_id=ADMIN_ID, language_code="id")
        await sandbox.send_text(ADMIN_ID, "/statistik")
        [digest] = await sandbox.wait_for_messages(ADMIN_ID, timeout=15)
        assert "tanpa grup" in digest["text"] and branch.name in digest["text"], digest["text"]

        # 4. The branch links its group: the waiting card arrives there, once.
        group_id, _staff = await link_group(sandbox, bot, branch.code)
        [delivered] = await sandbox.wait_for_messages(group_id, timeout=15)
        assert "Dewi Lestari" in delivered["text"] and f"#{lead_id}" in delivered["text"]
        # (the sender records the send just after Telegram's answer)
        deadline = asyncio.get_running_loop().time() + 10
        while True:
            async with database.transaction() as session:
                card = (await session.execute(
                    select(OutboxMessage).where(OutboxMessage.lead_id == lead_id))).scalar_one()
                lead = await session.get(Lead, lead_id)
            assert lead is not None
            if card.status == "sent" or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.2)
        assert card.status == "sent" and card.chat_id == group_id
        assert lead.card_chat_id == group_id
        async with database.transaction() as uow:
            health = await delivery_health.delivery_health(
                uow, utcnow(), reminder_hours=24, admin_group_id=None, branch_code=branch.code
            )
        [bogor] = health.branches
        assert (bogor.group_linked, bogor.undelivered, health.unlinked) == (True, 0, [])
        async with database.transaction() as uow:
            assert await delivery_health.waiting_for_group(uow, [lead_id], None) == set()
        await asyncio.sleep(1)
        cards = [m for m in await sandbox.messages(group_id, sender="bot")
                 if "Dewi Lestari" in (m.get("text") or "")]
        assert len(cards) == 1
    finally:
        await database.dispose()
