"""Fixtures for end-to-end tests: the sandbox server (in a thread), the bot (a subprocess), and
an async client of the sandbox per test."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from db.base import Base
from sandbox.client import SandboxClient, run_in_thread
from tests.e2e.harness import TOKEN, BotProcess

ADMIN_ID = 4242
ADMIN_GROUP_ID = -1009990001


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    url, stop = run_in_thread(token=TOKEN, rate_limits=True)
    yield url
    stop()


@pytest.fixture(scope="module")
def e2e_database_url(migrated_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    if migrated_database_url.startswith("sqlite"):
        copy = tmp_path_factory.mktemp("e2e") / "bot.db"
        shutil.copyfile(make_url(migrated_database_url).database or "", copy)
        return f"sqlite+aiosqlite:///{copy}"
    asyncio.run(_truncate(migrated_database_url))
    return migrated_database_url


async def _truncate(url: str) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture(scope="module")
def bot(sandbox_url: str, e2e_database_url: str,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    log = tmp_path_factory.mktemp("botlog") / "bot.log"
    process = BotProcess(
        sandbox_url, e2e_database_url, log,
        extra_env={"ADMIN_IDS": str(ADMIN_ID), "ADMIN_GROUP_ID": str(ADMIN_GROUP_ID)},
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture
async def sandbox(sandbox_url: str, bot: BotProcess,
                  request: pytest.FixtureRequest) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(sandbox_url) as client:
        yield client
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        print("---- bot log ----\n" + bot.log_tail())


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Iterator[pytest.TestReport]:
    report: pytest.TestReport = yield
    setattr(item, f"rep_{report.when}", report)
    return report

