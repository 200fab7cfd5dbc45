"""Builds the python-telegram-bot ``Application``: the one place where handlers are wired.

Handler groups run in order for every update; within a group the first matching handler wins:
  -2  flood control: excess updates stop here, before any database work
  -1  load the user (language, first contact) for every private update
   0  commands, buttons, free text, then catch-alls (order matters: the first match wins,
      so specific handlers come before general ones)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.campaign_jobs import start_campaign_jobs, stop_campaign_jobs
from bot.flood import FloodControl
from bot.i18n import N_, SUPPORTED_LANGUAGES, _
from bot.ordering import PerChatOrderedProcessor
from bot.outbox.tasks import start_outbox, stop_outbox
from bot.presentation.callbacks import (
    CALCULATOR_PATTERN,
    HANDOFF_PATTERN,
    REGISTRATION_PATTERN,
    FollowUpButton,
    LanguageButton,
    LeadButton,
    MenuButton,
    MenuItem,
    OfficeChoice,
    PrivacyButton,
    TopicButton,
)
from bot.runners.directory_watcher import DirectoryWatcher
from bot.services import SERVICES_KEY, Services
from bot.settings import Settings
from bot.telegram_bot import CampaignBot
from bot.telegram_request import AiohttpRequest
from handlers import broadcasts as broadcast_handlers
from handlers import (
    calculator,
    dispatch,
    flood,
    handoff,
    language,
    office,
    privacy,
    registration,
    staff,
    start,
    statistik,
    unsupported,
    users,
)
from handlers import followup as followup_handlers
from handlers.context import BotContext
from handlers.errors import error_handler

log = logging.getLogger(__name__)

BotApplication = Application[Any, BotContext, Any, Any, Any, Any]

# Commands shown in Telegram's menu, per language: (command, description msgid).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Main menu")),
    ("iuran", N_("Contribution calculator")),
    ("daftar", N_("Register interest: a branch office calls you")),
    ("cabang", N_("Nearest branch office")),
    ("dataku", N_("See the data kept about you")),
    ("hapusdata", N_("Delete your data")),
    handoff.COMMAND,
    ("bahasa", N_("Change language")),
    ("batal", N_("Cancel what you are doing")),
    ("bantuan", N_("Help")),
)
DIRECTORY_TASK_KEY = "directory_task"  # reloads the branch directory after managers' changes
GROUP_MESSAGES_PER_MINUTE = 15  # Telegram allows about 20


def build_application(services: Services) -> BotApplication:
    application: BotApplication = (
        ApplicationBuilder()
        .bot(build_bot(services.settings))
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(PerChatOrderedProcessor(flood=FloodControl()))
        .build()
    )
    application.bot_data[SERVICES_KEY] = services
    register_handlers(application)
    return application


def build_bot(settings: Settings) -> CampaignBot:
    rate_limiter = None
    if settings.telegram_rate_limit:
        # Keeps bursts under Telegram's ~30 msg/s overall and 20 msg/min per group, and retries
        # a 429 after its retry_after instead of dropping the message. The group limit is set
        # below Telegram's: the limiter takes a group's slot before waiting for the overall
        # one, so at the full 20 two messages can still reach a group less than 3 s apart
        # when the overall limit is busy, and Telegram answers 429.
        rate_limiter = AIORateLimiter(
            max_retries=3, group_max_rate=GROUP_MESSAGES_PER_MINUTE, group_time_period=60
        )
    return CampaignBot(
        settings.require_token(),
        base_url=settings.telegram_api_base_url,
        base_file_url=file_base_url(settings.telegram_api_base_url),
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        # As python-telegram-bot's builder does: many concurrent sends, one long poll.
        # Sends refused with a 5xx or never sent are tried 3 times (bot.telegram_request).
        request=AiohttpRequest(connection_pool_size=256, attempts=3),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
        rate_limiter=rate_limiter,  # type: ignore[arg-type]
    )


def file_base_url(api_base_url: str) -> str:
    """Telegram serves files from ``/file/bot<token>`` beside ``/bot<token>``."""
    root = api_base_url.removesuffix("/bot")
    return f"{root}/file/bot"


def register_handlers(application: BotApplication) -> None:
    # -2: flood control before any database work; -1: load the user for every update.
    application.add_handler(TypeHandler(Update, flood.flood_guard), group=-2)
    application.add_handler(TypeHandler(Update, users.load_user), group=-1)

    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    new_private = private & ~filters.UpdateType.EDITED
    application.add_handlers(
        [
            # Commands first: /batal or /start must work whatever conversation the user is in.
            CommandHandler("start", start.start, filters=private),
            CommandHandler(["bantuan", "help"], start.help_command, filters=private),
            CommandHandler(["bahasa", "language"], language.language_command, filters=private),
            CommandHandler(
                ["daftar", "register"], registration.start_registration, filters=private
            ),
            CommandHandler(["batal", "cancel"], registration.cancel_command, filters=private),
            CommandHandler(["iuran", "calculator"], calculator.start_calculator, filters=private),
            CommandHandler(["cabang", "office"], office.start_office, filters=private),
            CommandHandler(["dataku", "mydata"], privacy.my_data_command, filters=private),
            CommandHandler(["hapusdata", "deletedata"], privacy.delete_command, filters=private),
            CommandHandler(["petugas", "staff"], handoff.petugas_command, filters=private),
            CommandHandler(
                ["berhenti", "stop"], broadcast_handlers.stop_command, filters=private
            ),
            CommandHandler(
                ["mulai", "resume"], broadcast_handlers.resume_command, filters=private
            ),
            # Staff commands (access is checked per chat and user in bot.staff).
            CommandHandler(["hubungkan", "link"], staff.link_command),
            CommandHandler("leads", staff.leads_command, filters=groups | private),
            CommandHandler("lead", staff.lead_command, filters=groups | private),
            CommandHandler(["ekspor", "export"], staff.export_command, filters=groups | private),
            CommandHandler(["statistik", "stats"], statistik.statistik_command),
            # Buttons, by callback-data prefix (bot.presentation.callbacks). The menu entries
            # that open a feature come before the menu's own handler.
            CallbackQueryHandler(language.language_chosen, pattern=LanguageButton.pattern),
            CallbackQueryHandler(
                registration.start_registration, pattern=MenuButton.pattern_for(MenuItem.REGISTER)
            ),
            CallbackQueryHandler(
                calculator.start_calculator, pattern=MenuButton.pattern_for(MenuItem.CALCULATOR)
            ),
            CallbackQueryHandler(
                office.start_office, pattern=MenuButton.pattern_for(MenuItem.OFFICE)
            ),
            CallbackQueryHandler(start.menu_button, pattern=MenuButton.pattern),
            CallbackQueryHandler(registration.registration_button, pattern=REGISTRATION_PATTERN),
            CallbackQueryHandler(calculator.calculator_button, pattern=CALCULATOR_PATTERN),
            CallbackQueryHandler(office.office_choice, pattern=OfficeChoice.pattern),
            CallbackQueryHandler(dispatch.topic_button, pattern=TopicButton.pattern),
            CallbackQueryHandler(privacy.delete_button, pattern=PrivacyButton.pattern),
            CallbackQueryHandler(staff.lead_button, pattern=LeadButton.pattern),
            CallbackQueryHandler(handoff.handoff_button, pattern=HANDOFF_PATTERN),
            CallbackQueryHandler(followup_handlers.followup_button, pattern=FollowUpButton.pattern),
            # Staff answering a ticket: a reply in their group to the bot's message.
            MessageHandler(
                groups & filters.REPLY & ~filters.COMMAND & ~filters.UpdateType.EDITED,
                handoff.staff_reply,
            ),
            # Free text, locations and contacts go to the conversation the user is in.
            MessageHandler(new_private & filters.TEXT & ~filters.COMMAND, dispatch.private_text),
            MessageHandler(new_private & filters.LOCATION, dispatch.private_location),
            MessageHandler(new_private & filters.CONTACT, dispatch.private_contact),
            # Catch-alls last (the first matching handler of a group wins): other message
            # types, unknown commands, and stale or forged buttons.
            MessageHandler(
                new_private & ~filters.TEXT & ~filters.LOCATION & ~filters.CONTACT,
                unsupported.unsupported_message,
            ),
            MessageHandler(new_private & filters.COMMAND, unsupported.unknown_command),
            MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, unsupported.edited_message),
            ChatMemberHandler(users.chat_member_changed, ChatMemberHandler.MY_CHAT_MEMBER),
            CallbackQueryHandler(unsupported.stale_button),
        ],
        group=0,
    )
    application.add_error_handler(error_handler)


async def on_startup(application: BotApplication) -> None:
    """After ``initialize()``: commands, the outbox senders. (The runners call this: they drive
    the application themselves, so python-telegram-bot's post_init hook would not run.)"""
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
    services: Services = application.bot_data[SERVICES_KEY]
    await start_outbox(application)
    await start_campaign_jobs(application)
    watcher = DirectoryWatcher(services.db, services.use_directory)
    application.bot_data[DIRECTORY_TASK_KEY] = asyncio.create_task(
        watcher.run_forever(), name="directory"
    )
    log.info("bot @%s ready", me.username)


async def on_stop(application: BotApplication) -> None:
    """Before ``stop()``: stop the broadcast sender between two waves, then the outbox senders."""
    await stop_campaign_jobs(application)
    await stop_outbox(application)
    task = application.bot_data.pop(DIRECTORY_TASK_KEY, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def on_shutdown(application: BotApplication) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    await services.db.dispose()
