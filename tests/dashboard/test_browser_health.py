"""Delivery health in a real browser (Chromium through Playwright, as in test_browser.py): a
manager opening Ringkasan sees the branch without a group first and flagged, follows it to its
leads shown "Menunggu grup", and the section fits a phone screen."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from db.engine import Database
from tests.dashboard.test_browser import (  # noqa: F401  (fixtures)
    add_account,
    browser,
    dashboard,
    database_url,
    log_in,
    output,
    pytestmark,
    run_async,
)
from tests.db.test_delivery_health import BOGOR, seed


def seed_branches(url: str) -> dict[str, int]:
    async def run() -> dict[str, int]:
        db = Database(url)
        try:
            return await seed(db)
        finally:
            await db.dispose()

    return run_async(run)


def test_a_manager_sees_the_stuck_branch_at_a_glance(
    database_url: str, dashboard: str, browser: Browser, output: Path  # noqa: F811
) -> None:
    ids = seed_branches(database_url)
    add_account(database_url, "manajer", "--peran", "manajer")
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    log_in(page, dashboard, "manajer")

    section = page.locator("#delivery-health")
    assert section.is_visible()
    warning = page.locator("#unlinked-branches")
    assert warning.is_visible() and "Kantor Cabang Bogor" in warning.inner_text()
    first = section.locator("tbody tr").first
    assert "Kantor Cabang Bogor" in first.inner_text()
    assert "belum terhubung" in first.inner_text()
    assert page.locator('[data-kpi="undelivered_cards"]').get_attribute("data-value") == "2"
    page.screenshot(path=str(output / "ringkasan-kesehatan.png"), full_page=True)

    # The branch's name leads to its leads, each waiting for a group.
    first.locator("a").click()
    page.wait_for_url(f"**/leads?cabang={BOGOR}")
    rows = page.locator("table.leads tbody tr")
    assert rows.count() == 2
    for index in range(2):
        cells = rows.nth(index).locator("td")
        assert int(cells.first.inner_text()) in (ids["bogor_old"], ids["bogor_new"])
        assert "Menunggu grup" in cells.nth(2).inner_text()
    # ... and one of them to the lead's page, which says where its card is.
    rows.first.locator("td a").first.click()
    page.wait_for_url("**/leads/*")
    assert page.locator("[data-status]").inner_text().startswith("Menunggu grup")
    assert page.locator("[role=alert]").is_visible()
    page.screenshot(path=str(output / "lead-menunggu-grup.png"), full_page=True)
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    phone_page = phone.new_page()
    log_in(phone_page, dashboard, "manajer")
    assert phone_page.locator("#unlinked-branches").is_visible()
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    phone_page.screenshot(path=str(output / "ringkasan-kesehatan-phone.png"), full_page=True)
    phone.close()
