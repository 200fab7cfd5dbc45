"""Builds the python-telegram-bot ``Application``: the one place where handlers are wired.

Handler groups run in order for every update; within a group the first matching handler wins:
  -1  load the user (language, first contact) for every private update
   0  commands, buttons, then free text (order matters: specific before general)
   1  catch-alls: unsupported message types and stale or forged buttons
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.i18n import SUPPORTED_LANGUAGES, N_, _
from bot.services import Services
from handlers import language, start, unsupported, users
from handlers.context import SERVICES_KEY, BotContext
from handlers.errors import error_handler
from handlers.keyboards import LANGUAGE_PATTERN, MENU_PATTERN

log = logging.getLogger(__name__)

BotApplication = Application[Any, BotContext, Any, Any, Any, Any]

# Commands shown in Telegram's menu, per language: (command, description msgid).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Main menu")),
    ("bantuan", N_("Help")),
    ("bahasa", N_("Change language")),
)


def build_application(services: Services) -> BotApplication:
    settings = services.settings
    builder = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.telegram_api_base_url)
        .context_types(ContextTypes(context=BotContext))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.telegram_rate_limit:
        # Keeps bursts under Telegram's ~30 msg/s overall and 20 msg/min per group, and retries
        # a 429 after its retry_after instead of dropping the message.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    application: BotApplication = builder.build()
    application.bot_data[SERVICES_KEY] = services
    register_handlers(application)
    return application


def register_handlers(application: BotApplication) -> None:
    application.add_handler(TypeHandler(Update, users.load_user), group=-1)

    private = filters.ChatType.PRIVATE
    application.add_handlers(
        [
            CommandHandler("start", start.start, filters=private),
            CommandHandler(["bantuan", "help"], start.help_command, filters=private),
            CommandHandler(["bahasa", "language"], language.language_command, filters=private),
            CallbackQueryHandler(language.language_chosen, pattern=LANGUAGE_PATTERN),
            CallbackQueryHandler(start.menu_button, pattern=MENU_PATTERN),
        ],
        group=0,
    )
    application.add_handlers(
        [
            MessageHandler(private & ~filters.TEXT & ~filters.UpdateType.EDITED,
                           unsupported.unsupported_message),
            CallbackQueryHandler(unsupported.stale_button),
        ],
        group=1,
    )
    application.add_error_handler(error_handler)


async def _post_init(application: BotApplication) -> None:
    bot = application.bot
    for lang in SUPPORTED_LANGUAGES:
        commands = [BotCommand(name, _(description, lang)) for name, description in COMMANDS]
        # Indonesian is also the default list for users whose client language we don't speak.
        await bot.set_my_commands(
            commands,
            scope=BotCommandScopeAllPrivateChats(),
            language_code=None if lang == "id" else lang,
        )
    me = await bot.get_me()
    log.info("bot @%s ready", me.username)


async def _post_shutdown(application: BotApplication) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    await services.db.dispose()
