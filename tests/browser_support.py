"""Debian's headless Chromium driven by Playwright, for the dashboard's and the sandbox page's
browser tests: where it is, how it is started, and why a test is skipped without it (never
skipped in CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None  # type: ignore[assignment]

MISSING = "playwright is not installed" if sync_playwright is None else (
    None if CHROMIUM.exists() else f"{CHROMIUM} is missing (apt-get install chromium)")
if MISSING and os.environ.get("CI"):
    raise RuntimeError(f"browser tests must run in CI: {MISSING}")
needs_browser = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")
