"""``python -m bot dashboard [--host 127.0.0.1] [--port 8080]``: the campaign dashboard."""

from __future__ import annotations

import argparse

from bot.cli.common import upgrade_schema
from bot.logs import configure_logging
from bot.settings import load_settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "dashboard", help="serve the campaign dashboard (brings the database schema up first)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on")
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_level)
    from aiohttp import web

    from bot.dashboard import create_app
    from db.engine import Database

    if not upgrade_schema(settings.database_url):
        return 1
    db = Database(settings.database_url)
    app = create_app(settings, db)

    async def close_database(_app: web.Application) -> None:
        await db.dispose()

    app.on_cleanup.append(close_database)
    print(f"dashboard on http://{args.host}:{args.port}/", flush=True)
    # SIGINT/SIGTERM stop it gracefully: requests in progress finish first.
    web.run_app(app, host=args.host, port=args.port, print=None, access_log=None)
    return 0
