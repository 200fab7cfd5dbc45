"""Reading ids out of callback data and command arguments that anyone can forge."""

from __future__ import annotations

# Primary keys are 32-bit integers on PostgreSQL: a larger id cannot exist, and passing it to the
# database would fail instead of giving "not found".
MAX_ROW_ID = 2**31 - 1


def parse_small_int(text: str, maximum: int = MAX_ROW_ID) -> int | None:
    """ASCII digits only ("²".isdigit() is True, but int("²") fails) and within ``maximum``."""
    if not text or len(text) > 12 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= maximum else None
