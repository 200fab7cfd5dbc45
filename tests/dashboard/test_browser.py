"""The dashboard and the sandbox chat in a real browser: Debian's headless Chromium
(``/usr/bin/chromium``) driven by Playwright for Python, against real servers started the way
an operator starts them (``python -m bot akun tambah``, ``python -m bot dashboard``,
``python -m bot run`` on the sandbox).

Screenshots go to ``test-output/browser/`` (gitignored) so they can be looked at after a run.
Without Chromium or Playwright the tests are skipped, except under CI (``CI`` set), where that
is a failure: these tests must really run there.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from db.engine import Database
from db.models import Event, Lead, User
from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MISSING,
    needs_browser,
    sync_playwright,
)
from tests.conftest import _truncate_all
from tests.dashboard.data import ACEH, TIMUR, seed

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "browser"
PASSWORD = "sandi-peramban-123"
T = TypeVar("T")

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

_missing = MISSING
pytestmark = needs_browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def output() -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_", "DASHBOARD_", "TELEGRAM_", "ADMIN_", "BOT_"))}
    env.update(DATABASE_URL=database_url, DASHBOARD_SECRET_KEY="s" * 40, PYTHONUNBUFFERED="1")
    return env


def add_account(database_url: str, *args: str) -> None:
    """Exactly as campaign staff do it: the password on stdin, never on the command line."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "akun", "tambah", *args], input=PASSWORD + "\n",
        capture_output=True, text=True, cwd=ROOT, env=environment(database_url), timeout=60,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def database_url(migrated_database_url: str, tmp_path: Path) -> str:
    """A clean migrated database, like tests/conftest.py's fixture of the same name, but
    truncated on a thread of its own: Playwright's sync API already runs a loop on this one."""
    if migrated_database_url.startswith("sqlite"):
        copy = tmp_path / "test.db"
        shutil.copyfile(make_url(migrated_database_url).database or "", copy)
        return f"sqlite+aiosqlite:///{copy}"
    run_async(lambda: _truncate_all(migrated_database_url))
    return migrated_database_url


