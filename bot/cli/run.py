"""``python -m bot run``: the bot itself, polling or webhook."""

from __future__ import annotations

import argparse
import asyncio
import sys

from telegram.error import InvalidToken, NetworkError

from bot.cli.common import report_database_error
from bot.logs import configure_logging
from bot.settings import load_settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "run", help="run the bot (brings the database schema up to date first)"
    )
    parser.add_argument(
        "--mode", choices=("polling", "webhook"), help="override BOT_MODE for this run"
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.mode:
        settings = settings.with_overrides(bot_mode=args.mode)
        if args.mode == "webhook" and not settings.webhook_url:
            from bot.settings import SettingsError

            raise SettingsError("WEBHOOK_URL", "a public https:// URL when --mode webhook")
    settings.require_token()
    configure_logging(settings.log_level)
    from bot.runners.polling import run_polling
    from bot.runners.webhook import run_webhook

    runner = run_webhook if settings.bot_mode == "webhook" else run_polling
    try:
        asyncio.run(runner(settings))
    except NetworkError as error:
        print(
            "Bot API error: cannot reach TELEGRAM_API_BASE_URL "
            f"({settings.telegram_api_base_url}): "
            f"{error}",
            file=sys.stderr,
        )
        return 1
    except InvalidToken:
        print(
            "Configuration error: TELEGRAM_BOT_TOKEN: the Bot API server refused this token",
            file=sys.stderr,
        )
        return 2
    except Exception as error:
        return report_database_error(error)
    return 0
