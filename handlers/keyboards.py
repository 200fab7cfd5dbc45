"""The main menu and the language chooser (their callback data: bot.presentation.callbacks)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import SUPPORTED_LANGUAGES, _
from bot.presentation.callbacks import LanguageButton, MenuButton, MenuItem

LANGUAGE_NAMES = {"id": "🇮🇩 Bahasa Indonesia", "en": "🇬🇧 English"}


def menu_data(item: MenuItem) -> str:
    """The callback data of a main-menu entry, for the buttons that offer one elsewhere."""
    return MenuButton(item).encode()


def main_menu(lang: str) -> InlineKeyboardMarkup:
    """The start menu: one big button per row, easy to hit on a small phone."""
    entries = [
        (_("❓ Ask a question", lang), MenuItem.ASK),
        (_("🧮 Contribution calculator", lang), MenuItem.CALCULATOR),
        (_("📝 Register interest", lang), MenuItem.REGISTER),
        (_("📍 Nearest office", lang), MenuItem.OFFICE),
        (_("🌐 Language / Bahasa", lang), MenuItem.LANGUAGE),
    ]
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=menu_data(item))] for label, item in entries]
    )


def back_to_menu(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(_("🏠 Main menu", lang), callback_data=menu_data(MenuItem.HOME))]]
    )


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    LANGUAGE_NAMES[code], callback_data=LanguageButton(code).encode()
                )
            ]
            for code in SUPPORTED_LANGUAGES
        ]
    )
