"""Runs the real bot as a separate process against the sandbox Bot API server, over HTTP."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:E2E-TOKEN"
_ids = itertools.count(int(time.time() * 1000) % 1_000_000 * 1000)


def new_user_id() -> int:
    """Distinct Telegram ids, so tests sharing one bot process never see each other's chats."""
    return 10_000_000 + next(_ids)


class BotProcess:
    """``python -m bot run`` in polling mode, pointed at the sandbox."""

    def __init__(self, sandbox_url: str, database_url: str, log_path: Path,
                 extra_env: dict[str, str] | None = None, ready_marker: str = "ready") -> None:
        self.ready_marker = ready_marker
        self.sandbox_url = sandbox_url
        self.database_url = database_url
        self.log_path = log_path
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        env = {
            k: v for k, v in os.environ.items()
            if not k.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_", "BOT_", "ADMIN_"))
        }
        env.update(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=f"{self.sandbox_url}/bot",
            DATABASE_URL=self.database_url,
            BOT_MODE=self.extra_env.get("BOT_MODE", "polling"),
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
            # Broadcasts go out whatever the hour the suite runs at (tests/campaign covers them).
            BROADCAST_QUIET_HOURS="off",
        )
        env.update(self.extra_env)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        self._wait_until_polling(timeout)

    def _wait_until_polling(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the bot exited early:\n{self.log_tail()}")
            if self.ready_marker in self.log_tail(4000):
                return
            time.sleep(0.1)
        raise RuntimeError(f"the bot did not start within {timeout}s:\n{self.log_tail()}")

    def stop(self, *, kill: bool = False) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def restart(self, *, kill: bool = False) -> None:
        self.stop(kill=kill)
        # Only new lines count as "ready" after a restart.
        with self.log_path.open("ab") as log:
            log.write(b"\n--- restart ---\n")
        self._mark = self.log_path.stat().st_size
        self.start()

    def log_tail(self, size: int = 6000) -> str:
        if not self.log_path.exists():
            return ""
        data = self.log_path.read_bytes()
        start = getattr(self, "_mark", 0)
        return data[max(start, len(data) - size):].decode(errors="replace")


def sandbox_alive(url: str) -> bool:
    try:
        return httpx.get(f"{url}/sandbox/api/bot", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
