"""The Ringkasan page's delivery health section and its JSON twin, and "Menunggu grup" on the
Leads page, through aiohttp's test client on the seeded branches of tests/db."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from bot.accounts import Role, create_account
from db.engine import Database
from tests.dashboard.conftest import PASSWORD, Clock, login
from tests.db.test_delivery_health import BOGOR, NOW, SURABAYA, seed


async def accounts(db: Database) -> None:
    async with db.transaction() as uow:
        await create_account(uow, "manajer", PASSWORD, Role.MANAGER, None, NOW)
    async with db.transaction() as uow:
        await create_account(uow, "surabaya", PASSWORD, Role.BRANCH, SURABAYA, NOW)


def health_rows(html: str) -> list[str]:
    section = html.split('id="delivery-health"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<tr[^>]*>(.*?)</tr>", section.split("<tbody>", 1)[1], re.S)


async def test_managers_see_stuck_branches_first(client: TestClient, db: Database,
                                                 clock: Clock) -> None:
    clock.now = NOW
    ids = await seed(db)
    await accounts(db)
    assert await login(client, "manajer") == 303
    html = await (await client.get("/ringkasan")).text()
    assert 'data-kpi="unlinked_branches" data-value="1"' in html
    assert 'data-kpi="undelivered_cards" data-value="2"' in html
    assert 'data-kpi="overdue_leads" data-value="2"' in html
    warning = html.split('id="unlinked-branches"', 1)[1].split("</div>", 1)[0]
    assert "Kantor Cabang Bogor" in warning and "Surabaya" not in warning
    assert "Grup admin juga belum diatur" in warning
    bogor, surabaya = health_rows(html)
    assert "Kantor Cabang Bogor" in bogor and "belum terhubung" in bogor
    # 30 hours before 22 Nov 03:00 UTC: 21 Nov 04:00 WIB.
    assert 'data-hours="30.0"' in bogor and "30,0 jam · 21 Nov 2026 04:00 WIB" in bogor
    assert "Kantor Cabang Surabaya" in surabaya and "terhubung" in surabaya

    data = await (await client.get("/api/ringkasan")).json()
    health = data["delivery_health"]
    assert health["unlinked"] == [BOGOR] and health["admin_group"] is False
    assert (health["undelivered"], health["overdue"], health["reminder_hours"]) == (2, 2, 24)
    assert [(b["branch_code"], b["group_linked"], b["leads"], b["undelivered"], b["overdue"])
            for b in health["branches"]] == [(BOGOR, False, 2, 2, 1), (SURABAYA, True, 4, 0, 1)]
    assert health["branches"][0]["oldest_undelivered_hours"] == 30.0

    leads = await (await client.get("/leads")).text()
    row = leads.split(f'href="/leads/{ids["bogor_new"]}"', 1)[1].split("</tr>", 1)[0]
    assert "Menunggu grup" in row
    row = leads.split(f'href="/leads/{ids["sby_fresh"]}"', 1)[1].split("</tr>", 1)[0]
    assert "Menunggu grup" not in row and "Baru" in row
    api = await (await client.get("/api/leads")).json()
    waiting = {r["id"] for r in api["latest"] if r["waiting_for_group"]}
    assert waiting == {ids["bogor_old"], ids["bogor_new"]}


async def test_a_branch_account_sees_only_its_branch(client: TestClient, db: Database,
                                                     clock: Clock) -> None:
    clock.now = NOW
    await seed(db)
    await accounts(db)
    assert await login(client, "surabaya") == 303
    data = await (await client.get("/api/ringkasan")).json()
    branches = data["delivery_health"]["branches"]
    assert [b["branch_code"] for b in branches] == [SURABAYA]
    html = await (await client.get("/ringkasan")).text()
    assert "Bogor" not in html and len(health_rows(html)) == 1


async def test_the_lead_page_says_where_the_card_is(client: TestClient, db: Database,
                                                    clock: Clock) -> None:
    clock.now = NOW
    ids = await seed(db)
    await accounts(db)
    await login(client, "manajer")
    html = await (await client.get(f"/leads/{ids['bogor_old']}")).text()
    assert 'data-status="menunggu_grup"' in html and "Menunggu grup" in html
    assert 'data-card="waiting_for_group"' in html and 'class="notice warn"' in html
    assert "· terlambat" in html  # overdue: 30 h unclaimed
    assert "Wulan" not in html and "+628123" not in html  # never a name or phone
    data = await (await client.get(f"/api/leads/{ids['bogor_old']}")).json()
    assert (data["waiting_for_group"], data["card"], data["group_linked"]) == (
        True, "waiting_for_group", False)
    assert data["target"] == {"kind": "none", "chat_id": None} and data["overdue"] is True
    delivered = await (await client.get(f"/api/leads/{ids['sby_fresh']}")).json()
    assert (delivered["waiting_for_group"], delivered["card"], delivered["status"]) == (
        False, "delivered", "baru")
    assert delivered["target"]["kind"] == "branch_group"
    claimed = await (await client.get(f"/leads/{ids['sby_claimed']}")).text()
    assert 'data-status="diambil"' in claimed
    assert (await client.get("/leads/999999")).status == 404

    # A branch account: its own leads only; another branch's lead is not found.
    client.session.cookie_jar.clear()  # a fresh browser
    await login(client, "surabaya")
    assert (await client.get(f"/leads/{ids['sby_fresh']}")).status == 200
    assert (await client.get(f"/leads/{ids['bogor_old']}")).status == 404
    assert (await client.get(f"/api/leads/{ids['bogor_old']}")).status == 404
