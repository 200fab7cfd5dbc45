"""The sandbox server: the aiohttp application, its route table, and ways to run it.

- :func:`create_app` builds the application for a :class:`SandboxConfig` (no global state).
- :func:`start_sandbox` starts it inside a running event loop and returns a handle.
- ``python -m bot.sandbox.server --port 8081 --token T [--no-rate-limits]`` runs it alone
  (benchmarks start it as a separate process).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from bot.sandbox import actions, control
from bot.sandbox.config import DEFAULT_BOT_USERNAME, SandboxConfig
from bot.sandbox.core import SANDBOX_KEY, Sandbox
from bot.sandbox.dispatch import bot_api, download_file

STATIC_DIR = Path(__file__).resolve().parent / "static"
API = "/sandbox/api"
FAVICON_TYPE = "image/svg+xml"


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html")


async def _favicon(request: web.Request) -> web.FileResponse:
    # Browsers ask for /favicon.ico whatever the page links; an SVG served as such is shown.
    return web.FileResponse(STATIC_DIR / "favicon.svg", headers={"Content-Type": FAVICON_TYPE})


def routes() -> list[web.AbstractRouteDef]:
    """Every route of the sandbox, in one table."""
    return [
        # The Bot API, as python-telegram-bot calls it (base_url=f"{url}/bot").
        web.post("/bot{token}/{method}", bot_api),
        web.get("/bot{token}/{method}", bot_api),
        web.get("/file/bot{token}/{path:.+}", download_file),
        # Control API: lifecycle and configuration.
        web.post(f"{API}/reset", control.reset),
        web.get(f"{API}/bot", control.bot_info),
        web.post(f"{API}/rate-limits", control.set_rate_limits),
        web.get(f"{API}/stats", control.stats),
        web.post(f"{API}/stats/reset", control.reset_stats),
        web.post(f"{API}/faults", control.add_fault),
        web.get(f"{API}/faults", control.list_faults),
        web.delete(f"{API}/faults", control.clear_faults),
        web.get(f"{API}/webhook", control.webhook_info),
        # Control API: people and groups.
        web.post(f"{API}/users", control.create_user),
        web.get(f"{API}/users", control.list_users),
        web.get(f"{API}/users/{{user_id}}", control.get_user),
        web.post(f"{API}/users/{{user_id}}/block", control.block_bot),
        web.post(f"{API}/users/{{user_id}}/unblock", control.unblock_bot),
        web.post(f"{API}/groups", control.create_group),
        web.post(f"{API}/groups/{{chat_id}}/members", control.add_member),
        web.post(f"{API}/groups/{{chat_id}}/bot", control.set_bot_status),
        # Control API: what people send.
        web.post(f"{API}/send/{{kind}}", control.send),
        web.post(f"{API}/edit", control.edit),
        web.post(f"{API}/press", control.press),
        web.post(f"{API}/reply-button", control.press_reply_button),
        web.post(f"{API}/updates", control.raw_update),
        web.post(f"{API}/updates/{{update_id}}/redeliver", control.redeliver),
        # Control API: what the bot did.
        web.get(f"{API}/chats", control.list_chats),
        web.get(f"{API}/chats/{{chat_id}}", control.get_chat),
        web.get(f"{API}/chats/{{chat_id}}/messages", control.messages),
        web.get(f"{API}/chats/{{chat_id}}/wait", control.wait_messages),
        web.get(f"{API}/chats/{{chat_id}}/messages/{{message_id}}/wait-edit", control.wait_edit),
        web.get(f"{API}/chats/{{chat_id}}/changes", control.changes),
        web.get(f"{API}/callbacks/{{query_id}}", control.callback_query),
        web.get(f"{API}/documents", control.documents),
        web.get(f"{API}/files/{{file_id}}", control.download),
        web.get(f"{API}/commands", control.commands),
        # The web page.
        web.get("/", _index),
        web.get("/favicon.ico", _favicon),
        web.static("/static", STATIC_DIR),
    ]


async def _close_sandbox(app: web.Application) -> None:
    await app[SANDBOX_KEY].close()


def create_app(config: SandboxConfig) -> web.Application:
    app = web.Application(
        middlewares=[control.control_errors],
        client_max_size=config.max_upload_bytes + 1024 * 1024,
    )
    sandbox = app[SANDBOX_KEY] = Sandbox(config)
    if config.demo is not None:
        actions.seed_demo(sandbox, config.demo)
    app.add_routes(routes())
    # Long polls and hanging faults end at once on shutdown instead of holding it up.
    app.on_shutdown.append(_close_sandbox)
    return app


@dataclass
class SandboxHandle:
    """A running sandbox: its base URL (``{url}/bot`` is the Bot API base_url)."""

    url: str
    app: web.Application
    runner: web.AppRunner

    @property
    def sandbox(self) -> Sandbox:
        return self.app[SANDBOX_KEY]

    async def close(self) -> None:
        await self.runner.cleanup()


async def start_sandbox(
    host: str = "127.0.0.1",
    port: int = 8081,
    *,
    token: str,
    rate_limits: bool = True,
    bot_username: str = DEFAULT_BOT_USERNAME,
    config: SandboxConfig | None = None,
) -> SandboxHandle:
    """Start a sandbox in the running loop; ``port=0`` picks a free port (see ``.url``)."""
    if config is None:
        config = SandboxConfig(token=token, rate_limits=rate_limits, bot_username=bot_username)
    app = create_app(config)
    # No access log: one line per request would dominate a benchmark's CPU time.
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = runner.addresses[0][1]
    url_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    return SandboxHandle(url=f"http://{url_host}:{bound_port}", app=app, runner=runner)


async def serve(host: str, port: int, config: SandboxConfig) -> None:
    """Run until SIGINT/SIGTERM (or cancellation)."""
    handle = await start_sandbox(host, port, token=config.token, config=config)
    print(f"Sandbox Bot API at {handle.url}/bot (token {config.token}), page at {handle.url}/")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await handle.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.sandbox.server",
        description="Local Telegram Bot API sandbox with a control API and a web page.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", required=True, help="the one bot token the sandbox accepts")
    parser.add_argument("--bot-username", default=DEFAULT_BOT_USERNAME)
    parser.add_argument(
        "--no-rate-limits", action="store_true", help="do not answer 429 (raw capacity runs)"
    )
    parser.add_argument(
        "--no-group-privacy", action="store_true", help="the bot sees every group message"
    )
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper())
    config = SandboxConfig(
        token=args.token,
        bot_username=args.bot_username,
        rate_limits=not args.no_rate_limits,
        group_privacy=not args.no_group_privacy,
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, config))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
