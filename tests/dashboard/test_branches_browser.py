"""Cabang in a real browser (Debian's Chromium via Playwright, as ``test_browser.py``): a
manager moves a regency to another branch and edits that branch; ``python -m bot cabang cari``,
run as the operator runs it against the same database, then routes the place to the new
branch and shows what the worker reads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Browser

from tests.dashboard.test_browser import (  # noqa: F401 - fixtures and the skip mark
    ROOT,
    add_account,
    browser,
    dashboard,
    database_url,
    environment,
    log_in,
    output,
    pytestmark,
)


def cari(url: str, place: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "cabang", "cari", "--wilayah", place, "--json"],
        capture_output=True, text=True, cwd=ROOT, env=environment(url), timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_manager_moves_a_regency_and_cabang_cari_follows(
    database_url: str, dashboard: str, browser: Browser, output: Path  # noqa: F811
) -> None:
    # The shipped directory (seeded by the first command): Kabupaten Bogor goes to Bogor.
    before = cari(database_url, "kab bogor")
    assert before["code"] == "KC-BOGOR"
    add_account(database_url, "manajer", "--peran", "manajer")

    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    log_in(page, dashboard, "manajer")
    page.click("nav a[href='/cabang']")
    page.wait_for_url(f"{dashboard}/cabang")
    assert page.locator("table.branches tbody tr").count() == 122
    page.screenshot(path=str(output / "cabang.png"), full_page=True)

    page.click("a[href='/cabang/KC-DEPOK']")
    page.wait_for_url(f"{dashboard}/cabang/KC-DEPOK")
    assert page.locator("[data-regency='kab-bogor']").count() == 0
    page.select_option("form.branch-move select[name=wilayah]", "kab-bogor")
    page.click("form.branch-move button[type=submit]")
    page.wait_for_url("**/cabang/KC-DEPOK?hasil=moved*")
    assert "Kabupaten Bogor" in page.locator("[role=status]").inner_text()
    assert page.locator("[data-regency='kab-bogor']").count() == 1

    page.fill("form.branch-edit input[name=telepon]", "(021) 7777 8888")
    page.click("form.branch-edit button[type=submit]")
    page.wait_for_url("**/cabang/KC-DEPOK?hasil=saved")
    changes = page.locator("table.changes tbody tr")
    assert changes.count() == 2
    assert all("manajer" in changes.nth(i).inner_text() for i in range(2))
    assert "Kabupaten Bogor" in changes.nth(1).inner_text()
    page.screenshot(path=str(output / "cabang-depok.png"), full_page=True)
    context.close()

    # The same database, the operator's command: Kabupaten Bogor now goes to Depok. Depok is
    # still a derived branch, so the worker reads the office by the area it serves.
    after = cari(database_url, "kab bogor")
    assert (after["code"], after["phone"], after["provisional"]) == (
        "KC-DEPOK", "(021) 7777 8888", True)
    assert after["worker_reads"] == "kantor BPJS Ketenagakerjaan yang melayani Kabupaten Bogor"
