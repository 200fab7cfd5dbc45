"""Parsing what a worker types during registration. Each parser returns a value or raises
:class:`Rejected` with a reason code the handler turns into a hint in the user's language."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

NAME_MIN_LETTERS = 2
NAME_MAX_LENGTH = 80
OCCUPATION_OTHER_MAX_LENGTH = 60


class Rejected(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def clean_text(text: str) -> str:
    """Drop control and format characters (incl. right-to-left overrides), fold whitespace."""
    kept = "".join(ch if not unicodedata.category(ch).startswith("C") else " " for ch in text)
    return re.sub(r"\s+", " ", kept).strip()


def parse_name(text: str) -> str:
    """A person's name in any script: trimmed, 2+ letters, no digits-only or link spam."""
    name = clean_text(text)
    if not name:
        raise Rejected("empty")
    if len(name) > NAME_MAX_LENGTH:
        raise Rejected("too_long")
    letters = sum(1 for ch in name if ch.isalpha())
    if letters < NAME_MIN_LETTERS:
        raise Rejected("not_a_name")
    digits = sum(1 for ch in name if ch.isdigit())
    if digits > 2 or "://" in name or "www." in name.lower() or name.startswith("/"):
        raise Rejected("not_a_name")
    return name


@dataclass(frozen=True)
class Phone:
    e164: str
    is_own: bool


def parse_phone(text: str, *, is_own: bool = True) -> Phone:
    """An Indonesian mobile number as people write it: 0812-3456-7890, +62 812 3456 7890,
    62812...; stored as E.164 (+6281234567890)."""
    raw = clean_text(text)
    if not raw or len(raw) > 32:
        raise Rejected("invalid")
    if sum(ch.isdigit() for ch in raw) < 9:
        raise Rejected("invalid")
    if any(ch.isalpha() for ch in raw):
        raise Rejected("invalid")
    digits = re.sub(r"[^\d+]", "", raw)
    if digits.startswith("62") or digits.startswith("8"):
        digits = "+" + digits if digits.startswith("62") else "0" + digits
    try:
        number = phonenumbers.parse(digits, "ID")
    except phonenumbers.NumberParseException:
        raise Rejected("invalid") from None
    if number.country_code != 62:
        raise Rejected("not_indonesian")
    if not phonenumbers.is_valid_number(number):
        raise Rejected("invalid")
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise Rejected("not_mobile")
    return Phone(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), is_own)


def parse_occupation_other(text: str) -> str:
    value = clean_text(text)
    if len(value) < 2 or not any(ch.isalpha() for ch in value):
        raise Rejected("empty")
    return value[:OCCUPATION_OTHER_MAX_LENGTH]


def mask_phone(e164: str) -> str:
    """+6281234567890 → +62812****890, for anything but the branch's own card."""
    if len(e164) < 8:
        return "*" * len(e164)
    return e164[:6] + "*" * (len(e164) - 9) + e164[-3:]
