"""Processes and databases for ``throughput.py``: the sandbox server, our bot and the echo bot as
separate processes, their CPU time and peak memory read from ``/proc``, and scratch databases
(SQLite files, PostgreSQL databases) migrated and pre-filled with users once, copied per run."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from sandbox.client import SandboxClient

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCHMARK-TOKEN"
WEBHOOK_SECRET = "benchmark-webhook-secret"
ADMIN_GROUP_ID = -1009990001
PREFILLED_IDS_FROM = 900_000_000  # Telegram ids of the pre-filled users; workers use others
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- /proc ----------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (``/proc/PID/stat`` utime + stime)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent not idle since boot (``/proc/stat``)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / _CLOCK_TICKS


def calibration_us() -> float:
    """Microseconds for ``sum(range(10_000))`` (best of 5): how fast this (virtual) CPU is right
    now. On a shared host it drifts; compare runs only when this is alike."""
    import timeit

    return min(timeit.repeat("sum(range(10_000))", number=100, repeat=5)) / 100 * 1e6


def wait_until_quiet(threshold_pct: float = 25.0, max_wait_s: float = 30.0) -> float:
    """Wait (up to ``max_wait_s``) until the machine is nearly idle over a 2-second sample, so
    that someone else's job does not eat into a run; returns the busy share last seen (% of one
    core)."""
    deadline = time.monotonic() + max_wait_s
    while True:
        before = machine_busy_seconds()
        time.sleep(2.0)
        busy = (machine_busy_seconds() - before) / 2.0 * 100
        if busy < threshold_pct or time.monotonic() > deadline:
            return busy


def postgres_pids(database: str) -> list[int]:
    """The PostgreSQL server processes serving ``database`` (their titles name it), to charge
    the database's CPU to the run and not someone else's queries on the same server."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    title = f.read().decode(errors="replace")
            except OSError:
                continue
            if title.startswith("postgres:") and f" {database} " in title:
                pids.append(int(entry))
    return pids


def cpu_seconds_of(pids: list[int]) -> dict[int, float]:
    """:func:`cpu_seconds` of each process still there."""
    found = {}
    for pid in pids:
        try:
            found[pid] = cpu_seconds(pid)
        except OSError:
            continue
    return found


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two :func:`cpu_seconds_of`, by processes seen both times."""
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())


def peak_rss_mb(pid: int) -> float:
    """The high-water mark of the resident set (``VmHWM``), in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# --- processes ------------------------------------------------------------------------------


class Service:
    """A child process with its output in a log file; started, awaited ready, stopped."""

    def __init__(
        self, name: str, argv: list[str], log_path: Path, env: dict[str, str] | None = None
    ) -> None:
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, ready_marker: str, timeout: float = 60.0) -> Service:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            if ready_marker in self.log_tail(20_000):
                return self
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} not ready within {timeout}s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, size: int = 4000) -> str:
        if not self.log_path.exists():
            return ""
        data = self.log_path.read_bytes()
        return data[-size:].decode(errors="replace")


def sandbox(port: int, log_dir: Path, *, rate_limits: bool) -> Service:
    argv = [sys.executable, "-m", "sandbox.server", "--port", str(port), "--token", TOKEN]
    if not rate_limits:
        argv.append("--no-rate-limits")
    service = Service("sandbox", argv, log_dir / f"sandbox-{port}.log")
    return service.start("Sandbox Bot API at")


def _bot_env(
    sandbox_url: str, database_url: str, rate_limit: bool, extra: dict[str, str]
) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_", "BOT_", "ADMIN_", "LOG_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=f"{sandbox_url}/bot",
        DATABASE_URL=database_url,
        TELEGRAM_RATE_LIMIT="on" if rate_limit else "off",
        ADMIN_GROUP_ID=str(ADMIN_GROUP_ID),
        BOT_MODE="polling",
        LOG_LEVEL="INFO",  # the default; the bot logs nothing per update at INFO
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def our_bot(sandbox_url: str, database_url: str, log_dir: Path, *, rate_limit: bool) -> Service:
    env = _bot_env(sandbox_url, database_url, rate_limit, {})
    service = Service("bot", [sys.executable, "-m", "bot", "run"], log_dir / "bot.log", env)
    return service.start("polling http")


