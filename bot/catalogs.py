"""Compile the gettext catalogs (``locales/*/LC_MESSAGES/messages.po`` → ``.mo``).

Set-up runs this (``scripts/setup.sh``), and the CLI calls :func:`ensure_compiled` so a stale or
missing ``.mo`` never ships: compiled files are build output, not committed.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LOCALES_DIR, SUPPORTED_LANGUAGES, translations


def po_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalogs(force: bool = False) -> list[Path]:
    """Compile every catalog whose ``.mo`` is missing or older than its ``.po``."""
    written: list[Path] = []
    for lang in SUPPORTED_LANGUAGES:
        po = po_path(lang)
        if not po.is_file():
            continue
        mo = po.with_suffix(".mo")
        if not force and mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=lang, domain=DOMAIN)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        tmp.replace(mo)  # atomic: a concurrently starting process never reads half a file
        written.append(mo)
    if written:
        translations.cache_clear()
    return written


def ensure_compiled() -> None:
    # A read-only install without .mo files still runs, in the msgid language.
    with contextlib.suppress(OSError):
        compile_catalogs()


if __name__ == "__main__":
    for path in compile_catalogs(force=True):
        print(f"compiled {path.relative_to(LOCALES_DIR.parent)}")
