"""Issue #15 in a real browser (Debian's Chromium through Playwright), at a desktop size and at
a 390×844 phone: what a manager and a branch account read, and what a worker reads about
office hours in the sandbox chat. Servers are started the way operators start them (see
``test_browser.py``, whose fixtures these tests share). Screenshots go to
``test-output/browser/``.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.office_hours import WIB
from db.engine import Database
from db.models import Lead
from tests.dashboard import test_browser as shared
from tests.dashboard.data import TIMUR
from tests.dashboard.test_browser import add_account, kpi, log_in, run_async, seed_campaign

# test_browser.py's fixtures: Chromium, the screenshot folder, a clean database, the dashboard.
browser = shared.browser
output = shared.output
database_url = shared.database_url
dashboard = shared.dashboard
_missing = shared._missing

pytestmark = pytest.mark.skipif(_missing is not None, reason=_missing or "")

DESKTOP: dict[str, Any] = {"viewport": {"width": 1200, "height": 900}}
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
                         "is_mobile": True, "has_touch": True}

# Each visible chart label's rendered size: its font size in chart units times the chart's
# scale (rendered width / viewBox width), and its box on screen.
LABELS_JS = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')]
    .filter(t => getComputedStyle(t).display !== 'none')
    .map(t => {
      const box = t.getBoundingClientRect();
      return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
              tick: t.classList.contains('tick'), left: box.left, right: box.right,
              top: box.top, chart: svg.getAttribute('aria-label')};
    });
})"""

NAV_JS = """() => {
  const nav = document.querySelector('header nav');
  const style = getComputedStyle(nav);
  const before = nav.scrollLeft;
  nav.scrollLeft = nav.scrollWidth;
  const after = nav.scrollLeft;
  const last = nav.querySelector('a:last-child').getBoundingClientRect();
  return {overflowX: style.overflowX, scrollWidth: nav.scrollWidth,
          clientWidth: nav.clientWidth, background: style.backgroundImage,
          before: before, after: after, lastRight: last.right,
          viewport: window.innerWidth};
}"""


def quick_claims(database_url: str) -> None:
    """Every claimed lead claimed 12 minutes after registering: a median in minutes."""

    async def change() -> None:
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                for lead in await session.scalars(select(Lead).where(
                        Lead.claimed_at.is_not(None))):
                    lead.claimed_at = lead.created_at + timedelta(minutes=12)
        finally:
            await db.dispose()

    run_async(change)


def funnel_row(page: Any, step: str) -> tuple[str, str]:
    """The count and the rate a reader sees on the funnel step's row."""
    rows = page.locator("#funnel tbody tr")
    for index in range(rows.count()):
        cells = rows.nth(index).locator("td")
        if cells.nth(0).inner_text() == step:
            return cells.nth(2).inner_text(), cells.nth(3).inner_text()
    raise AssertionError(f"no funnel step {step!r}")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_manager_reads_the_figures(size: str, database_url: str, dashboard: str,
                                     browser: Any, output: Path) -> None:
    run_async(lambda: seed_campaign(database_url, datetime.now(UTC)))
    quick_claims(database_url)
    add_account(database_url, "manajer", "--peran", "manajer")
    context = browser.new_context(**(PHONE if size == "phone" else DESKTOP))
    page = context.new_page()
    log_in(page, dashboard, "manajer")

    # The funnel: each step's count, and its rate with the base named (no 150% / 200%).
    assert funnel_row(page, "Mulai mendaftar") == ("3", "50% dari semua yang menghubungi bot")
    assert funnel_row(page, "Pendaftaran selesai") == ("3", "100% dari yang mulai mendaftar")
    assert funnel_row(page, "Kontak pertama") == ("6", "–")
    assert "%" not in page.locator("#funnel").inner_text().replace("100%", "").replace(
        "50%", "").replace("33,3%", "").replace("66,7%", "")
    assert page.locator("header .tz").inner_text() == "Waktu dalam WIB (Asia/Jakarta, UTC+7)"
    page.screenshot(path=str(output / f"issue15-ringkasan-{size}.png"), full_page=True)

    # Minutes, not "0,2 jam"; the places table; the regency in the latest leads.
    page.goto(f"{dashboard}/leads")
    raw, shown = kpi(page, "median_claim")
    assert abs(float(raw) - 0.2) < 1e-6 and shown == "12 menit"
    places = page.locator("[data-breakdown=place] tbody tr")
    assert places.count() == 2
    assert places.nth(0).locator("td").nth(0).inner_text() == "Jawa Timur"
    assert places.nth(0).locator("td").nth(1).inner_text() == "Kota Surabaya"
    assert places.nth(0).locator("td").nth(3).inner_text() == "2"
    assert page.locator("table.leads", has_text="Kota Banda Aceh").is_visible()
    page.screenshot(path=str(output / f"issue15-leads-{size}.png"), full_page=True)

    # Trends: chart labels at least 11 px as rendered, and not on top of one another.
    page.goto(f"{dashboard}/tren?periode=30")
    labels = page.evaluate(LABELS_JS)
    ticks = [label for label in labels if label["tick"]]
    assert len(ticks) >= 3 * 4  # at least four dates and the scale on each of three charts
    too_small = [(label["text"], round(label["px"], 1)) for label in labels if label["px"] < 11]
    assert not too_small, too_small
    for chart in {label["chart"] for label in ticks}:
        dates = sorted((t for t in ticks if t["chart"] == chart and t["top"] > 0),
                       key=lambda t: t["left"])
        row = [t for t in dates if abs(t["top"] - max(d["top"] for d in dates)) < 2]
        assert all(a["right"] <= b["left"] for a, b in itertools.pairwise(row)), chart
    page.screenshot(path=str(output / f"issue15-tren-{size}.png"), full_page=True)

    # The navigation: on a phone it scrolls sideways, with a fade that says so.
    nav = page.evaluate(NAV_JS)
    assert nav["overflowX"] == "auto" and "linear-gradient" in nav["background"]
    if size == "phone":
        assert nav["scrollWidth"] > nav["clientWidth"]  # more links than fit
        assert nav["before"] == 0 and nav["after"] > 0  # and it does scroll
        assert nav["lastRight"] <= nav["viewport"] + 1  # the last link reachable
        page.screenshot(path=str(output / "issue15-nav-scrolled-phone.png"))
    context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_branch_account_sees_its_branch_name(size: str, database_url: str, dashboard: str,
                                               browser: Any, output: Path) -> None:
    run_async(lambda: seed_campaign(database_url, datetime.now(UTC)))
    add_account(database_url, "petugas.timur", "--peran", "cabang", "--cabang", TIMUR)
    context = browser.new_context(**(PHONE if size == "phone" else DESKTOP))
    page = context.new_page()
    log_in(page, dashboard, "petugas.timur")
    who = page.locator("header .who")
    assert who.inner_text() == "petugas.timur · Kantor Cabang Surabaya Timur"
    assert who.is_visible() and TIMUR not in page.locator("header").inner_text()
    page.goto(f"{dashboard}/leads")
    assert page.locator("form.filters select[name=provinsi]").is_visible()
    assert page.locator("select[name=cabang]").count() == 0
    assert page.locator("[data-breakdown=branch]").count() == 0
    # Its own account page: set the Telegram id for previews, through the form.
    who.click()
    page.wait_for_url(f"{dashboard}/akun")
    page.fill("input[name=telegram_id]", "abc")  # the browser itself refuses letters
    page.click("form.account button[type=submit]")
    assert page.url == f"{dashboard}/akun"
    assert page.locator("input[name=telegram_id]:invalid").count() == 1
    page.fill("input[name=telegram_id]", "0")  # digits, but no Telegram user: the server says
    page.click("form.account button[type=submit]")
    page.wait_for_url(f"{dashboard}/akun?hasil=invalid")
    assert page.locator(".alert").is_visible()
    page.fill("input[name=telegram_id]", "123456789")
    page.click("form.account button[type=submit]")
    page.wait_for_url(f"{dashboard}/akun?hasil=saved")
    assert page.locator("dl.facts", has_text="123456789").is_visible()
    page.screenshot(path=str(output / f"issue15-akun-cabang-{size}.png"), full_page=True)
    context.close()


