"""Group -2: refuse floods before any other work (see ``bot.flood``)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.i18n import _, normalize_language
from handlers.context import BotContext

FLOOD_KEY = "flood_control"


async def flood_guard(update: Update, context: BotContext) -> None:
    user = update.effective_user
    if user is None or user.is_bot:
        return
    allowed, notice = context.application.bot_data[FLOOD_KEY].check(user.id)
    if allowed:
        return
    if notice and update.effective_chat is not None and update.effective_chat.type == "private":
        # No database read for the language: Telegram's is good enough for this one line.
        lang = normalize_language(user.language_code)
        await context.bot.send_message(
            update.effective_chat.id,
            _("You are sending messages very fast. Please wait a moment, then try again.", lang),
        )
    if update.callback_query is not None:
        await update.callback_query.answer()
    raise ApplicationHandlerStop
