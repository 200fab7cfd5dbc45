"""/bahasa (/language): pick Indonesian or English; the choice is remembered."""

from __future__ import annotations

from telegram import Message, Update

from bot.i18n import _
from bot.presentation.callbacks import LanguageButton
from bot.users import set_language
from handlers.context import BotContext
from handlers.keyboards import language_keyboard, main_menu


async def language_command(update: Update, context: BotContext) -> None:
    if update.effective_message is None:
        return
    await update.effective_message.reply_html(
        _("Choose your language:", context.lang), reply_markup=language_keyboard()
    )


async def language_chosen(update: Update, context: BotContext) -> None:
    query = update.callback_query
    chosen = LanguageButton.decode(query.data or "") if query is not None else None
    if query is None or chosen is None or update.effective_user is None:
        return
    async with context.services.db.transaction() as uow:
        language = await set_language(uow, update.effective_user.id, chosen.language)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.reply_html(
            _("Language set to English.", language), reply_markup=main_menu(language)
        )
