"""The framework's ceiling: a minimal python-telegram-bot echo bot, for ``throughput.py``.

    .venv/bin/python benchmarks/echo_bot.py --base-url http://127.0.0.1:8081/bot --token T

Long polling, updates processed concurrently, no database: it answers every message with its
text (and every button press with an answer and a message), always with a one-button inline
keyboard so that the benchmark's workers have something to press. Whatever our bot spends per
update beyond this is ours; what this one spends is python-telegram-bot's (and the sandbox's).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for --http aiohttp

READY = "echo bot ready"
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("lagi", callback_data="again")]])


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(message.text or "ok", reply_markup=KEYBOARD)


async def pressed(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    await query.answer()
    await query.message.reply_text(query.data or "ok", reply_markup=KEYBOARD)


async def announce(_application: Application) -> None:  # type: ignore[type-arg]
    logging.getLogger(__name__).warning(READY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True, help="Bot API base URL, ending in /bot")
    parser.add_argument("--token", required=True)
    parser.add_argument("--rate-limit", action="store_true", help="use AIORateLimiter")
    parser.add_argument(
        "--http",
        choices=("httpx", "aiohttp"),
        default="httpx",
        help="python-telegram-bot's default HTTP client, or the one our bot uses",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")

    builder = (
        ApplicationBuilder()
        .token(args.token)
        .base_url(args.base_url)
        .concurrent_updates(True)
        .post_init(announce)
    )
    if args.http == "aiohttp":
        from bot.telegram_request import AiohttpRequest

        builder = builder.request(AiohttpRequest(connection_pool_size=256)).get_updates_request(
            AiohttpRequest()
        )
    if args.rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    application = builder.build()
    application.add_handler(MessageHandler(filters.ALL, echo))
    application.add_handler(CallbackQueryHandler(pressed))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
