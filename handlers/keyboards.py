"""Inline and reply keyboards with their callback data, kept together so a button and the handler
pattern that answers it can't drift apart. Callback data stays far below Telegram's 64 bytes."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import SUPPORTED_LANGUAGES, _

MENU_ASK = "m:ask"
MENU_CALCULATOR = "m:calc"
MENU_REGISTER = "m:reg"
MENU_OFFICE = "m:office"
MENU_LANGUAGE = "m:lang"
MENU_HOME = "m:home"
MENU_PATTERN = r"^m:(ask|calc|reg|office|lang|home)$"

LANGUAGE_PREFIX = "lang:"
LANGUAGE_PATTERN = r"^lang:(" + "|".join(SUPPORTED_LANGUAGES) + ")$"

LANGUAGE_NAMES = {"id": "🇮🇩 Bahasa Indonesia", "en": "🇬🇧 English"}


def main_menu(lang: str) -> InlineKeyboardMarkup:
    """The start menu: one big button per row, easy to hit on a small phone."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(_("❓ Ask a question", lang), callback_data=MENU_ASK)],
            [
                InlineKeyboardButton(
                    _("🧮 Contribution calculator", lang), callback_data=MENU_CALCULATOR
                )
            ],
            [InlineKeyboardButton(_("📝 Register interest", lang), callback_data=MENU_REGISTER)],
            [InlineKeyboardButton(_("📍 Nearest office", lang), callback_data=MENU_OFFICE)],
            [InlineKeyboardButton(_("🌐 Language / Bahasa", lang), callback_data=MENU_LANGUAGE)],
        ]
    )


def back_to_menu(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(_("🏠 Main menu", lang), callback_data=MENU_HOME)]]
    )


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(LANGUAGE_NAMES[code], callback_data=LANGUAGE_PREFIX + code)]
            for code in SUPPORTED_LANGUAGES
        ]
    )
