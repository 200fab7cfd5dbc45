"""Group -1: load (or create) the user behind every private update before any handler runs."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from bot.users import touch_user
from handlers.context import BotContext


async def load_user(update: Update, context: BotContext) -> None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or user.is_bot or chat is None or chat.type != ChatType.PRIVATE:
        return
    context.user_view = await touch_user(context.services.db, user.id, user.language_code)
