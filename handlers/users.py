"""Group -1: load (or create) the user behind every private update before any handler runs."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.i18n import _, normalize_language
from bot.presentation.callbacks import is_group_button
from bot.users import mark_blocked, touch_user
from handlers.context import BotContext


async def load_user(update: Update, context: BotContext) -> None:
    user = update.effective_user
    chat = update.effective_chat
    query = update.callback_query
    if (
        query is not None
        and chat is not None
        and chat.type != ChatType.PRIVATE
        and not is_group_button(query.data)
    ):
        # A worker's button forged (or forwarded) into a group: refuse it here, once.
        await query.answer(
            _(
                "This button is not valid here.",
                normalize_language(user.language_code if user else None),
            ),
            show_alert=True,
        )
        raise ApplicationHandlerStop
    if user is None or user.is_bot or chat is None or chat.type != ChatType.PRIVATE:
        return
    if update.my_chat_member is not None:
        return  # a block/unblock is not contact from the user
    context.user_view = await touch_user(context.services.db, user.id, user.language_code)


async def chat_member_changed(update: Update, context: BotContext) -> None:
    """The user blocked the bot (status "kicked") or started it again."""
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    blocked = change.new_chat_member.status == "kicked"
    async with context.services.db.transaction() as uow:
        await mark_blocked(uow, change.chat.id, blocked)
