"""Catalog completeness and locale formatting."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import SUPPORTED_LANGUAGES, _, format_rupiah, normalize_language

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{(\w+)\}")
HTML_TAG = re.compile(r"</?(\w+)")


def catalog(lang: str):
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def code_msgids(tmp_path: Path) -> set[str]:
    pot = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_", "-k", "N_", "-k", "ngettext:1,2", "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_string_in_code_is_translated(lang: str, tmp_path: Path) -> None:
    messages = {
        (m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog(lang) if m.id
    }
    missing = [msgid for msgid in code_msgids(tmp_path) if msgid not in messages]
    assert not missing, f"run scripts/i18n.sh; not in the {lang} catalog: {missing[:3]}"
    untranslated = [k for k, m in messages.items() if not m.string or m.fuzzy]
    assert not untranslated, f"untranslated in {lang}: {untranslated[:3]}"


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_translations_keep_placeholders_and_tags(lang: str) -> None:
    for message in catalog(lang):
        if not message.id or not isinstance(message.id, str):
            continue
        assert set(PLACEHOLDER.findall(message.id)) == set(PLACEHOLDER.findall(message.string)), (
            message.id
        )
        assert sorted(HTML_TAG.findall(message.id)) == sorted(HTML_TAG.findall(message.string)), (
            message.id
        )


def test_indonesian_is_really_translated() -> None:
    assert _("🧮 Contribution calculator", "id") == "🧮 Hitung iuran"
    assert _("🧮 Contribution calculator", "en") == "🧮 Contribution calculator"


def test_rupiah_formats_per_locale() -> None:
    assert format_rupiah(16800, "id") == "Rp16.800"
    assert format_rupiah(16800, "en") == "IDR 16,800"
    assert format_rupiah(174_000_000, "id") == "Rp174.000.000"


@pytest.mark.parametrize(
    ("code", "expected"),
    [(None, "id"), ("", "id"), ("id", "id"), ("en", "en"), ("en-GB", "en"), ("jv", "id"),
     ("EN_us", "en")],
)
def test_language_codes_normalise(code: str | None, expected: str) -> None:
    assert normalize_language(code) == expected
