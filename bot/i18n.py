"""Translations and locale-aware formatting.

Every sentence a user reads comes from the gettext catalogs in ``locales/`` (compiled from
``.po`` during set-up, see ``bot.catalogs``). Indonesian is the default and the fallback.
Amounts are formatted by Babel, never by hand.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from babel import Locale
from babel.numbers import format_currency, format_decimal

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "id"
SUPPORTED_LANGUAGES: tuple[str, ...] = ("id", "en")

# Babel locales used for numbers: Indonesian as written in Indonesia, English with the
# international "IDR 16,800" style the campaign's English material uses.
_BABEL_LOCALES = {"id": "id_ID", "en": "en"}
# Currency patterns without decimals: Rupiah amounts are always whole.
_CURRENCY_PATTERNS = {"id": "¤#,##0", "en": "¤ #,##0"}


def normalize_language(code: str | None) -> str:
    """Map a Telegram ``language_code`` (``"id"``, ``"en-US"``, ``None``) to a supported one."""
    if not code:
        return DEFAULT_LANGUAGE
    short = code.split("-")[0].split("_")[0].lower()
    if short in SUPPORTED_LANGUAGES:
        return short
    # Javanese and Sundanese speakers read Indonesian; anything else gets Indonesian too,
    # since that is the campaign's language. English is an explicit choice.
    return DEFAULT_LANGUAGE


@cache
def translations(lang: str) -> gettext.NullTranslations:
    lang = normalize_language(lang)
    return gettext.translation(DOMAIN, localedir=LOCALES_DIR, languages=[lang], fallback=True)


def gettext_for(lang: str):
    return translations(lang).gettext


def N_(message: str) -> str:
    """Mark a string for extraction where it is translated later (e.g. a table of labels)."""
    return message


def _(message: str, lang: str, **params: object) -> str:
    """Translate ``message`` into ``lang`` and fill ``{placeholders}``."""
    text = translations(lang).gettext(message)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, lang: str, **params: object) -> str:
    text = translations(lang).ngettext(singular, plural, n)
    return text.format(n=n, **params)


def format_rupiah(amount: int, lang: str) -> str:
    """``Rp16.800`` in Indonesian, ``IDR 16,800`` in English."""
    lang = normalize_language(lang)
    return format_currency(
        amount,
        "IDR",
        format=_CURRENCY_PATTERNS[lang],
        locale=_BABEL_LOCALES[lang],
        currency_digits=False,
    )


def format_number(value: float, lang: str) -> str:
    return format_decimal(value, locale=_BABEL_LOCALES[normalize_language(lang)])


def babel_locale(lang: str) -> Locale:
    return Locale.parse(_BABEL_LOCALES[normalize_language(lang)])
