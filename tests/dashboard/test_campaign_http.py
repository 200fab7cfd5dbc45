"""The campaign tools' pages and JSON (Sumber, Tiket, Tindak lanjut) for each role, through
aiohttp's test client on the real application and database. Siaran is in test_broadcasts_http."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from tests.dashboard.campaign_data import (
    EXPECTED_LAST_TOUCH,
    EXPECTED_SOURCES_FIRST,
    PRIVATE_TICKET_TEXT,
)
from tests.dashboard.conftest import csrf_token, login
from tests.dashboard.data import ACEH, TIMUR

NEW_PAGES = ["/sumber", "/tiket", "/tindak-lanjut", "/siaran", "/siaran/baru"]


def kpis(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-kpi="([a-z_0-9]+)" data-value="([^"]*)"', html))


def nav(html: str) -> list[str]:
    block = re.search(r"<nav[^>]*>(.*?)</nav>", html, re.S)
    assert block
    return re.findall(r'href="([^"]+)"', block[1])


async def test_api_sumber_funnel_by_source(client: TestClient,
                                           campaign_tools: dict[str, int]) -> None:
    await login(client, "manajer")
    data = await (await client.get("/api/sumber")).json()
    assert data["attribution"] == "first" and data["bot_username"] == "BebasCemasBot"
    # The channels that bring enrolments first, workers without a source last.
    assert [row["code"] for row in data["sources"]] == [
        "RADIO-SBY", "POSTER-ACEH", "KOSONG", None]
    rows = {row["code"]: row for row in data["sources"]}
    for code, (workers, asked, registered, claimed, contacted, enrolled) in (
            EXPECTED_SOURCES_FIRST.items()):
        row = rows[code]
        assert (row["workers"], row["asked"], row["registered"], row["claimed"],
                row["contacted"], row["enrolled"]) == (
            workers, asked, registered, claimed, contacted, enrolled), code
        assert row["workers_first_touch"] == workers
        assert row["workers_last_touch"] == EXPECTED_LAST_TOUCH[code], code
    radio = rows["RADIO-SBY"]
    assert radio["deep_link"] == "https://t.me/BebasCemasBot?start=RADIO-SBY"
    assert radio["description"] == "Radio Suara Surabaya" and radio["touches"] == 5
    assert radio["enrolment_rate"] == 0.5 and rows[None]["deep_link"] is None

    latest = await (await client.get("/api/sumber?atribusi=terakhir")).json()
    assert {r["code"]: r["workers"] for r in latest["sources"]} == EXPECTED_LAST_TOUCH
    # Last 7 days: only u3 came first through RADIO-SBY then; u5 came without a source.
    week = await (await client.get("/api/sumber?periode=7")).json()
    assert {r["code"]: r["workers"] for r in week["sources"]} == {
        "RADIO-SBY": 1, "POSTER-ACEH": 0, "KOSONG": 0, None: 1}
    assert week["period"]["end"] == "2026-11-20"


async def test_sumber_page_shows_links_and_the_funnel(client: TestClient,
                                                      campaign_tools: dict[str, int]) -> None:
    await login(client, "manajer")
    html = await (await client.get("/sumber")).text()
    assert 'href="https://t.me/BebasCemasBot?start=RADIO-SBY"' in html
    assert "Radio Suara Surabaya" in html and "Poster pasar Aceh" in html
    assert "Tanpa sumber" in html  # workers without a source, in Indonesian
    row = re.search(r'data-source="RADIO-SBY".*?</tr>', html, re.S)
    assert row
    cells = re.findall(r'<td class="num">([^<]*)', row[0])
    # Link openings, first touch, last touch, then asked … enrolled.
    assert cells[:10] == ["5", "2", "1", "2", "1", "2", "2", "2", "1", "1"]
    assert '<option value="terakhir">' in html and "Terdaftar" in html
    english = await (await client.get("/sumber?atribusi=terakhir&lang=en")).text()
    assert "Without a source" in english and "latest source" in english
    assert (await client.get("/sumber?atribusi=kedua")).status == 400


async def test_branch_accounts_get_no_sumber_or_siaran(client: TestClient,
                                                       campaign_tools: dict[str, int]) -> None:
    await login(client, "timur")
    for path in ["/sumber", "/api/sumber", "/siaran", "/siaran/baru", "/api/siaran",
                 "/api/siaran/ukuran", "/siaran/1", "/api/siaran/1"]:
        response = await client.get(path, allow_redirects=False)
        assert response.status == 403, path
        body = await response.text()
        assert "RADIO-SBY" not in body, path
    page = await (await client.get("/sumber")).text()
    assert "khusus manajer kampanye" in page
    assert (await (await client.get("/api/siaran")).json())["error"] == "forbidden"
    links = nav(await (await client.get("/tiket")).text())
    assert "/tiket" in links and "/tindak-lanjut" in links
    assert "/sumber" not in links and "/siaran" not in links and "/cabang" not in links
    await client.post("/logout", data={"csrf_token": csrf_token(page)})
    await login(client, "manajer")
    links = nav(await (await client.get("/ringkasan")).text())
    assert links[-5:] == ["/sumber", "/tiket", "/tindak-lanjut", "/siaran", "/cabang"]


async def test_tiket_for_a_manager(client: TestClient, campaign_tools: dict[str, int]) -> None:
    await login(client, "manajer")
    data = await (await client.get("/api/tiket")).json()
    assert data["scope"] == {"branch_code": None}
    everything = data["summaries"][0]
    assert everything["all_branches"] is True
    assert (everything["total"], everything["open"], everything["answered"],
            everything["closed"], everything["responded"]) == (4, 2, 1, 1, 2)
    assert everything["median_response_minutes"] == 60.0
    assert everything["out_of_hours"] == 1 and everything["oldest_open_minutes"] == 1440.0
    by_branch = {s["branch_code"]: s for s in data["summaries"][1:]}
    assert set(by_branch) == {ACEH, TIMUR, None}
    assert by_branch[TIMUR]["total"] == 2 and by_branch[TIMUR]["median_response_minutes"] == 30
    assert [t["id"] for t in data["tickets"]] == [
        campaign_tools[k] for k in ("T4", "T3", "T2", "T1")]
    t3 = next(t for t in data["tickets"] if t["id"] == campaign_tools["T3"])
    assert t3["response_minutes"] == 90.0 and t3["status"] == "closed" and t3["out_of_hours"]
    waiting = await (await client.get("/api/tiket?status=open")).json()
    assert {t["id"] for t in waiting["tickets"]} == {campaign_tools["T2"], campaign_tools["T4"]}
    aceh = await (await client.get(f"/api/tiket?cabang={ACEH}")).json()
    assert [t["id"] for t in aceh["tickets"]] == [campaign_tools["T3"]]
    week = await (await client.get("/api/tiket?periode=7&status=closed")).json()
    assert [t["id"] for t in week["tickets"]] == [campaign_tools["T3"]]

    html = await (await client.get("/tiket")).text()
    shown = kpis(html)
    assert (shown["total"], shown["open"], shown["median_response"]) == ("4", "2", "60.0")
    assert "Kantor Cabang Banda Aceh" in html and "Tanpa cabang (grup admin)" in html
    assert "Menunggu petugas" in html and "30 menit" in html and "1,5 jam" in html
    assert html.count('class="overdue"') == 2  # the two tickets waiting for staff
    filtered = await (await client.get(f"/tiket?cabang={ACEH}")).text()
    assert kpis(filtered)["total"] == "1" and f'<option value="{ACEH}" selected>' in filtered
    for body in (html, str(data)):
        assert PRIVATE_TICKET_TEXT not in body and "081299998888" not in body
    assert (await client.get("/api/tiket?status=baru")).status == 400


async def test_tiket_for_a_branch_account(client: TestClient,
                                          campaign_tools: dict[str, int]) -> None:
    await login(client, "timur")
    for query in ("", f"?cabang={ACEH}", "?cabang="):
        data = await (await client.get("/api/tiket" + query)).json()
        assert data["scope"] == {"branch_code": TIMUR}
        assert {t["branch_code"] for t in data["tickets"]} == {TIMUR}, query
        assert [s["branch_code"] for s in data["summaries"]] == [TIMUR], query
        assert not any(s["all_branches"] for s in data["summaries"])
    html = await (await client.get(f"/tiket?cabang={ACEH}")).text()
    assert kpis(html)["total"] == "2" and kpis(html)["open"] == "1"
    assert "Banda Aceh" not in html and "grup admin" not in html
    assert 'name="cabang"' not in html
    assert "Angka untuk Kantor Cabang Surabaya Timur (KC-TIMUR)" in html


async def test_tindak_lanjut_per_branch(client: TestClient,
                                        campaign_tools: dict[str, int]) -> None:
    await login(client, "manajer")
    data = await (await client.get("/api/tindak-lanjut")).json()
    total, *branches = data["summaries"]
    assert total["branch_code"] is None
    assert (total["contact_asked"], total["contact_answered"], total["contact_yes"],
            total["contact_no"], total["disputed"], total["undeliverable"]) == (4, 3, 1, 2, 1, 1)
    assert total["worker_contact_rate"] == 0.3333 and total["branch_contact_rate"] == 0.6667
    by_branch = {s["branch_code"]: s for s in branches}
    assert set(by_branch) == {ACEH, TIMUR}
    timur = by_branch[TIMUR]
    assert (timur["worker_contact_rate"], timur["branch_contact_rate"]) == (0.5, 0.5)
    assert timur["satisfaction_mean"] == 4.0 and timur["satisfaction_scores"]["4"] == 1
    aceh = by_branch[ACEH]
    assert (aceh["worker_contact_rate"], aceh["branch_contact_rate"], aceh["disputed"]) == (
        0.0, 1.0, 1)
    week = await (await client.get("/api/tindak-lanjut?dari=2026-11-19")).json()
    assert week["summaries"][0]["contact_asked"] == 3  # F1 (4 days ago) is out

    html = await (await client.get("/tindak-lanjut")).text()
    shown = kpis(html)
    assert shown["contact_asked"] == "4" and shown["disputed"] == "1"
    assert shown["worker_contact_rate"] == "0.3333" and shown["satisfaction_mean"] == "4.0"
    assert "Kantor Cabang Surabaya Timur" in html and "Kantor Cabang Banda Aceh" in html
    assert "33,3%" in html and "66,7%" in html


async def test_tindak_lanjut_for_a_branch_account(client: TestClient,
                                                  campaign_tools: dict[str, int]) -> None:
    await login(client, "aceh")
    data = await (await client.get(f"/api/tindak-lanjut?cabang={TIMUR}")).json()
    assert [s["branch_code"] for s in data["summaries"]] == [ACEH]
    assert data["summaries"][0]["contact_asked"] == 1
    html = await (await client.get("/tindak-lanjut")).text()
    assert kpis(html)["contact_asked"] == "1" and kpis(html)["disputed"] == "1"
    assert "Surabaya Timur" not in html


async def test_empty_pages_say_so(client: TestClient, campaign: object) -> None:
    await login(client, "manajer")
    assert "Belum ada sumber." in await (await client.get("/sumber")).text()
    assert "Tidak ada tiket pada periode ini." in await (await client.get("/tiket")).text()
    followups = await (await client.get("/tindak-lanjut")).text()
    assert "Tidak ada pertanyaan tindak lanjut pada periode ini." in followups
    assert "Belum ada siaran." in await (await client.get("/siaran")).text()


async def test_new_pages_have_no_inline_script_or_style(client: TestClient,
                                                        campaign_tools: dict[str, int]) -> None:
    await login(client, "manajer")
    for path in NEW_PAGES:
        response = await client.get(path)
        assert response.status == 200, path
        html = await response.text()
        assert "<script" not in html and " style=" not in html and "<style" not in html, path
        assert response.headers["Cache-Control"] == "no-store"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
