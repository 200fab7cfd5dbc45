"""Long polling: the bot asks the Bot API server for updates (Telegram's or the sandbox)."""

from __future__ import annotations

import logging

from telegram import Update

from bot.app import on_shutdown, on_startup, on_stop
from bot.runners.signals import stop_event_on_signals
from bot.runners.startup import prepare
from bot.settings import Settings

log = logging.getLogger(__name__)


async def run_polling(settings: Settings) -> None:
    application = await prepare(settings)
    stop = stop_event_on_signals()
    async with application:
        # A leftover webhook would make getUpdates fail with 409 Conflict.
        await application.bot.delete_webhook()
        await on_startup(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        log.info("polling %s", settings.telegram_api_base_url)
        await stop.wait()
        log.info("stopping: finishing updates in progress")
        await application.updater.stop()
        await on_stop(application)
        await application.stop()
    await on_shutdown(application)
