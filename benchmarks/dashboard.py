"""Dashboard response times on a campaign-sized database, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/dashboard.py                      # both backends
    .venv/bin/python benchmarks/dashboard.py --backend sqlite --users 10000 --events 100000

Fills a scratch database with 100,000 users, 1,000,000 events and 20,000 leads spread over the
last 180 days (the shipped branch directory, realistic shares of questions, unanswered
questions, calculator use and registrations), logs in as a manager and as a branch account
through the real aiohttp application, and prints each page's response time: the first request
(cold caches) and the median of the next five. Target: under 300 ms each.

PostgreSQL: ``--postgres postgresql://postgres@127.0.0.1:5432/test`` (the default) names a
server where the user may create databases; a scratch database is created and dropped, as in
``tests/conftest.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.accounts import Role, create_account
from bot.dashboard import create_app
from bot.events import EventKind
from bot.geo.shipped import load_default_directory
from bot.routing import branch_rows
from bot.settings import Settings, parse_database_url
from db import migrate
from db.engine import Database
from db.models import Event, Lead, UnansweredQuestion, User

DAYS = 180
PASSWORD = "benchmark-password"
# Events per user on average, by kind (sums to 10 with first contact: 1,000,000 for 100,000).
EVENT_SHARES: dict[str, float] = {
    EventKind.START: 1.2,
    EventKind.QUESTION: 4.5,
    EventKind.UNANSWERED: 0.68,  # ~15% of questions
    EventKind.CALCULATOR: 0.8,
    EventKind.REGISTRATION_STARTED: 0.35,
    EventKind.REGISTRATION_STEP: 1.0,
    EventKind.REGISTRATION_CANCELLED: 0.08,
    EventKind.LEAD_STATUS: 0.2,
    EventKind.LANGUAGE_CHANGED: 0.05,
    EventKind.DATA_DELETED: 0.01,
}
TOPICS = ("iuran", "manfaat_jkk", "manfaat_jkm", "cara_daftar", "syarat", "klaim", "cabang",
          "cara_bayar", "program", "telat_bayar", "bpjs_kesehatan", "salam")
OCCUPATIONS = ("ojek_driver", "pedagang", "petani", "nelayan", "buruh", "art", "rt_rw", "lainnya")
STATUSES = (("baru", 0.25), ("diambil", 0.2), ("dihubungi", 0.25), ("terdaftar", 0.2),
            ("tidak_berminat", 0.1))
UNANSWERED_TEMPLATES = (
    "kalau {x} bisa ikut bpjs gak",
    "apakah {x} dapat santunan",
    "gimana cara pindah kepesertaan {x}",
    "bisa bayar iuran lewat {x} ga",
    "saya {x} apa ada potongan",
)
FILLERS = ("anak sekolah", "istri", "ojol", "petani sawit", "indomaret", "dana", "gopay",
           "pensiunan", "buruh harian", "nelayan kecil", "pedagang pasar", "supir angkot")


@dataclass(frozen=True)
class Size:
    users: int
    events: int
    leads: int


# --- filling the database -------------------------------------------------------------------


async def fill(db: Database, size: Size, now: datetime, seed: int = 7) -> None:
    rng = random.Random(seed)
    directory = load_default_directory()
    branches, regencies = branch_rows(directory)
    async with db.transaction() as session:
        session.add_all(branches)
        await session.flush()
        session.add_all(regencies)
    # leads.regency_code and events.regency_code are VARCHAR(20) while some regency codes are
    # longer (up to 36): PostgreSQL refuses those, so the benchmark leaves them out for now.
    regency_list = [(r.code, r.province_code, r.branch_code) for r in regencies
                    if len(r.code) <= 20]

    start = now - timedelta(days=DAYS)
    span = (now - start).total_seconds()
    first_seen = [start + timedelta(seconds=span * rng.random() ** 0.8) for _ in range(size.users)]
    last_seen = [
        min(now, f + timedelta(days=rng.expovariate(1 / 20))) for f in first_seen
    ]
    await _insert(db, User, (
        {"id": i + 1, "telegram_id": 10_000_000 + i, "language": "id", "language_chosen": False,
         "first_seen": first_seen[i], "last_seen": last_seen[i]}
        for i in range(size.users)
    ))

    def when(user: int) -> datetime:
        a, b = first_seen[user], last_seen[user]
        return a + (b - a) * rng.random()

    scale = (size.events - size.users - size.leads) / (size.users * sum(EVENT_SHARES.values()))
    lead_users = rng.sample(range(size.users), size.leads)
    lead_ids = {user: n + 1 for n, user in enumerate(lead_users)}

    def events() -> Iterator[dict[str, Any]]:
        for user in range(size.users):
            yield _event(EventKind.FIRST_CONTACT, user, first_seen[user])
        for kind, share in EVENT_SHARES.items():
            for _ in range(round(size.users * share * scale)):
                user = rng.randrange(size.users)
                topic = rng.choice(TOPICS) if kind in (EventKind.QUESTION,
                                                       EventKind.UNANSWERED) else None
                yield _event(kind, user, when(user), topic=topic,
                             confidence=round(rng.random(), 3) if topic else None)
        for user in lead_users:
            regency, province, branch = rng.choice(regency_list)
            yield _event(EventKind.REGISTRATION_COMPLETED, user, when(user), branch=branch,
                         regency=regency, province=province)

    await _insert(db, Event, events())

    def leads() -> Iterator[dict[str, Any]]:
        statuses = [s for s, _ in STATUSES]
        weights = [w for _, w in STATUSES]
        for user in lead_users:
            regency, province, branch = rng.choice(regency_list)
            created = when(user)
            status = rng.choices(statuses, weights)[0]
            claimed = contacted = closed = None
            if status != "baru":
                claimed = min(now, created + timedelta(hours=rng.expovariate(1 / 10)))
            if status in ("dihubungi", "terdaftar") or (status == "tidak_berminat"
                                                        and rng.random() < 0.5):
                contacted = min(now, claimed + timedelta(hours=rng.expovariate(1 / 20)))  # type: ignore[operator]
            if status in ("terdaftar", "tidak_berminat"):
                closed = min(now, (contacted or claimed) + timedelta(days=rng.random() * 5))  # type: ignore[operator]
            yield {
                "id": lead_ids[user], "user_id": user + 1, "status": status, "name": "Pekerja",
                "phone": "+6281200000000", "phone_is_own": True,
                "occupation": rng.choice(OCCUPATIONS), "occupation_other": None,
                "regency_code": regency, "province_code": province, "place_label": None,
                "branch_code": branch, "income": None, "contact_time": "kapan_saja",
                "language": "id", "created_at": created, "updated_at": created,
                "claimed_by": 1 if claimed else None, "claimed_by_name": None,
                "claimed_at": claimed, "contacted_at": contacted, "closed_at": closed,
                "anonymized_at": None, "reminders_sent": 0, "last_announced_at": created,
            }

    await _insert(db, Lead, leads())

    def unanswered() -> Iterator[dict[str, Any]]:
        for _ in range(round(size.users * EVENT_SHARES[EventKind.UNANSWERED] * scale)):
            user = rng.randrange(size.users)
            question = rng.choice(UNANSWERED_TEMPLATES).format(x=rng.choice(FILLERS))
            yield {"user_id": user + 1, "text": question, "normalized": question,
                   "best_topic": rng.choice(TOPICS), "confidence": 0.3, "created_at": when(user)}

    await _insert(db, UnansweredQuestion, unanswered())
    await _analyze(db)


def _event(kind: str, user: int, at: datetime, *, topic: str | None = None,
           confidence: float | None = None, branch: str | None = None,
           regency: str | None = None, province: str | None = None) -> dict[str, Any]:
    return {"kind": str(kind), "user_id": user + 1, "created_at": at, "topic": topic,
            "confidence": confidence, "language": "id", "branch_code": branch,
            "regency_code": regency, "province_code": province, "details": None}


async def _insert(db: Database, model: type[Any], rows: Iterator[dict[str, Any]],
                  chunk: int = 20_000) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == chunk:
            async with db.transaction() as session:
                await session.execute(insert(model), batch)
            batch = []
    if batch:
        async with db.transaction() as session:
            await session.execute(insert(model), batch)


async def _analyze(db: Database) -> None:
    # What a production database has after autovacuum: planner statistics and, on PostgreSQL,
    # a visibility map that allows index-only scans.
    if db.is_sqlite:
        async with db.transaction() as session:
            await session.execute(text("ANALYZE"))
        return
    async with db.engine.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("VACUUM ANALYZE"))


# --- timing the pages -----------------------------------------------------------------------

PAGES = (
    "/ringkasan", "/tren", "/tren?periode=90", "/tren?periode=365", "/topik",
    "/topik?periode=365", "/tak-terjawab", "/leads",
    "/leads?periode=7", "/api/ringkasan", "/api/tren", "/api/topik", "/api/tak-terjawab",
    "/api/leads", "/leads.csv?periode=30",
)


Timing = tuple[str, str, float, float]  # account, path, first request ms, median ms


async def time_pages(db: Database, settings: Settings, branch: str) -> list[Timing]:
    now = datetime.now(UTC)
    async with db.transaction() as uow:
        await create_account(uow, "manajer", PASSWORD, Role.MANAGER, None, now)
    async with db.transaction() as uow:
        await create_account(uow, "cabang", PASSWORD, Role.BRANCH, branch, now)
    app = create_app(settings, db)
    results = []
    async with TestClient(TestServer(app)) as client:
        for username in ("manajer", "cabang"):
            client.session.cookie_jar.clear()
            await _login(client, username)
            for path in PAGES:
                times = []
                for _ in range(6):
                    began = time.perf_counter()
                    response = await client.get(path)
                    await response.read()
                    times.append((time.perf_counter() - began) * 1000)
                    assert response.status == 200, (path, response.status)
                results.append((username, path, times[0], statistics.median(times[1:])))
    return results


async def _login(client: TestClient, username: str) -> None:
    import re

    page = await (await client.get("/login")).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    response = await client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token[1]},
        allow_redirects=False,
    )
    assert response.status == 303, await response.text()


# --- backends -------------------------------------------------------------------------------


async def run_backend(url: str, size: Size) -> list[Timing]:
    migrate_url = url
    await asyncio.to_thread(migrate.upgrade, migrate_url)
    db = Database(url)
    try:
        now = datetime.now(UTC)
        began = time.perf_counter()
        await fill(db, size, now)
        print(f"  filled in {time.perf_counter() - began:.0f} s", flush=True)
        settings = Settings(database_url=url, dashboard_secret_key="b" * 32)
        busiest = await _busiest_branch(db)
        return await time_pages(db, settings, busiest)
    finally:
        await db.dispose()


async def _busiest_branch(db: Database) -> str:
    async with db.transaction() as session:
        return str(
            await session.scalar(
                text("SELECT branch_code FROM leads GROUP BY branch_code ORDER BY count(*) DESC "
                     "LIMIT 1")
            )
        )


async def _postgres(admin_url: str, statement: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(statement))
    await engine.dispose()


def report(backend: str, results: list[Timing]) -> None:
    print(f"\n{backend}: response time per page (ms), first request / median of next 5")
    for username, path, first, median in results:
        flag = "" if max(first, median) < 300 else "  <-- over 300 ms"
        print(f"  {username:8} {path:24} {first:8.1f} {median:8.1f}{flag}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--leads", type=int, default=20_000)
    args = parser.parse_args()
    size = Size(args.users, args.events, args.leads)
    print(f"{size.users:,} users, {size.events:,} events, {size.leads:,} leads")
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
            print("SQLite", flush=True)
            report("SQLite", asyncio.run(run_backend(url, size)))
    if args.backend in ("postgres", "both"):
        admin = parse_database_url(args.postgres)
        name = f"bebas_cemas_bench_{uuid.uuid4().hex[:8]}"
        print("PostgreSQL", flush=True)
        asyncio.run(_postgres(admin, f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(admin).set(database=name).render_as_string(hide_password=False)
            report("PostgreSQL", asyncio.run(run_backend(url, size)))
        finally:
            asyncio.run(_postgres(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
