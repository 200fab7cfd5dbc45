"""Starting without the things the bot needs: a database that cannot be reached is retried
``DATABASE_CONNECT_ATTEMPTS`` times, then the bot exits non-zero with one clear line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.harness import ROOT, TOKEN


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the socket is


def _run_bot(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_", "BOT_", "ADMIN_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env={**base, **env},
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("url", [
    "postgresql://postgres@127.0.0.1:{port}/bebas_cemas",
    "sqlite:////etc/hostname/cannot-be-a-directory.db",
], ids=["postgresql-closed-port", "sqlite-impossible-path"])
def test_database_unavailable_at_start(url: str) -> None:
    result = _run_bot(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{_closed_port()}/bot",
        DATABASE_URL=url.format(port=_closed_port()),
        DATABASE_CONNECT_ATTEMPTS="2",
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output, output
    retries = [line for line in output.splitlines() if "attempt 1 of 2; retrying" in line]
    assert len(retries) == 1, output  # tried again once, with a word about it
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Database error: cannot use DATABASE_URL: "), output
    assert "attempt 2" not in output  # the limit is the limit


def test_bot_api_unreachable_at_start(tmp_path: Path) -> None:
    result = _run_bot(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{_closed_port()}/bot",
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
