"""Rupiah amounts: reading one from what a person typed, checking it is a usable income, and the
one rounding rule every contribution uses.

``parse_income`` reads a single amount, the way workers and campaign staff write it::

    2500000   2.500.000   2,500,000   Rp 2.500.000,-   Rp2.500.000,00
    2,5jt     2.5 jt      2,5 juta    Rp 2,5 juta      2500rb   500 ribu   500k

It is deliberately strict: the whole text must be one amount. Finding an amount inside a sentence
("gaji sy dua setengah juta sebulan") is a separate, richer job that builds on this module.

Reading rules, so that every input has exactly one meaning:

- ``Rp``, ``Rp.`` or ``IDR`` in front, ``rupiah`` behind and the trailing ``,-`` are ignored.
- A unit word multiplies: ``rb``/``ribu``/``rebu``/``k``/``thousand`` (×1.000), ``jt``/``juta``/
  ``jta``/``million`` (×1.000.000), ``miliar``/``milyar``/``billion`` (×1.000.000.000). A lone
  ``m`` is refused: it means *miliar* in Indonesian and *million* in English.
- ``.`` and ``,`` are both accepted as thousands separators and as the decimal mark. When both
  appear, the last one is the decimal mark. When only one kind appears, it groups thousands if it
  occurs more than once or is followed by exactly three digits (``2.500`` is 2500, ``1,250rb`` is
  1.250.000); otherwise it is the decimal mark (``2,5jt``, ``2.5jt``).
- Without a unit the result must be whole Rupiah (``2.500.000,00`` is fine; a bare ``2,5`` is
  refused rather than guessed). With a unit, a fraction of a Rupiah is rounded half up.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

IncomeProblem = Literal["not_a_number", "not_positive", "too_large"]

# A sanity limit on input, not a regulation: nobody's monthly income is above Rp1 miliar, so such a
# number is a typo (an extra zero, a yearly figure) and gets a message instead of a quote.
MAX_INCOME = 1_000_000_000


class InvalidIncome(ValueError):
    """An income we cannot calculate with; ``reason`` picks the message the user sees."""

    def __init__(self, reason: IncomeProblem, text: str = "") -> None:
        super().__init__(f"{reason}: {text!r}" if text else reason)
        self.reason: IncomeProblem = reason
        self.text = text


def check_income(income: object) -> int:
    """``income`` if it is a monthly income we can calculate with, else ``InvalidIncome``."""
    # bool is an int subclass; True is not an income.
    if isinstance(income, bool) or not isinstance(income, int):
        raise InvalidIncome("not_a_number", repr(income))
    if income <= 0:
        raise InvalidIncome("not_positive", str(income))
    if income > MAX_INCOME:
        raise InvalidIncome("too_large", str(income))
    return income


def percent_of(amount: int, percent: int) -> int:
    """``percent``% of a non-negative ``amount``, rounded half up to whole Rupiah.

    Contributions are paid in whole Rupiah; half up is how people round by hand, so the bot's
    figure matches what a worker or branch officer works out on paper.
    """
    if amount < 0 or percent < 0:
        raise ValueError("percent_of takes non-negative amounts and rates")
    return (amount * percent + 50) // 100


_UNITS: dict[str, int] = {
    **dict.fromkeys(("rb", "ribu", "rebu", "k", "thousand"), 1_000),
    **dict.fromkeys(("jt", "juta", "jta", "million"), 1_000_000),
    **dict.fromkeys(("miliar", "milyar", "billion"), 1_000_000_000),
}

# Longer inputs are not an amount anyone types; the cap also keeps Decimal work tiny.
_MAX_TEXT_LENGTH = 60

_AMOUNT = re.compile(
    r"""
    (?P<sign>[-−])?\s*
    (?:(?:rp|idr)\.?\s*)?
    (?P<sign2>[-−])?\s*
    (?P<number>[0-9](?:[0-9.,]*[0-9])?)
    \s*(?:(?!rupiah\b)(?P<unit>[a-z]+))?
    (?:\s*rupiah)?
    (?:\s*[.,]?-)?
    """,
    re.VERBOSE | re.ASCII,
)
_GROUPED = re.compile(r"[0-9]{1,3}(?:[.,][0-9]{3})+")


def parse_income(text: str) -> int:
    """The whole Rupiah amount written in ``text``.

    Raises ``InvalidIncome`` with reason ``not_a_number`` when ``text`` is not one amount,
    ``not_positive`` when it is zero or negative, ``too_large`` above ``MAX_INCOME``: the same
    checks ``bot.calculator.calculate`` makes, so a parsed income can always be calculated.
    Never raises anything else.
    """
    cleaned = " ".join(str(text).replace("\u00a0", " ").replace("\u202f", " ").split()).lower()
    if not cleaned or len(cleaned) > _MAX_TEXT_LENGTH:
        raise InvalidIncome("not_a_number", text)
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise InvalidIncome("not_a_number", text)

    unit = match.group("unit")
    multiplier = 1
    if unit is not None:
        if unit not in _UNITS:
            raise InvalidIncome("not_a_number", text)
        multiplier = _UNITS[unit]

    number = _read_number(match.group("number"))
    if number is None:
        raise InvalidIncome("not_a_number", text)
    amount = number * multiplier
    if unit is None and amount != amount.to_integral_value():
        raise InvalidIncome("not_a_number", text)
    if match.group("sign") or match.group("sign2"):
        raise InvalidIncome("not_positive", text)
    # Compare before rounding: quantize() fails beyond Decimal's 28 significant digits.
    if amount > MAX_INCOME:
        raise InvalidIncome("too_large", text)
    rupiah = int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if rupiah <= 0:
        raise InvalidIncome("not_positive", text)
    return rupiah


def _read_number(digits: str) -> Decimal | None:
    """Apply the separator rules from the module docstring; ``None`` if they don't fit."""
    separators = [c for c in digits if c in ".,"]
    if not separators:
        return Decimal(digits)
    if len(set(separators)) == 2:
        # Both kinds: the last one is the decimal mark, the other must group thousands.
        decimal_mark = separators[-1]
        whole, _, fraction = digits.rpartition(decimal_mark)
        if decimal_mark in whole or not _GROUPED.fullmatch(whole):
            return None
        return _decimal(whole.replace("." if decimal_mark == "," else ",", ""), fraction)
    if len(separators) > 1 or _GROUPED.fullmatch(digits):
        if not _GROUPED.fullmatch(digits):
            return None
        return Decimal(digits.replace(separators[0], ""))
    whole, _, fraction = digits.partition(separators[0])
    return _decimal(whole, fraction)


def _decimal(whole: str, fraction: str) -> Decimal | None:
    try:
        return Decimal(f"{whole}.{fraction}")
    except InvalidOperation:
        return None