@pytest.fixture
def dashboard(database_url: str, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    log = (tmp_path / "dashboard.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "dashboard", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=environment(database_url), stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError((tmp_path / "dashboard.log").read_text())
        time.sleep(0.1)
    yield url
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)
    log.close()


def run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion on its own thread: Playwright's sync API owns this one's
    event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


async def seed_campaign(database_url: str, now: datetime) -> None:
    db = Database(database_url)
    try:
        await seed(db, now)
    finally:
        await db.dispose()


def counts(database_url: str, now: datetime) -> dict[str, Any]:
    """The figures, counted straight from the tables (not through bot.stats)."""

    async def count() -> dict[str, Any]:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                def scalar(query: Any) -> Any:
                    return session.scalar(query)

                leads = select(func.count()).select_from(Lead)
                events = select(func.count()).select_from(Event)
                return {
                    "users": await scalar(select(func.count()).select_from(User)),
                    "active_7d": await scalar(select(func.count()).select_from(User).where(
                        User.last_seen >= now - timedelta(days=7))),
                    "questions": await scalar(events.where(Event.kind == "question")),
                    "unanswered": await scalar(events.where(Event.kind == "unanswered")),
                    "leads": await scalar(leads),
                    "leads_jatim": await scalar(leads.where(Lead.province_code == "ID-JI")),
                    "leads_timur": await scalar(leads.where(Lead.branch_code == TIMUR)),
                }
        finally:
            await db.dispose()

    return run_async(count)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{base}/ringkasan")


def kpi(page: Page, key: str) -> tuple[str, str]:
    box = page.locator(f'[data-kpi="{key}"]')
    return box.get_attribute("data-value") or "", box.locator(".value").inner_text()


def test_dashboard_in_a_browser(database_url: str, dashboard: str, browser: Browser,
                                output: Path) -> None:
    now = datetime.now(UTC)
    run_async(lambda: seed_campaign(database_url, now))
    add_account(database_url, "manajer", "--peran", "manajer")
    add_account(database_url, "petugas.timur", "--peran", "cabang", "--cabang", TIMUR)
    expected = counts(database_url, now)
    assert expected["users"] == 6 and expected["leads"] == 3  # the known campaign is there

    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    log_in(page, dashboard, "manajer")

    # Ringkasan: the KPI figures are the database's counts, raw and as displayed.
    for key in ("users", "active_7d", "questions", "unanswered", "leads"):
        raw, shown = kpi(page, key)
        assert int(raw) == expected[key], key
        assert shown.replace(".", "") == str(expected[key]), key
    assert page.locator("#funnel svg rect").count() == 8
    page.screenshot(path=str(output / "ringkasan.png"), full_page=True)
    for path, name in (("/tren?periode=30", "tren"), ("/topik", "topik"),
                       ("/tak-terjawab", "tak-terjawab")):
        page.goto(dashboard + path)
        assert page.locator("h1").count() == 1
        page.screenshot(path=str(output / f"{name}.png"), full_page=True)

    # Leads: filter on a province through the form, then download that CSV.
    page.goto(f"{dashboard}/leads")
    page.select_option("select[name=provinsi]", "ID-JI")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/leads?*provinsi=ID-JI*")
    assert int(kpi(page, "leads")[0]) == expected["leads_jatim"] == 2
    assert page.locator("table.leads tbody tr").count() == 2
    page.screenshot(path=str(output / "leads.png"), full_page=True)
    with page.expect_download() as download_info:
        page.click("a.button[href^='/leads.csv']")
    download = download_info.value
    saved = output / "leads.csv"
    download.save_as(str(saved))
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert len(rows) == expected["leads_jatim"]
    assert {row["province_code"] for row in rows} == {"ID-JI"}

    # The same page on a phone-sized screen.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    phone_page = phone.new_page()
    log_in(phone_page, dashboard, "manajer")
    phone_page.screenshot(path=str(output / "ringkasan-phone.png"), full_page=True)
    phone.close()

    # Logging out ends the session for the API too.
    page.click("form.logout button")
    page.wait_for_url(f"{dashboard}/login")
    assert context.request.get(f"{dashboard}/api/ringkasan").status == 401
    context.close()

    # A branch account: only its own branch's leads, whatever the URL asks for.
    branch = browser.new_context(viewport={"width": 1200, "height": 900})
    branch_page = branch.new_page()
    log_in(branch_page, dashboard, "petugas.timur")
    branch_page.goto(f"{dashboard}/leads?cabang={ACEH}")
    assert int(kpi(branch_page, "leads")[0]) == expected["leads_timur"] == 2
    assert "Banda Aceh" not in branch_page.content()
    branch_page.screenshot(path=str(output / "leads-cabang.png"), full_page=True)
    api = branch.request.get(f"{dashboard}/api/leads?cabang={ACEH}").json()
    assert {row["branch_code"] for row in api["latest"]} == {TIMUR}
    assert [c["key"] for c in api["by_branch"]] == [TIMUR]
    summary = branch.request.get(f"{dashboard}/api/ringkasan").json()
    assert summary["leads"] == expected["leads_timur"]
    branch.close()


def settle_one_recipient(database_url: str, broadcast_id: int) -> None:
    """What the bot's broadcast sender does for one worker: claim, send, record."""
    from bot import broadcasts

    async def settle() -> None:
        db = Database(database_url)
        try:
            now = datetime.now(UTC)
            async with db.transaction() as uow:
                wave = await broadcasts.claim_wave(uow, broadcast_id=broadcast_id, holder="browser",
                                                   size=1, now=now)
            async with db.transaction() as uow:
                await broadcasts.record_wave(uow, broadcast_id=broadcast_id, holder="browser",
                                             results=[(wave[0].user_id, broadcasts.Outcome.SENT,
                                                       None)], now=now)
        finally:
            await db.dispose()

    run_async(settle)


def preview_delivered(database_url: str, broadcast_id: int) -> None:
    """What the bot records once the preview reached the manager's Telegram."""
    from bot import broadcasts

    async def record() -> None:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                await broadcasts.record_preview(session, broadcast_id, datetime.now(UTC))
        finally:
            await db.dispose()

    run_async(record)


def test_a_broadcast_from_the_form_to_its_progress(database_url: str, dashboard: str,
                                                   browser: Browser, output: Path) -> None:
    run_async(lambda: seed_campaign(database_url, datetime.now(UTC)))
    add_account(database_url, "manajer", "--peran", "manajer", "--telegram", "4242")
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    log_in(page, dashboard, "manajer")

    page.click("nav a[href='/siaran']")
    page.wait_for_url(f"{dashboard}/siaran")
    page.click("a.button[href='/siaran/baru']")
    page.wait_for_url(f"{dashboard}/siaran/baru")
    assert kpi(page, "audience")[0] == "6"  # every worker of the seeded campaign
    text = "Ayo daftar BPU!\nIuran JKK + JKM mulai Rp16.800 sebulan."
    page.fill("textarea[name=teks]", text)
    # The branch list is folded checkboxes (usable on a phone), not a multiple select.
    page.click("details[data-field=cabang] summary")
    page.check(f"input[name=cabang][value='{TIMUR}']")
    page.click("button[value=hitung]")
    page.wait_for_load_state()
    assert kpi(page, "audience")[0] == "2"  # the branch's two workers
    assert page.input_value("textarea[name=teks]") == text
    page.screenshot(path=str(output / "siaran-baru.png"), full_page=True)

    page.click("button[value=buat]")
    page.wait_for_url("**/siaran/*?hasil=created")
    broadcast_id = int(page.url.split("/siaran/")[1].split("?")[0])
    assert page.locator("[data-status]").get_attribute("data-status") == "draft"
    assert kpi(page, "audience")[0] == "2"
    assert page.locator(".message").inner_text() == text
    assert page.locator("#progress").is_visible()
    assert page.locator("p.segment-text").inner_text() == "Cabang: Kantor Cabang Surabaya Timur"

    # The bot delivered the preview: the manager sends it, and the page follows the sender.
    preview_delivered(database_url, broadcast_id)
    page.goto(f"{dashboard}/siaran/{broadcast_id}")
    page.click(f"form[action='/siaran/{broadcast_id}/kirim'] button")
    page.wait_for_url(f"**/siaran/{broadcast_id}?hasil=sending")
    assert page.locator("[data-status]").get_attribute("data-status") == "sending"
    assert kpi(page, "remaining")[0] == "2" and kpi(page, "sent")[0] == "0"
    settle_one_recipient(database_url, broadcast_id)
    # No script: the page's <meta http-equiv=refresh> reloads it, without the ?hasil notice.
    page.wait_for_url(f"{dashboard}/siaran/{broadcast_id}", timeout=20_000)
    assert kpi(page, "sent")[0] == "1" and kpi(page, "remaining")[0] == "1"
    page.screenshot(path=str(output / "siaran-kemajuan.png"), full_page=True)
    context.close()


def test_a_scheduled_broadcast_on_a_phone(database_url: str, dashboard: str,
                                          browser: Browser, output: Path) -> None:
    """Segment ticked on a phone-sized screen, a night-time schedule refused and then
    forced, the schedule and the segment in words on the broadcast's page and the list."""
    run_async(lambda: seed_campaign(database_url, datetime.now(UTC)))
    add_account(database_url, "manajer", "--peran", "manajer", "--telegram", "4242")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    log_in(page, dashboard, "manajer")
    page.goto(f"{dashboard}/siaran/baru")
    assert page.locator("select[multiple]").count() == 0
    page.fill("textarea[name=teks]", "Ayo daftar BPU sebelum akhir tahun!")
    page.click("details[data-field=provinsi] summary")
    page.tap("input[name=provinsi][value='ID-JI']")
    page.tap("input[name=pekerjaan][value='ojek_driver']")
    assert "WIB" in page.locator("input[name=jadwal]").locator("xpath=..").inner_text()
    page.fill("input[name=jadwal]", "2030-01-07T22:00")  # inside 21:00-07:00 WIB
    page.click("button[value=buat]")
    page.wait_for_load_state()
    alert = page.locator("[role=alert]").inner_text()
    assert "jam tenang (21:00–07:00 WIB)" in alert
    # What was ticked and typed comes back; the province list is unfolded, showing its count.
    assert page.input_value("input[name=jadwal]") == "2030-01-07T22:00"
    assert page.is_checked("input[name=provinsi][value='ID-JI']")
    assert page.locator("details[data-field=provinsi] summary").inner_text() == (
        "Provinsi: 1 dipilih")
    page.fill("input[name=jadwal]", "2030-01-07T10:00")
    page.click("button[value=buat]")
    page.wait_for_url("**/siaran/*?hasil=created")
    broadcast_id = int(page.url.split("/siaran/")[1].split("?")[0])
    words = "Provinsi: Jawa Timur; Pekerjaan: Ojek / ojol / kurir"
    assert page.locator("p.segment-text").inner_text() == words
    schedule = page.locator("p.schedule")
    assert schedule.inner_text() == "Dijadwalkan pada 7 Jan 2030 10:00 WIB (Asia/Jakarta)."
    assert schedule.get_attribute("data-scheduled-at") == "2030-01-07T03:00:00+00:00"
    page.screenshot(path=str(output / "siaran-terjadwal-ponsel.png"), full_page=True)
    page.goto(f"{dashboard}/siaran")
    row = page.locator("table.broadcasts tbody tr").first
    assert row.locator(".segment-text").inner_text() == words
    assert f"#{broadcast_id}" in row.inner_text()
    context.close()


def test_sandbox_chat_in_the_same_browser(database_url: str, browser: Browser, output: Path,
                                          tmp_path: Path) -> None:
    from sandbox.client import run_in_thread
    from tests.e2e.harness import TOKEN, BotProcess

    sandbox_url, stop_sandbox = run_in_thread(token=TOKEN, rate_limits=True)
    bot = BotProcess(sandbox_url, database_url, tmp_path / "bot.log")
    try:
        bot.start()
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.goto(f"{sandbox_url}/")
        page.click("#worker-new-toggle")
        page.fill("#worker-form input[name=first_name]", "Sari")
        page.click("#worker-form button[type=submit]")
        page.wait_for_function(
            "document.getElementById('worker-select').value !== ''")
        page.fill("#worker-composer input[name=text]", "/start")
        page.press("#worker-composer input[name=text]", "Enter")
        reply = page.locator("#worker-messages .msg:not(.mine)", has_text="Halo Sari")
        reply.first.wait_for(timeout=15_000)
        assert "Bebas Cemas" in reply.first.inner_text()
        page.screenshot(path=str(output / "sandbox-start.png"), full_page=True)
        page.close()
    finally:
        bot.stop()
        stop_sandbox()
