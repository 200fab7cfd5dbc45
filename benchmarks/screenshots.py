"""Screenshots of every dashboard page at desktop and phone sizes, for review and for issues.

    .venv/bin/python benchmarks/screenshots.py                 # into test-output/screenshots/
    .venv/bin/python benchmarks/screenshots.py --out /tmp/shots --lang en

Builds a scratch SQLite database with the small known campaign the dashboard tests use
(``tests/dashboard/data.py`` and ``campaign_data.py``: six workers, three leads, tickets,
sources, follow-ups), adds a manager and a branch account, starts the dashboard the way an
operator does (``python -m bot dashboard``) and photographs each page with Debian's headless
Chromium (``/usr/bin/chromium``) through Playwright: 1280×900, and 390×844 at 2× like a phone.
The manager sees every page; the branch account its own. Prints the files written. The output
folder is git-ignored (``test-output/``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bot.accounts import Role, create_account  # noqa: E402
from db import migrate  # noqa: E402
from db.engine import Database  # noqa: E402
from tests.dashboard.campaign_data import seed_campaign_tools  # noqa: E402
from tests.dashboard.data import TIMUR, seed  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]
PASSWORD = "sandi-tangkapan-layar"
SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}, "device_scale_factor": 1},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
              "is_mobile": True, "has_touch": True},
}
# (account, file name, path): what each account photographs.
PAGES = (
    ("manajer", "login", "/login"),
    ("manajer", "ringkasan", "/ringkasan"),
    ("manajer", "tren", "/tren?periode=30"),
    ("manajer", "topik", "/topik"),
    ("manajer", "tak-terjawab", "/tak-terjawab"),
    ("manajer", "leads", "/leads"),
    ("manajer", "sumber", "/sumber"),
    ("manajer", "tiket", "/tiket"),
    ("manajer", "tindak-lanjut", "/tindak-lanjut"),
    ("manajer", "siaran", "/siaran"),
    ("manajer", "siaran-baru", "/siaran/baru"),
    ("manajer", "akun", "/akun"),
    ("petugas.timur", "cabang-ringkasan", "/ringkasan"),
    ("petugas.timur", "cabang-leads", "/leads"),
    ("petugas.timur", "cabang-tiket", "/tiket"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "test-output" / "screenshots")
    parser.add_argument("--lang", choices=("id", "en"), default="id")
    args = parser.parse_args()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright is not installed (scripts/setup.sh installs it)", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite+aiosqlite:///{scratch}/screenshots.db"
        migrate.upgrade(url)
        asyncio.run(_fill(url))
        with _dashboard(url, Path(scratch) / "dashboard.log") as base, \
                sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for size, options in SIZES.items():
                for account in dict.fromkeys(a for a, _n, _p in PAGES):
                    context = browser.new_context(**options)  # type: ignore[arg-type]
                    page = context.new_page()
                    page.goto(f"{base}/login?lang={args.lang}")
                    if account == PAGES[0][0]:
                        _shoot(page, args.out / f"login-{size}.png")
                    page.fill("input[name=username]", account)
                    page.fill("input[name=password]", PASSWORD)
                    page.click("form.login button[type=submit]")
                    page.wait_for_url(f"{base}/ringkasan")
                    for _account, name, path in PAGES:
                        if _account != account or name == "login":
                            continue
                        page.goto(base + path)
                        _shoot(page, args.out / f"{name}-{size}.png")
                    context.close()
            browser.close()
    return 0


def _shoot(page: object, path: Path) -> None:
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


async def _fill(url: str) -> None:
    db = Database(url)
    try:
        now = datetime.now(UTC)
        ids = await seed(db, now)
        await seed_campaign_tools(db, ids, now)
        async with db.transaction() as uow:
            await create_account(uow, "manajer", PASSWORD, Role.MANAGER, None, now,
                                 telegram_id=4242)
        async with db.transaction() as uow:
            await create_account(uow, "petugas.timur", PASSWORD, Role.BRANCH, TIMUR, now)
    finally:
        await db.dispose()


class _dashboard:
    """``python -m bot dashboard`` on a free port, stopped on exit."""

    def __init__(self, database_url: str, log: Path) -> None:
        self.database_url, self.log_path = database_url, log

    def __enter__(self) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("DATABASE_", "DASHBOARD_", "TELEGRAM_", "ADMIN_", "BOT_"))}
        env.update(DATABASE_URL=self.database_url, DASHBOARD_SECRET_KEY="s" * 40)
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "dashboard", "--port", str(port)], cwd=ROOT, env=env,
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    return base
            except httpx.HTTPError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(self.log_path.read_text())

    def __exit__(self, *_exc: object) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)
        self.log.close()


if __name__ == "__main__":
    raise SystemExit(main())
