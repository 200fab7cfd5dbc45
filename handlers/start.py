"""/start, /bantuan and the main menu."""

from __future__ import annotations

import html

from telegram import Message, Update

from bot.i18n import _
from bot.knowledge.facts import fact
from bot.presentation.callbacks import MenuButton, MenuItem
from handlers.context import BotContext
from handlers.keyboards import back_to_menu, language_keyboard, main_menu
from handlers.sources import record_start_source


def greeting(first_name: str | None, lang: str) -> str:
    name = html.escape(first_name or "")
    return _(
        "Hello {name}! I am <b>Bebas Cemas</b>, the assistant of BPJS Ketenagakerjaan's "
        "<i>Kerja Keras Bebas Cemas</i> campaign.\n\n"
        "I explain what work-accident and death protection for informal workers costs and "
        "pays, and I can ask the nearest branch office to contact you.\n\n"
        "What would you like to do?",
        lang,
        name=name,
    )


async def start(update: Update, context: BotContext) -> None:
    if update.effective_message is None:
        return
    if context.args:
        # /start KODE from a poster's QR code or a deep link: where the worker came from.
        await record_start_source(context, context.args[0])
    first_name = update.effective_user.first_name if update.effective_user else None
    await update.effective_message.reply_html(
        greeting(first_name, context.lang), reply_markup=main_menu(context.lang)
    )


def help_text(lang: str) -> str:
    return _(
        "<b>How to use Bebas Cemas</b>\n"
        "Just type your question, e.g. <i>how much per month?</i>\n\n"
        "/start – main menu\n"
        "/iuran – contribution calculator\n"
        "/daftar – register your interest, a branch office will call you\n"
        "/cabang – nearest branch office\n"
        "/petugas – talk to a person\n"
        "/dataku – see your data · /hapusdata – delete it\n"
        "/bahasa – change language\n"
        "/batal – cancel what you are doing\n\n"
        "BPJS Ketenagakerjaan call center: {call_center}",
        lang,
        call_center=fact("call_center"),
    )


async def help_command(update: Update, context: BotContext) -> None:
    if update.effective_message is None:
        return
    await update.effective_message.reply_html(
        help_text(context.lang), reply_markup=back_to_menu(context.lang)
    )


async def menu_button(update: Update, context: BotContext) -> None:
    """The simple menu buttons; the calculator, registration and office buttons have their own
    feature modules."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    await query.answer()
    lang = context.lang
    pressed = MenuButton.decode(query.data or "")
    item = pressed.item if pressed is not None else None
    if item == MenuItem.ASK:
        await query.message.reply_html(
            _(
                "Type your question in your own words, for example:\n"
                "• <i>how much is the contribution per month?</i>\n"
                "• <i>what if I have an accident on the way to work?</i>\n"
                "• <i>what does my family get if I die?</i>",
                lang,
            )
        )
    elif item == MenuItem.LANGUAGE:
        await query.message.reply_html(
            _("Choose your language:", lang), reply_markup=language_keyboard()
        )
    elif item == MenuItem.HOME:
        first_name = update.effective_user.first_name if update.effective_user else None
        await query.message.reply_html(greeting(first_name, lang), reply_markup=main_menu(lang))