def webhook_bots(
    sandbox_url: str, database_url: str, log_dir: Path, processes: int, *, rate_limit: bool
) -> list[Service]:
    """``processes`` webhook processes sharing one port (SO_REUSEPORT) and one database."""
    port = free_port()
    extra = {
        "BOT_MODE": "webhook",
        "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    started = []
    for index in range(processes):
        env = _bot_env(sandbox_url, database_url, rate_limit, extra)
        service = Service(
            f"bot{index}",
            [sys.executable, "-m", "bot", "run"],
            log_dir / f"bot-webhook-{index}.log",
            env,
        )
        started.append(service.start("webhook listening"))
    return started


def echo_bot(
    sandbox_url: str, log_dir: Path, *, rate_limit: bool, http: str = "httpx"
) -> Service:
    argv = [
        sys.executable,
        str(ROOT / "benchmarks" / "echo_bot.py"),
        "--base-url",
        f"{sandbox_url}/bot",
        "--token",
        TOKEN,
        "--http",
        http,
    ]
    if rate_limit:
        argv.append("--rate-limit")
    service = Service("echo", argv, log_dir / "echo.log")
    return _start_until_polling(service, sandbox_url)


def _start_until_polling(service: Service, sandbox_url: str, timeout: float = 60.0) -> Service:
    import httpx

    service.start("", timeout)  # the empty marker is found at once: only "not dead yet"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.process is not None and service.process.poll() is not None:
            raise RuntimeError(f"{service.name} exited early:\n{service.log_tail()}")
        calls = httpx.get(f"{sandbox_url}/sandbox/api/stats", timeout=5).json()["calls"]
        if calls.get("getUpdates", 0) > 0:
            return service
        time.sleep(0.1)
    raise RuntimeError(f"{service.name} never polled:\n{service.log_tail()}")


async def add_admin_group(sandbox_url: str) -> None:
    """The campaign's admin group, where leads from branches without a group go."""
    async with SandboxClient(sandbox_url) as client:
        admin = 4242
        await client.create_user("Admin", user_id=admin)
        await client.create_group("Admin Kampanye", chat_id=ADMIN_GROUP_ID, members=[admin])


# --- databases ------------------------------------------------------------------------------


async def prefill_users(url: str, count: int, seed: int = 7) -> None:
    """``count`` users who talked to the bot over the last 90 days, in one bulk INSERT per
    10,000 rows (no events, no leads: the users table is what every update reads)."""
    from db.models import User

    if count <= 0:
        return
    rng = random.Random(seed)
    now = datetime.now(UTC)
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            for start in range(0, count, 10_000):
                rows = []
                for i in range(start, min(count, start + 10_000)):
                    first = now - timedelta(minutes=rng.randrange(90 * 24 * 60))
                    rows.append(
                        {
                            "telegram_id": PREFILLED_IDS_FROM + i,
                            "language": "en" if rng.random() < 0.05 else "id",
                            "language_chosen": False,
                            "first_seen": first,
                            "last_seen": first + timedelta(minutes=rng.randrange(60 * 24)),
                        }
                    )
                await connection.execute(insert(User), rows)
    finally:
        await engine.dispose()


class SqliteDatabases:
    """One migrated, pre-filled template file; every run gets its own copy."""

    def __init__(self, directory: Path, users: int) -> None:
        self.directory = directory
        self.template = directory / "template.db"
        self.users = users
        self._runs = 0

    def prepare(self) -> None:
        from db import migrate

        url = f"sqlite+aiosqlite:///{self.template}"
        migrate.upgrade(url)
        asyncio.run(prefill_users(url, self.users))

    def fresh(self) -> str:
        self._runs += 1
        copy = self.directory / f"run{self._runs}.db"
        shutil.copyfile(self.template, copy)
        return f"sqlite:///{copy}"

    def cleanup(self) -> None:
        pass  # the files live in the run's temporary directory


class PostgresDatabases:
    """A migrated, pre-filled template database; every run gets ``CREATE DATABASE ...
    TEMPLATE``, and everything is dropped at the end (like tests/conftest.py)."""

    def __init__(self, admin_url: str, users: int) -> None:
        self.admin_url = admin_url
        self.users = users
        self.prefix = f"bench_{uuid.uuid4().hex[:8]}"
        self.template = f"{self.prefix}_template"
        self.created: list[str] = []

    def _url(self, name: str) -> str:
        url = make_url(self.admin_url).set(drivername="postgresql+asyncpg", database=name)
        return url.render_as_string(hide_password=False)

    async def _execute(self, statement: str, database: str | None = None) -> None:
        database = database or make_url(self.admin_url).database or "postgres"
        engine = create_async_engine(self._url(database), isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.execute(text(statement))
        finally:
            await engine.dispose()

    def prepare(self) -> None:
        from db import migrate

        asyncio.run(self._execute(f'CREATE DATABASE "{self.template}"'))
        self.created.append(self.template)
        migrate.upgrade(self._url(self.template))
        asyncio.run(prefill_users(self._url(self.template), self.users))
        asyncio.run(self._execute("VACUUM ANALYZE", self.template))

    def fresh(self) -> str:
        name = f"{self.prefix}_run{len(self.created)}"
        asyncio.run(self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        self.created.append(name)
        return (
            make_url(self._url(name))
            .set(drivername="postgresql")
            .render_as_string(hide_password=False)
        )

    def cleanup(self) -> None:
        for name in reversed(self.created):
            asyncio.run(self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.created.clear()
