"""Cabang on the dashboard: managers list and edit branches, move a regency, make a link code;
every change is recorded and shown; branch accounts are refused; every form needs its CSRF
token. Real application, real database."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.routing import load_directory
from bot.staff import LinkOutcome, link_group
from db.engine import Database
from db.models import Branch, BranchChange, LinkCode, Regency
from tests.dashboard.conftest import csrf_token, login
from tests.dashboard.data import ACEH, NOW, TIMUR, Ids

LAMONGAN = "KC-LAMONGAN"
POSTS = ("/ubah", "/wilayah", "/kode")


@pytest.fixture
async def lamongan(db: Database, campaign: Ids) -> None:
    """A third branch in Jawa Timur, serving Kabupaten Lamongan, beside KC-TIMUR (Surabaya)."""
    async with db.transaction() as session:
        session.add(Branch(code=LAMONGAN, name="Kantor Cabang Lamongan", lat=-7.12, lon=112.42,
                           province_code="ID-JI", provenance="sourced: test", provisional=False))
        await session.flush()
        session.add(Regency(code="kab-lamongan", name="Kabupaten Lamongan", kind="kab",
                            province_code="ID-JI", province_name="Jawa Timur", lat=-7.12,
                            lon=112.42, branch_code=LAMONGAN))


async def changes(db: Database) -> int:
    async with db.transaction() as session:
        return int((await session.execute(
            select(func.count()).select_from(BranchChange))).scalar_one())


async def test_manager_sees_branches_with_area_and_groups(
    client: TestClient, lamongan: None
) -> None:
    assert await login(client, "manajer") == 303
    html = await (await client.get("/cabang")).text()
    assert 'href="/cabang"' in html and 'aria-current="page"' in html
    assert 'href="/cabang/KC-LAMONGAN"' in html and "Kabupaten Lamongan" in html
    assert 'href="/cabang/KC-TIMUR"' in html and "Kota Surabaya" in html
    data = await (await client.get("/api/cabang")).json()
    by_code = {b["code"]: b for b in data["branches"]}
    assert set(by_code) == {TIMUR, ACEH, LAMONGAN}
    assert [r["code"] for r in by_code[LAMONGAN]["regencies"]] == ["kab-lamongan"]
    assert by_code[LAMONGAN]["provisional"] is False
    assert data["changes"] == []


async def test_branch_accounts_are_refused_everywhere(
    client: TestClient, db: Database, lamongan: None
) -> None:
    assert await login(client, "timur") == 303
    ringkasan = await (await client.get("/ringkasan")).text()
    assert 'href="/cabang"' not in ringkasan  # not in a branch account's navigation
    token = csrf_token(ringkasan)
    for path in ("/cabang", "/api/cabang", "/cabang/KC-TIMUR"):
        assert (await client.get(path)).status == 403, path
    for suffix, data in (("/ubah", {"nama": "Diambil alih"}),
                         ("/wilayah", {"wilayah": "kab-lamongan"}), ("/kode", {})):
        response = await client.post(f"/cabang/{TIMUR}{suffix}",
                                     data={"csrf_token": token, **data}, allow_redirects=False)
        assert response.status == 403, suffix
    assert await changes(db) == 0
    async with db.transaction() as uow:
        assert (await load_directory(uow)).route_regency("kab-lamongan").code == LAMONGAN


async def test_every_form_refuses_a_post_without_its_token(
    client: TestClient, db: Database, lamongan: None
) -> None:
    assert await login(client, "manajer") == 303
    token = csrf_token(await (await client.get(f"/cabang/{TIMUR}")).text())
    fields = {"nama": "Palsu", "wilayah": "kab-lamongan"}
    for suffix in POSTS:
        for data, headers in (({}, {}), ({"csrf_token": "palsu"}, {}),
                              ({"csrf_token": token}, {"Origin": "https://jahat.example"})):
            response = await client.post(f"/cabang/{TIMUR}{suffix}", data={**fields, **data},
                                         headers=headers, allow_redirects=False)
            assert response.status == 403, (suffix, data, headers)
    assert await changes(db) == 0
    async with db.transaction() as session:
        assert (await session.get(Branch, TIMUR)).name == "Kantor Cabang Surabaya Timur"
        assert (await session.execute(select(func.count()).select_from(LinkCode))).scalar_one() \
            == 0


async def test_edit_and_move_are_recorded_with_who_and_when(
    client: TestClient, db: Database, lamongan: None
) -> None:
    assert await login(client, "manajer") == 303
    token = csrf_token(await (await client.get(f"/cabang/{TIMUR}")).text())
    saved = await client.post(f"/cabang/{TIMUR}/ubah", allow_redirects=False, data={
        "csrf_token": token, "nama": "Kantor Cabang Surabaya Rungkut",
        "alamat": "Jl. <Contoh> 3", "telepon": "031 123 456", "terverifikasi": "1"})
    assert (saved.status, saved.headers["Location"]) == (303, f"/cabang/{TIMUR}?hasil=saved")
    moved = await client.post(f"/cabang/{TIMUR}/wilayah", allow_redirects=False,
                              data={"csrf_token": token, "wilayah": "kab-lamongan"})
    assert moved.status == 303

    # The bot's directory now routes Lamongan to KC-TIMUR, named as edited and verified.
    async with db.transaction() as uow:
        routed = (await load_directory(uow)).route_regency("kab-lamongan")
    assert (routed.code, routed.name, routed.provisional) == (
        TIMUR, "Kantor Cabang Surabaya Rungkut", False)
    html = await (await client.get(moved.headers["Location"])).text()
    assert 'role="status"' in html and "Kabupaten Lamongan" in html
    assert "Jl. &lt;Contoh&gt; 3" in html  # escaped
    table = html[html.index('class="changes"'):]
    assert table.count("<tr>") == 3 and "manajer" in table  # header + two changes
    # Lamongan's own page lists the move too (it left that branch).
    assert "manajer" in await (await client.get(f"/cabang/{LAMONGAN}")).text()

    data = await (await client.get("/api/cabang")).json()
    move, edit = data["changes"]
    assert (move["actor"], move["action"], move["branch_code"], move["other_branch_code"]) == (
        "akun:manajer", "move_regency", TIMUR, LAMONGAN)
    assert move["at"] == "2026-11-20T12:00:00+07:00"  # WIB, like every JSON time
    assert edit["details"]["name"] == ["Kantor Cabang Surabaya Timur",
                                       "Kantor Cabang Surabaya Rungkut"]
    assert edit["details"]["verified"] == [False, True]


async def test_refusals_are_worded_and_change_nothing(
    client: TestClient, db: Database, lamongan: None
) -> None:
    assert await login(client, "manajer") == 303
    token = csrf_token(await (await client.get(f"/cabang/{TIMUR}")).text())
    for suffix, data in (("/ubah", {"nama": "Kantor", "telepon": "hubungi kami"}),
                         ("/ubah", {"nama": "  "}),
                         ("/wilayah", {"wilayah": "kota-surabaya"}),
                         ("/wilayah", {"wilayah": "kab-atlantis"})):
        response = await client.post(f"/cabang/{TIMUR}{suffix}",
                                      data={"csrf_token": token, **data})
        assert response.status == 400, data
        assert 'role="alert"' in await response.text()
    assert await changes(db) == 0
    for path in ("/cabang/KC-NOWHERE", "/api/cabang/x"):
        assert (await client.get(path)).status == 404
    response = await client.post("/cabang/KC-NOWHERE/kode", data={"csrf_token": token})
    assert response.status == 404


async def test_link_code_is_shown_once_and_links_the_group(
    client: TestClient, db: Database, lamongan: None
) -> None:
    assert await login(client, "manajer") == 303
    token = csrf_token(await (await client.get(f"/cabang/{LAMONGAN}")).text())
    response = await client.post(f"/cabang/{LAMONGAN}/kode", data={"csrf_token": token},
                                 allow_redirects=False)
    assert response.status == 200
    html = await response.text()
    [code] = re.findall(r'data-link-code="([^"]+)"', html)
    assert f"/hubungkan {code}" in html
    # Not in the page afterwards, nor in the trail.
    assert code not in await (await client.get(f"/cabang/{LAMONGAN}")).text()
    data = await (await client.get("/api/cabang")).json()
    assert [(c["action"], c["details"]) for c in data["changes"]] == [("link_code", {})]
    async with db.transaction() as uow:
        linked = await link_group(uow, code=code, chat_id=-100777, by_telegram_id=1, now=NOW)
    assert (linked.outcome, linked.branch_code) == (LinkOutcome.LINKED, LAMONGAN)
    data = await (await client.get("/api/cabang")).json()
    [lamongan_row] = [b for b in data["branches"] if b["code"] == LAMONGAN]
    assert lamongan_row["group_chat_ids"] == [-100777]
