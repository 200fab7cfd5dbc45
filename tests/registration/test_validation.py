"""Property tests: the registration parsers never raise anything but ``Rejected`` and always
return a normalised value or a clear reason."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.registration.validation import (
    NAME_MAX_LENGTH,
    Rejected,
    mask_phone,
    parse_name,
    parse_phone,
)

E164_ID_MOBILE = re.compile(r"^\+628\d{7,11}$")


@given(st.text(max_size=300))
def test_parse_phone_never_raises_unexpectedly(text: str) -> None:
    try:
        phone = parse_phone(text)
    except Rejected as rejected:
        assert rejected.reason in {"invalid", "not_indonesian", "not_mobile"}
    else:
        assert E164_ID_MOBILE.match(phone.e164), phone


@given(st.from_regex(r"(\+62|62|0)8[1-9][0-9]{7,9}", fullmatch=True),
       st.sampled_from(["", " ", "-", "."]))
def test_any_spelling_of_a_mobile_number_normalises(number: str, separator: str) -> None:
    digits = number.lstrip("+")
    spaced = separator.join([digits[:4], digits[4:8], digits[8:]]) if separator else number
    try:
        first = parse_phone(number)
    except Rejected:
        return  # some generated prefixes are not allocated: rejecting them is right
    assert parse_phone(spaced if number[0] != "+" else "+" + spaced).e164 == first.e164


@given(st.text(max_size=500))
def test_parse_name_never_raises_unexpectedly(text: str) -> None:
    try:
        name = parse_name(text)
    except Rejected as rejected:
        assert rejected.reason in {"empty", "too_long", "not_a_name"}
    else:
        assert 2 <= len(name) <= NAME_MAX_LENGTH
        assert name == name.strip()
        assert not any(ord(ch) < 32 for ch in name)


def test_right_to_left_overrides_and_controls_are_stripped() -> None:
    assert parse_name("Siti\u202e Aminah\x00") == "Siti Aminah"


def test_masking_keeps_only_the_edges() -> None:
    assert mask_phone("+6281234567890") == "+62812*****890"
