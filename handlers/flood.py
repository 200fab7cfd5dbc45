"""Group -2: the slow-down notice for a flood (decided on arrival in ``bot.ordering``)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.i18n import _, normalize_language
from bot.ordering import PerChatOrderedProcessor
from handlers.context import BotContext


async def flood_guard(update: Update, context: BotContext) -> None:
    processor = context.application.update_processor
    if not isinstance(processor, PerChatOrderedProcessor):
        return
    if processor.refused.pop(update.update_id, None) is None:
        return
    user = update.effective_user
    if update.effective_chat is not None and update.effective_chat.type == "private":
        # No database read for the language: Telegram's is good enough for this one line.
        lang = normalize_language(user.language_code if user else None)
        await context.bot.send_message(
            update.effective_chat.id,
            _("You are sending messages very fast. Please wait a moment, then try again.", lang),
        )
    if update.callback_query is not None:
        await update.callback_query.answer()
    raise ApplicationHandlerStop
