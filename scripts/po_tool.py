"""Small catalog chores for scripts/i18n.sh and for translators.

  po_tool.py fill-english PO         copy msgid to empty msgstr (English is the source language)
  po_tool.py missing PO              list untranslated or fuzzy msgids
  po_tool.py apply PO FILE.json      set msgstr from a {msgid: msgstr} JSON file
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def load(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def save(catalog: Catalog, path: Path) -> None:
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)


def main(argv: list[str]) -> int:
    command, po = argv[0], Path(argv[1])
    catalog = load(po)
    if command == "fill-english":
        for message in catalog:
            if message.id and not message.string:
                message.string = message.id
        save(catalog, po)
    elif command == "missing":
        for message in catalog:
            if message.id and (not message.string or message.fuzzy):
                print(json.dumps(message.id, ensure_ascii=False))
    elif command == "apply":
        translations = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        for message in catalog:
            if message.id in translations:
                message.string = translations[message.id]
                message.flags.discard("fuzzy")
        save(catalog, po)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
