"""Issue #15: figures a manager reads without a footnote, in the campaign's time zone.

Real SQLite (the known campaign of ``data.py``), the real application over HTTP, and the real
command line for the closed pipe.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot import stats
from bot.accounts import list_accounts
from bot.dashboard import labels as fmt
from bot.handoff import TicketReceipt
from bot.office_hours import in_words, parse_office_hours
from bot.settings import Settings
from bot.staff import export_csv
from db.engine import Database
from db.models import Event, Lead
from handlers.handoff import receipt_text
from tests.dashboard.conftest import csrf_token, login
from tests.dashboard.data import NOW, TIMUR, Ids

ROOT = Path(__file__).resolve().parents[2]
PLUS_SEVEN = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


# --- 1. the funnel: counts, and rates with their base named --------------------------------


async def test_funnel_rates_name_their_base_and_stay_within_100(client: TestClient,
                                                                campaign: Ids) -> None:
    await login(client, "manajer")
    funnel = (await (await client.get("/api/ringkasan")).json())["funnel"]
    by_step = {s["step"]: s for s in funnel}
    # Started registration: 3 workers of the 6 who wrote (the calculator, 2, is optional).
    assert by_step["registration_started"]["conversion"] == 1.5  # the old field, unchanged
    assert by_step["registration_started"]["base"] == "first_contact"
    assert by_step["registration_started"]["rate"] == 0.5
    assert by_step["registration_completed"]["base"] == "registration_started"
    assert by_step["claimed"]["rate"] == 2 / 3
    assert all(s["rate"] is None or s["rate"] <= 1 for s in funnel)

    html = await (await client.get("/ringkasan")).text()
    rows = re.findall(r"<tr><td>([^<]+)</td>.*?<td class=\"num\">([^<]+)</td>"
                      r"<td><span class=\"rate\">([^<]+)</span>", html)
    shown = {step: (count, rate) for step, count, rate in rows}
    assert shown["Mulai mendaftar"] == ("3", "50% dari semua yang menghubungi bot")
    assert shown["Bertanya"] == ("3", "50% dari semua yang menghubungi bot")
    assert shown["Diambil cabang"][1] == "66,7% dari lead yang mendaftar"
    assert "200%" not in html and "150%" not in html


# --- 2. off-topic questions are never answered --------------------------------------------


async def test_off_topic_questions_do_not_count_as_answered(db: Database,
                                                            campaign: Ids) -> None:
    async with db.transaction() as uow:
        before = await stats.summary(uow, stats.EVERYTHING, NOW)
    assert (before.questions, before.answered) == (6, 5)
    # An off-topic question recorded without an "unanswered" event (as the off-topic reply
    # once was): a question, never an answer.
    async with db.transaction() as session:
        user_id = campaign.users["u1"]
        session.add(Event(kind="question", user_id=user_id, created_at=NOW - timedelta(hours=1),
                          topic="di_luar_topik", language="id"))
    async with db.transaction() as uow:
        after = await stats.summary(uow, stats.EVERYTHING, NOW)
    assert after.questions == 7 and after.answered == 5
    assert after.answered_share == 5 / 7
    async with db.transaction() as uow:
        topics = await stats.topics(uow, stats.EVERYTHING, stats.Period.last_days(30, NOW.date()))
    assert {t.topic: t.answered_share for t in topics}["di_luar_topik"] == 0.0


def test_every_funnel_base_is_a_step_with_a_name() -> None:
    assert set(stats.FUNNEL_BASES) == set(stats.FUNNEL_STEPS[1:])
    for step, base in stats.FUNNEL_BASES.items():
        assert stats.FUNNEL_STEPS.index(base) < stats.FUNNEL_STEPS.index(step)
        assert base in stats.FUNNEL_BASE_LABELS


def test_answered_count() -> None:
    assert stats.answered_count(10, 3, 2, 1) == 6  # 8 on topic, 2 of them unanswered
    assert stats.answered_count(4, 0, 4, 0) == 0


# --- 3. durations in words a manager reads --------------------------------------------------


def test_durations_in_minutes_under_an_hour() -> None:
    assert fmt.hours(0.2, "id") == "12 menit"
    assert fmt.hours(0.2, "en") == "12 minutes"
    assert fmt.hours(0.999, "id") == "1,0 jam"  # 59.9 minutes round to an hour
    assert fmt.hours(1.5, "id") == "1,5 jam"
    assert fmt.hours(72, "id") == "3,0 hari"
    assert fmt.minutes(30, "id") == "30 menit"
    assert fmt.minutes(90, "id") == "1,5 jam"
    assert fmt.minutes(0.2, "id") == "kurang dari semenit"
    assert "0,0" not in fmt.hours(0.01, "id")


async def test_leads_page_shows_minutes(client: TestClient, campaign: Ids, db: Database) -> None:
    async with db.transaction() as session:
        for lead in await session.scalars(select(Lead).where(Lead.claimed_at.is_not(None))):
            lead.claimed_at = lead.created_at + timedelta(minutes=12)
    await login(client, "manajer")
    html = await (await client.get("/leads")).text()
    box = re.search(r'data-kpi="median_claim" data-value="([^"]+)">.*?<strong class="value">'
                    r"([^<]+)</strong>", html)
    assert box is not None and abs(float(box[1]) - 0.2) < 1e-6 and box[2] == "12 menit"


# --- 4. the campaign's time zone everywhere ------------------------------------------------


async def test_csv_and_json_times_are_wib(client: TestClient, campaign: Ids) -> None:
    await login(client, "manajer")
    rows = list(csv.DictReader(io.StringIO(
        (await (await client.get("/leads.csv")).read()).decode("utf-8-sig"))))
    by_id = {int(row["id"]): row for row in rows}
    l1 = by_id[campaign.leads["L1"]]
    created = NOW - timedelta(days=5)  # 2026-11-15 05:00 UTC = 12:00 WIB
    assert l1["created_at"] == "2026-11-15T12:00:00+07:00"
    assert datetime.fromisoformat(l1["created_at"]) == created
    assert PLUS_SEVEN.match(l1["claimed_at"]) and PLUS_SEVEN.match(l1["closed_at"])
    data = await (await client.get("/api/leads")).json()
    assert all(PLUS_SEVEN.match(row["created_at"]) for row in data["latest"])
    html = await (await client.get("/leads")).text()
    assert "Waktu dalam WIB (Asia/Jakarta, UTC+7)" in html
    assert "15 Nov 2026 12.00 WIB" in html or "15 Nov 2026 12:00 WIB" in html


# --- 5. leads by place --------------------------------------------------------------------


async def test_leads_by_province_and_regency(client: TestClient, campaign: Ids) -> None:
    await login(client, "manajer")
    data = await (await client.get("/api/leads")).json()
    assert data["by_place"] == [
        {"province_code": "ID-AC", "regency_code": "kota-banda-aceh", "count": 1},
        {"province_code": "ID-JI", "regency_code": "kota-surabaya", "count": 2},
    ]
    rows = list(csv.DictReader(io.StringIO(
        (await (await client.get("/leads.csv")).read()).decode("utf-8-sig"))))
    assert {row["regency"] for row in rows} == {"Kota Surabaya", "Kota Banda Aceh"}
    assert list(rows[0])[-1] == "regency"  # added at the end: the old columns keep their place
    html = await (await client.get("/leads")).text()
    place = html[html.index('data-breakdown="place"'):]
    # Jawa Timur first (most leads), with its regency and count.
    assert re.search(r"<td>Jawa Timur</td><td>Kota Surabaya</td>.*?<td class=\"num\">2</td>",
                     place)
    assert place.index("Jawa Timur") < place.index("Aceh")
    latest = html[html.index('class="leads"'):]
    assert "<th scope=\"col\">Kabupaten/kota</th>" in latest and "Kota Banda Aceh" in latest


# --- 6. branch accounts: the branch's name, and no filter that cannot apply ---------------


async def test_branch_account_header_names_the_branch(client: TestClient, campaign: Ids) -> None:
    await login(client, "timur")
    html = await (await client.get("/leads")).text()
    who = re.search(r'class="who"[^>]*>([^<]+)<', html)
    assert who is not None and who[1] == "timur · Kantor Cabang Surabaya Timur"
    assert TIMUR not in html.split("<main>")[0]  # the header: the name, not the code
    assert 'name="cabang"' not in html and 'data-breakdown="branch"' not in html
    latest = html[html.index('class="leads"'):]
    assert "<th scope=\"col\">Cabang</th>" not in latest  # every row is its own branch
    await (await client.post("/logout", data={"csrf_token": csrf_token(html)})).text()
    await login(client, "manajer")
    manager = await (await client.get("/leads")).text()
    assert 'name="cabang"' in manager and 'data-breakdown="branch"' in manager
    assert "<th scope=\"col\">Cabang</th>" in manager[manager.index('class="leads"'):]


# --- 8. the account's own Telegram id, on the dashboard ------------------------------------


async def test_akun_page_sets_the_preview_telegram_id(client: TestClient, campaign: Ids,
                                                      db: Database) -> None:
    await login(client, "timur")
    page = await (await client.get("/akun")).text()
    assert "Akun Anda" in page and "belum diisi" in page
    token = csrf_token(page)

    async def post(value: str, csrf: str | None = token) -> str:
        form = {"telegram_id": value} | ({"csrf_token": csrf} if csrf is not None else {})
        response = await client.post("/akun/telegram", data=form, allow_redirects=False)
        return response.headers.get("Location", str(response.status))

    async def stored() -> int | None:
        async with db.transaction() as uow:
            return {a.username: a for a in await list_accounts(uow)}["timur"].telegram_id

    assert await post(" 123456789 ") == "/akun?hasil=saved"
    assert await stored() == 123456789
    assert "123456789" in await (await client.get("/akun")).text()
    for bad in ("abc", "-5", "0", "12.5", "١٢٣", "9" * 17, str(2**52)):
        assert await post(bad) == "/akun?hasil=invalid", bad
    assert await stored() == 123456789
    assert await post("5151", csrf=None) == "403"  # no CSRF token: refused, nothing changed
    assert await post("5151", csrf="x" * 43) == "403"
    assert await stored() == 123456789
    assert await post("") == "/akun?hasil=removed"
    assert await stored() is None
    # Only its own account: the form names none, and the other accounts are untouched.
    async with db.transaction() as uow:
        accounts = {a.username: a for a in await list_accounts(uow)}
    assert accounts["manajer"].telegram_id == 777_001 and accounts["aceh"].telegram_id is None


async def test_akun_needs_a_login(client: TestClient, campaign: Ids) -> None:
    response = await client.get("/akun", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"


# --- 7. office hours in words --------------------------------------------------------------


def test_office_hours_in_words() -> None:
    hours = parse_office_hours("mon-fri 08:00-16:00")
    assert in_words(hours, "id", "WIB") == "Senin–Jumat 08.00–16.00 WIB"
    assert in_words(hours, "en", "WIB") == "Monday–Friday 08:00–16:00 WIB"
    two = parse_office_hours("sen-jum 07.30-15.30, sab 08:00-12:00")
    assert in_words(two, "id") == "Senin–Jumat 07.30–15.30, Sabtu 08.00–12.00"


def test_the_worker_reads_the_office_hours_in_words() -> None:
    hours = parse_office_hours("mon-fri 08:00-16:00")
    receipt = TicketReceipt(
        ticket_id=7, new_ticket=True, branch_name="Kantor Cabang Surabaya Timur",
        out_of_hours=True, expected_by=datetime(2026, 11, 23, 8, 0, tzinfo=UTC), zone="WIB",
        office_hours=hours.text, hours=hours,
    )
    text = receipt_text(receipt, "id")
    assert "buka Senin–Jumat 08.00–16.00 WIB" in text and "mon-fri" not in text
    assert "open Monday–Friday 08:00–16:00 WIB" in receipt_text(receipt, "en")


# --- 10. a closed pipe ---------------------------------------------------------------------


def test_cabang_export_into_a_closed_pipe_exits_quietly(database_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env["DATABASE_URL"] = database_url
    # Like `| head -1` on a slow start: the reader is gone before the first write.
    early = subprocess.Popen([sys.executable, "-m", "bot", "cabang", "export"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert early.stdout is not None and early.stderr is not None
    early.stdout.close()
    stderr = early.stderr.read().decode()
    assert early.wait(timeout=120) == 141, stderr
    assert stderr == ""
    # Like `| head -1` once the output flows: one line read, then the reader goes.
    late = subprocess.Popen([sys.executable, "-m", "bot", "cabang", "export"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert late.stdout is not None and late.stderr is not None
    assert late.stdout.readline().startswith(b"code,name,")
    late.stdout.close()
    stderr = late.stderr.read().decode()
    assert late.wait(timeout=120) in (0, 141)
    assert "Traceback" not in stderr and "rror" not in stderr


# --- 11. a favicon ------------------------------------------------------------------------


async def test_favicon(client: TestClient, campaign: Ids) -> None:
    icon = await client.get("/favicon.ico")  # no login needed: browsers ask on the login page
    assert icon.status == 200 and icon.headers["Content-Type"].startswith("image/svg+xml")
    assert (await icon.text()).startswith("<svg")
    login_page = await (await client.get("/login")).text()
    assert '<link rel="icon" href="/static/favicon.svg"' in login_page
    assert (await client.get("/static/favicon.svg")).status == 200


async def test_staff_ekspor_csv_times_are_wib(db: Database, campaign: Ids,
                                              settings: Settings) -> None:
    """The branch staff's /ekspor in Telegram: the same campaign clock as the dashboard."""
    admins = dataclasses.replace(settings, admin_group_id=-100_500)
    async with db.transaction() as uow:
        body = await export_csv(uow, chat_id=-100_500, user_telegram_id=1, settings=admins)
    assert body is not None
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    times = {int(row["id"]): row["created_at"] for row in rows}
    assert times[campaign.leads["L1"]] == "2026-11-15T12:00:00+07:00"
    assert all(PLUS_SEVEN.match(value) for value in times.values())
