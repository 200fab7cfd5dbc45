"""Stickers, voice notes, photos, videos and the like: a friendly hint instead of silence."""

from __future__ import annotations

from telegram import Update

from bot.i18n import _
from handlers.context import BotContext


async def unsupported_message(update: Update, context: BotContext) -> None:
    if update.effective_message is None:
        return
    await update.effective_message.reply_html(
        _(
            "Sorry, I can only read text. Please type your question, for example: "
            "<i>how much is the contribution per month?</i> Or press /start for the menu.",
            context.lang,
        )
    )


async def stale_button(update: Update, context: BotContext) -> None:
    """Any callback data no handler claimed: an old message or a forged button."""
    query = update.callback_query
    if query is None:
        return
    await query.answer(
        _("This button is no longer active. Type /start for the menu.", context.lang),
        show_alert=True,
    )


async def unknown_command(update: Update, context: BotContext) -> None:
    if update.effective_message is None:
        return
    await update.effective_message.reply_html(
        _("I don't know that command. Type /bantuan to see what I can do.", context.lang)
    )


async def edited_message(update: Update, context: BotContext) -> None:
    """Edits are not re-read (the answer was already given): say so instead of silence."""
    if update.edited_message is None:
        return
    await update.edited_message.reply_html(
        _(
            "I only read new messages, not edits. Please send your correction as a new message.",
            context.lang,
        )
    )
