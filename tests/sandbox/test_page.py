"""The sandbox page in a real browser, started the way a newcomer starts it.

``python -m bot sandbox`` runs on a fresh SQLite file (migrated, demo group linked, bot started
as a subprocess); Debian's headless Chromium (``/usr/bin/chromium``) drives the page through
Playwright at a desktop size (1400×900) and a phone size (390×844). Screenshots go to
``test-output/browser/`` (gitignored). Without Chromium or Playwright the tests are skipped,
except under CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from bot.i18n import _
from bot.sandbox_demo import DEMO_GROUP_ID, DEMO_STAFF_NAME, DEMO_WORKER_ID
from bot.vocabulary import contact_time_button, occupation_button
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, needs_browser, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "browser"
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

pytestmark = needs_browser


class Running:
    """``python -m bot sandbox`` in a subprocess: its page's URL and its database file."""

    def __init__(self, url: str, database: Path, log: Path) -> None:
        self.url, self.database, self.log = url, database, log

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    folder = tmp_path_factory.mktemp("sandbox-page")
    database, log_path = folder / "bebas_cemas.db", folder / "sandbox.log"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_", "TELEGRAM_", "ADMIN_", "BOT_", "WEBHOOK_"))}
    env.update(DATABASE_URL=f"sqlite:///{database}", LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "sandbox", "--port", str(port)], cwd=ROOT, env=env,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    running = Running(f"http://127.0.0.1:{port}", database, log_path)
    try:
        deadline = time.monotonic() + 90
        while "ready" not in running.log_text():  # the bot's "bot @... ready" line
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("python -m bot sandbox did not start:\n" + running.log_text())
            time.sleep(0.2)
        yield running
    finally:
        process.send_signal(signal.SIGTERM)  # stops the bot it started, then itself
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser: Browser, url: str, viewport: dict[str, int], *,
              help_seen: bool = True) -> Page:
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    if help_seen:
        context.add_init_script("localStorage.setItem('bebas-cemas-sandbox-help-seen', '1')")
    page = context.new_page()
    page.goto(url + "/")
    wait_for_demo_chats(page)
    return page


def wait_for_demo_chats(page: Page) -> None:
    """The page opens on the demo worker and the demo group."""
    page.wait_for_function(
        f"document.getElementById('worker-select').value === '{DEMO_WORKER_ID}'"
        f" && document.getElementById('group-select').value === '{DEMO_GROUP_ID}'")


def shot(page: Page, name: str) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"sandbox-{name}.png"))


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not displayed"
    return {"x": found["x"], "y": found["y"], "width": found["width"], "height": found["height"]}


def page_height(page: Page) -> int:
    return int(page.evaluate("document.scrollingElement.scrollHeight"))


def test_favicon_is_served(sandbox: Running, browser: Browser) -> None:
    icon = httpx.get(f"{sandbox.url}/favicon.ico", timeout=5)
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/svg+xml"
    assert icon.text.startswith("<svg") and "</svg>" in icon.text
    page = open_page(browser, sandbox.url, DESKTOP)
    linked = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert linked == f"{sandbox.url}/favicon.ico"
    # Chromium itself can decode it as an image.
    size = page.evaluate("""async (src) => {
        const img = new Image(); img.src = src; await img.decode();
        return [img.naturalWidth, img.naturalHeight]; }""", linked)
    assert size[0] > 0 and size[1] > 0
    page.context.close()