def closed_office_hours(now: datetime) -> tuple[str, str]:
    """Office hours that are closed now: one hour, two days from today (WIB); and that day's
    Indonesian name."""
    day = (now.astimezone(WIB) + timedelta(days=2)).weekday()
    english = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day]
    indonesian = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")[day]
    return f"{english} 08:00-09:00", indonesian


def test_a_worker_reads_office_hours_in_words(database_url: str, browser: Any, output: Path,
                                              tmp_path: Path) -> None:
    from sandbox.client import run_in_thread
    from tests.e2e.harness import TOKEN, BotProcess

    hours, day = closed_office_hours(datetime.now(UTC))
    sandbox_url, stop_sandbox = run_in_thread(token=TOKEN, rate_limits=True)
    bot = BotProcess(sandbox_url, database_url, tmp_path / "bot.log",
                     # An admin group takes questions of branches without one (it need not
                     # exist in the sandbox for the worker's receipt).
                     extra_env={"OFFICE_HOURS": hours, "ADMIN_GROUP_ID": "-1009990001"})
    try:
        bot.start()
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.goto(f"{sandbox_url}/")
        page.click("#worker-new-toggle")
        page.fill("#worker-form input[name=first_name]", "Sari")
        page.click("#worker-form button[type=submit]")
        page.wait_for_function("document.getElementById('worker-select').value !== ''")
        composer = "#worker-composer input[name=text]"
        replies = "#worker-messages .msg:not(.mine)"
        for text, wait_for in (("/start", "Halo Sari"), ("/petugas", "petugas")):
            page.fill(composer, text)
            page.press(composer, "Enter")
            page.locator(replies, has_text=wait_for).last.wait_for(timeout=15_000)
        page.fill(composer, "Apakah bisa bayar iuran lewat kantor pos?")
        page.press(composer, "Enter")
        # Not registered: the bot asks where the worker lives to find the branch (issue #13).
        page.locator(replies, has_text="tidak disimpan").last.wait_for(timeout=15_000)
        page.fill(composer, "Lamongan")
        page.press(composer, "Enter")
        receipt = page.locator(replies, has_text="Kantor sedang tutup").first
        receipt.wait_for(timeout=15_000)
        text = receipt.inner_text()
        assert f"buka {day} 08.00–09.00 WIB" in text, text
        assert hours not in text and "08:00-09:00" not in text
        page.screenshot(path=str(output / "issue15-jam-kantor.png"), full_page=True)
        page.close()
    finally:
        bot.stop()
        stop_sandbox()
