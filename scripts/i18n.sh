#!/usr/bin/env bash
# Refresh the gettext catalogs after changing user-facing strings:
#   scripts/i18n.sh   → extracts msgids to locales/messages.pot and merges them into id and en.
# Then translate the new entries in locales/{id,en}/LC_MESSAGES/messages.po
# (tests/test_i18n.py fails while any entry is untranslated or fuzzy).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" -m babel.messages.frontend extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 \
  --no-location --sort-output --omit-header -o locales/messages.pot . >/dev/null 2>&1
for lang in id en; do
  po=locales/$lang/LC_MESSAGES/messages.po
  if [ -f "$po" ]; then
    "$PY" -m babel.messages.frontend update -i locales/messages.pot -d locales -l "$lang" \
      --no-fuzzy-matching --ignore-obsolete >/dev/null 2>&1
  else
    "$PY" -m babel.messages.frontend init -i locales/messages.pot -d locales -l "$lang" >/dev/null 2>&1
  fi
done
# English is the msgid language: its catalog is complete by copying every untranslated msgid.
"$PY" scripts/po_tool.py fill-english locales/en/LC_MESSAGES/messages.po
"$PY" -m bot.catalogs