def test_help_box_says_where_the_database_is_and_what_the_demo_group_does(
    sandbox: Running, browser: Browser
) -> None:
    info = httpx.get(f"{sandbox.url}/sandbox/api/bot", timeout=5).json()
    assert info["database"] == str(sandbox.database)
    assert info["demo"]["group_id"] == DEMO_GROUP_ID

    page = open_page(browser, sandbox.url, DESKTOP, help_seen=False)
    help_box = page.locator("#help")
    help_box.wait_for(state="visible")  # a newcomer's first visit opens it
    assert page.locator("#help-database").inner_text() == str(sandbox.database)
    demo = page.locator("#help-demo")
    assert "/hubungkan" in help_box.inner_text() and "cabang link-code" in help_box.inner_text()
    assert info["demo"]["group_title"] in demo.inner_text()
    assert info["demo"]["note"] in demo.inner_text()
    # It covers the page without taking the chats' height.
    assert box(page.locator("#worker-messages"))["height"] >= 400
    shot(page, "help")
    page.click("#help-close")
    assert not help_box.is_visible()
    page.reload()
    wait_for_demo_chats(page)
    assert not help_box.is_visible()  # seen once: it stays closed
    page.click("#help-toggle")
    assert help_box.is_visible() and page.get_attribute("#help-toggle", "aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert not help_box.is_visible()
    page.context.close()


def test_desktop_forms_toggle_and_the_chats_use_the_height(
    sandbox: Running, browser: Browser
) -> None:
    page = open_page(browser, sandbox.url, DESKTOP)
    note = page.locator("#group-note")
    assert note.is_visible() and "Lamongan" in note.inner_text()

    for toggle, form in (("#worker-new-toggle", "#worker-form"),
                         ("#group-new-toggle", "#group-form"),
                         ("#staff-add-toggle", "#staff-form")):
        assert not page.locator(form).is_visible(), f"{form} shows before it is asked for"
        page.click(toggle)
        assert page.locator(form).is_visible(), f"{toggle} does not open {form}"
        assert page.get_attribute(toggle, "aria-expanded") == "true"
        page.click(toggle)
        assert not page.locator(form).is_visible(), f"{toggle} does not close {form}"

    # No reply keyboard was sent: no empty bar above the composer.
    assert not page.locator("#worker-keyboard").is_visible()
    assert not page.locator("#location-picker").is_visible()
    for chat in ("#worker-messages", "#staff-messages"):
        assert box(page.locator(chat))["height"] >= 400, chat
    assert page_height(page) <= DESKTOP["height"]  # the page itself does not scroll
    for composer in ("#worker-composer", "#staff-composer"):
        assert box(page.locator(composer))["y"] + box(page.locator(composer))["height"] <= \
            DESKTOP["height"]
    shot(page, "desktop")
    page.context.close()


def test_a_staff_member_added_on_the_page_is_listed_by_name(
    sandbox: Running, browser: Browser
) -> None:
    page = open_page(browser, sandbox.url, DESKTOP)
    staff = page.locator("#staff-select")
    assert staff.locator("option:checked").inner_text() == f"{DEMO_STAFF_NAME} (creator)"
    page.click("#staff-add-toggle")
    page.fill("#staff-form input[name=first_name]", "Wati")
    page.click("#staff-form button[type=submit]")
    page.locator("#staff-messages .msg.service", has_text="Wati joined").wait_for()
    page.wait_for_function(
        "document.querySelector('#staff-select option:checked')?.textContent === 'Wati (member)'")
    labels = staff.locator("option").all_inner_texts()
    assert labels == [f"{DEMO_STAFF_NAME} (creator)", "Wati (member)"], labels
    assert not any(re.match(r"\d+ \(", label) for label in labels)
    assert not page.locator("#staff-form").is_visible()  # closed once done
    page.context.close()


def test_on_a_phone_a_registration_reaches_the_demo_group(
    sandbox: Running, browser: Browser
) -> None:
    """The demo worker registers on a phone-sized page: tabs keep the composer in view, the
    shared number is accepted, the reply buttons show one icon, and the lead card arrives in the
    demo group, linked at start-up to the branch that serves the shared location."""
    page = open_page(browser, sandbox.url, PHONE)
    worker_tab, group_tab = page.locator("#tab-worker"), page.locator("#tab-staff")
    assert worker_tab.is_visible() and group_tab.is_visible()
    assert page.locator("#worker-pane").is_visible()
    assert not page.locator("#staff-pane").is_visible()

    def composer_in_view(composer: str) -> None:
        found = box(page.locator(composer))
        assert found["y"] >= 0 and found["y"] + found["height"] <= PHONE["height"], found
        assert page_height(page) <= PHONE["height"]

    composer_in_view("#worker-composer")
    worker = page.locator("#worker-messages")

    def bot_says(text: str) -> Locator:
        message = worker.locator(".msg:not(.mine)", has_text=text).last
        message.wait_for(timeout=20_000)
        return message

    def press(message: Locator, label: str) -> None:
        message.locator(".inline-keyboard button", has_text=label).click()

    def write(text: str) -> None:
        page.fill("#worker-composer input[name=text]", text)
        page.press("#worker-composer input[name=text]", "Enter")

    def reply_button(label: str) -> Locator:
        button = page.locator("#worker-keyboard button", has_text=label)
        button.wait_for(timeout=20_000)
        assert button.inner_text() == label  # one icon: the bot's own
        return button

    write("/daftar")
    agree = _("✅ Yes, I agree", "id")
    press(bot_says(agree), agree)
    bot_says(_("What is your full name?", "id"))
    write("Sari Wulandari")
    share_number = reply_button(_("📱 Share my number", "id"))
    composer_in_view("#worker-composer")  # the keyboard bar does not push it out of view
    shot(page, "phone-keyboard")
    share_number.click()
    press(bot_says(_("What is your work?", "id")), occupation_button("nelayan", "id"))
    reply_button(_("📍 Share my location", "id")).click()
    page.locator("#location-presets button", has_text="Lamongan").click()
    # The income step offers to skip; then the contact time; then the summary.
    press(bot_says(_("⏭️ Skip", "id")), _("⏭️ Skip", "id"))
    press(bot_says(_("When is the best time for the branch to call you?", "id")),
          contact_time_button("pagi", "id"))
    summary = bot_says("Sari Wulandari")
    assert "+62812" in summary.inner_text()  # the shared number, accepted
    press(summary, _("✅ Confirm", "id"))
    bot_says(re.sub("<[^>]+>", "", _("✅ <b>Thank you! Your interest has been registered.</b>",
                                     "id")))

    # The lead card lands in the demo group; the Grup tab counts it until it is opened.
    badge = group_tab.locator(".badge")
    badge.wait_for(state="visible", timeout=30_000)
    assert int(badge.inner_text()) >= 1
    group_tab.click()
    assert page.locator("#staff-pane").is_visible()
    assert not page.locator("#worker-pane").is_visible()
    assert not badge.is_visible()
    card = page.locator("#staff-messages .msg", has_text="Sari Wulandari").last
    card.wait_for(timeout=30_000)
    text = card.inner_text()
    assert re.search(r"\+62812\d{8}", text), text
    assert occupation_button("nelayan", "id").split(" ", 1)[1] in text
    composer_in_view("#staff-composer")
    # Budi, the demo group's staff member, claims it from the page.
    card.locator(".inline-keyboard button", has_text=_("🙋 Claim", "id")).click()
    page.locator("#staff-messages .msg", has_text="Sari Wulandari").filter(
        has_text=DEMO_STAFF_NAME).last.wait_for(timeout=20_000)
    shot(page, "phone-card")
    page.context.close()
