"""Pages, JSON and CSV for each role, through aiohttp's test client."""

from __future__ import annotations

import csv
import io
import re

from aiohttp.test_utils import TestClient

from db.engine import Database
from db.models import UnansweredQuestion
from tests.dashboard.conftest import login
from tests.dashboard.data import (
    ACEH,
    EXPECTED_FUNNEL,
    EXPECTED_SUMMARY,
    EXPECTED_TIMUR_SUMMARY,
    INJECTION,
    NOW,
    TIMUR,
    Ids,
)


def kpis(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-kpi="([a-z_0-9]+)" data-value="([^"]*)"', html))


async def test_api_ringkasan_contract(client: TestClient, campaign: Ids) -> None:
    assert await login(client, "manajer") == 303
    data = await (await client.get("/api/ringkasan")).json()
    for key, value in EXPECTED_SUMMARY.items():
        assert data[key] == value, key
    assert [step["count"] for step in data["funnel"]] == EXPECTED_FUNNEL
    assert set(data["funnel"][0]) >= {"step", "count"}
    assert data["funnel"][0]["step"] == "first_contact"
    assert data["scope"] == {"branch_code": None}


async def test_ringkasan_page_shows_the_same_figures(client: TestClient, campaign: Ids) -> None:
    await login(client, "manajer")
    html = await (await client.get("/ringkasan")).text()
    shown = kpis(html)
    for key, value in EXPECTED_SUMMARY.items():
        assert shown[key] == str(value), key
    assert "<svg" in html and "Corong" in html and "Kontak pertama" in html
    assert "Terdaftar" in html  # the funnel's last step, in Indonesian


async def test_english_on_request_and_remembered(client: TestClient, campaign: Ids) -> None:
    await login(client, "manajer")
    english = await client.get("/ringkasan?lang=en")
    assert "First contact" in await english.text() and '<html lang="en">' in await english.text()
    assert "bc_lang=en" in english.headers["Set-Cookie"]
    again = await (await client.get("/topik")).text()
    assert '<html lang="en">' in again and "<th scope=\"col\">Topic</th>" in again
    back = await (await client.get("/ringkasan?lang=id")).text()
    assert "Kontak pertama" in back


async def test_branch_account_sees_only_its_branch(client: TestClient, campaign: Ids) -> None:
    await login(client, "timur")
    data = await (await client.get("/api/ringkasan")).json()
    for key, value in EXPECTED_TIMUR_SUMMARY.items():
        assert data[key] == value, key
    assert data["scope"] == {"branch_code": TIMUR}
    # Asking for the other branch in the URL changes nothing.
    leads = await (await client.get(f"/api/leads?cabang={ACEH}")).json()
    assert leads["total"] == 2
    assert [c["key"] for c in leads["by_branch"]] == [TIMUR]
    assert {row["branch_code"] for row in leads["latest"]} == {TIMUR}
    page = await (await client.get(f"/leads?cabang={ACEH}")).text()
    assert "Kantor Cabang Banda Aceh" not in page and kpis(page)["leads"] == "2"
    assert 'name="cabang"' not in page  # no branch filter offered to a branch account
    export = await (await client.get(f"/leads.csv?cabang={ACEH}")).read()
    rows = list(csv.DictReader(io.StringIO(export.decode("utf-8-sig"))))
    assert {row["branch_code"] for row in rows} == {TIMUR} and len(rows) == 2
    unanswered = await (await client.get("/api/tak-terjawab")).json()
    assert "kapan bansos cair" not in str(unanswered)  # asked by a worker of the other branch


async def test_leads_page_filters_and_highlights_overdue(client: TestClient,
                                                         campaign: Ids) -> None:
    await login(client, "manajer")
    html = await (await client.get("/leads")).text()
    assert kpis(html)["leads"] == "3" and kpis(html)["overdue"] == "1"
    assert html.count('class="overdue"') == 1
    assert "Kantor Cabang Banda Aceh" in html and "Jawa Timur" in html
    filtered = await (await client.get("/leads?provinsi=ID-JI&periode=semua")).text()
    assert kpis(filtered)["leads"] == "2"
    assert '<option value="ID-JI" selected>' in filtered
    only_late = await (await client.get("/api/leads?terlambat=1")).json()
    assert only_late["total"] == 1 and only_late["latest"][0]["overdue"] is True
    week = await (await client.get("/api/leads?periode=7&status=terdaftar")).json()
    assert week["total"] == 1
    assert (await client.get("/api/leads?provinsi=<script>")).status == 400
    assert (await client.get("/api/leads?status=hilang")).status == 400


async def test_csv_export_is_injection_safe_and_has_no_personal_data(client: TestClient,
                                                                     campaign: Ids) -> None:
    await login(client, "manajer")
    response = await client.get("/leads.csv?periode=semua")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    text = (await response.read()).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 3
    assert {row["occupation_other"] for row in rows} >= {"'" + INJECTION}
    assert "Pekerja Uji" not in text and "81234567890" not in text
    overdue = [row for row in rows if row["overdue"] == "yes"]
    assert len(overdue) == 1 and overdue[0]["branch_code"] == ACEH
    claimed = next(row for row in rows if row["status"] == "terdaftar")
    assert claimed["hours_to_claim"] == "2.0" and claimed["hours_to_contact"] == "6.0"


async def test_trend_topics_unanswered_pages(client: TestClient, campaign: Ids) -> None:
    await login(client, "manajer")
    trend = await (await client.get("/tren?periode=7")).text()
    assert trend.count("<svg") == 3
    assert 'data-total="4"' in trend  # questions in the last 7 days
    custom = await (await client.get("/api/tren?dari=2026-11-18&sampai=2026-11-20")).json()
    assert [d["day"] for d in custom["days"]] == ["2026-11-18", "2026-11-19", "2026-11-20"]
    assert custom["totals"] == {"users": 1, "questions": 2, "leads": 2}
    topics = await (await client.get("/api/topik")).json()
    assert topics["topics"][0]["topic"] == "iuran" and topics["topics"][0]["questions"] == 2
    assert topics["topics"][0]["title"] == "Iuran"
    page = await (await client.get("/topik")).text()
    assert "Iuran" in page and "<svg" in page
    unanswered = await (await client.get("/tak-terjawab")).text()
    assert "berapa iuran untuk ojol?" in unanswered and "iuran ojol berapa ya" in unanswered


async def test_worker_text_is_escaped(client: TestClient, campaign: Ids, db: Database) -> None:
    async with db.transaction() as session:
        session.add(UnansweredQuestion(text="<img src=x onerror=alert(1)> iuran?",
                                       normalized="x", created_at=NOW))
    await login(client, "manajer")
    html = await (await client.get("/tak-terjawab")).text()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


async def test_root_redirects_and_login_page_skips_when_logged_in(client: TestClient,
                                                                  campaign: Ids) -> None:
    assert (await client.get("/", allow_redirects=False)).headers["Location"] == "/login"
    await login(client, "manajer")
    assert (await client.get("/", allow_redirects=False)).headers["Location"] == "/ringkasan"
    response = await client.get("/login", allow_redirects=False)
    assert response.headers["Location"] == "/ringkasan"
