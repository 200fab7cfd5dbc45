"""``python -m bot sandbox``: the embedded default, with no Telegram token needed.

Brings the database's schema up to date and links the demo staff group to the demo worker's
branch (:mod:`bot.sandbox_demo`), starts the local Bot API server with its chat page and those
demo chats, then the bot as a separate process pointed at it through ``TELEGRAM_API_BASE_URL``,
exactly as it would talk to Telegram.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from bot import sandbox_demo
from bot.cli.common import run_with_database
from bot.clock import utcnow
from bot.logs import configure_logging
from bot.runners.signals import stop_event_on_signals
from bot.settings import PROJECT_ROOT, Settings, load_settings
from db.engine import Database

SANDBOX_TOKEN_PREFIX = "123456:sandbox-"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        help="local Telegram sandbox: Bot API server, chat page and the bot (no token needed)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address of the chat page")
    parser.add_argument("--port", type=int, default=8081, help="port of the chat page and API")
    parser.add_argument(
        "--no-rate-limits",
        action="store_true",
        help="do not enforce Telegram's flood limits (benchmarks only)",
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_level)
    links: list[sandbox_demo.DemoLink] = []

    async def prepare(db: Database, _settings: Settings) -> int:
        async with db.transaction() as uow:
            links.append(await sandbox_demo.link_demo_group(uow, utcnow()))
        return 0

    # The schema is brought up to date first; an unreachable database is one line, exit 1.
    if run_with_database(prepare) != 0:
        return 1
    return asyncio.run(_serve(args, settings, links[0]))


async def _serve(args: argparse.Namespace, settings: Settings, link: sandbox_demo.DemoLink) -> int:
    from sandbox.config import DemoChats, SandboxConfig
    from sandbox.server import start_sandbox

    token = SANDBOX_TOKEN_PREFIX + secrets.token_hex(8)
    demo = DemoChats(
        worker_id=sandbox_demo.DEMO_WORKER_ID,
        worker_name=sandbox_demo.DEMO_WORKER_NAME,
        staff_id=sandbox_demo.DEMO_STAFF_ID,
        staff_name=sandbox_demo.DEMO_STAFF_NAME,
        group_id=link.group_id,
        group_title=sandbox_demo.group_title(link),
        note=sandbox_demo.page_note(link),
    )
    config = SandboxConfig(
        token=token,
        rate_limits=not args.no_rate_limits,
        database=database_location(settings.database_url),
        demo=demo,
    )
    sandbox = await start_sandbox(args.host, args.port, token=token, config=config)
    stop = stop_event_on_signals()
    env = dict(os.environ)
    env.update(
        TELEGRAM_BOT_TOKEN=token, TELEGRAM_API_BASE_URL=f"{sandbox.url}/bot", BOT_MODE="polling"
    )
    bot_process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stdin=subprocess.DEVNULL, cwd=PROJECT_ROOT
    )
    print(
        f"\n  Bebas Cemas sandbox: open {sandbox.url}/ in your browser"
        f"\n  Database: {config.database}"
        f"\n  Demo group {demo.group_title!r} is linked to {link.branch_name}\n",
        flush=True,
    )
    waiter = asyncio.create_task(bot_process.wait())
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
    exit_code = 0
    if bot_process.returncode is None:
        bot_process.terminate()
        try:
            await asyncio.wait_for(bot_process.wait(), timeout=15)
        except TimeoutError:
            bot_process.kill()
    else:
        exit_code = bot_process.returncode
        print(f"the bot exited with code {exit_code}", file=sys.stderr)
    stopper.cancel()
    await sandbox.close()
    return exit_code


def database_location(database_url: str) -> str:
    """Where the data lives, for people: a SQLite file's absolute path (relative paths are
    the bot's, which runs in the project root), otherwise the URL without its password."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        name = url.database or ""
        if not name or name == ":memory:":
            return "SQLite in memory (lost when the bot stops)"
        path = Path(name)
        return str(path if path.is_absolute() else (PROJECT_ROOT / path).resolve())
    return url.render_as_string(hide_password=True)
