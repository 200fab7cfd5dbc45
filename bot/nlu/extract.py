"""Find an amount and an occupation inside a free-text question.

    "gaji sy 2,5jt bayar brp"            -> amount 2_500_000
    "penghasilan dua setengah juta"      -> amount 2_500_000
    "1,2 jt per bulan"                   -> amount 1_200_000, per "bulan"
    "saya ojol, sehari dapet 150rb"      -> amount 150_000, per "hari"; occupation "ojek_driver"

Written amounts are read by :func:`bot.amounts.parse_income` (one reading rule for the whole
bot); this module only finds where they are, and reads spelled-out numbers itself. Nothing here
raises on odd input: the answer is a positive int or ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Literal

from bot.amounts import MAX_INCOME, InvalidIncome, parse_income
from bot.nlu.normalize import MAX_INPUT_CHARS, load_lexicon
from bot.vocabulary import OCCUPATIONS, sector_for

Period = Literal["bulan", "hari", "minggu", "tahun"]
# The occupation codes are the registration's (one list for the whole bot).
__all__ = [
    "OCCUPATIONS",
    "AmountMention",
    "extract_amount",
    "extract_income",
    "extract_occupation",
    "find_amounts",
    "mentions_income",
    "sector_for",
]

# A bare number with no "Rp" and no unit is an amount only from here up: "3 bulan", "tgl 15",
# "umur 60", "inpres 2/2021" and "175" are not incomes, "16800" and "2500000" are.
_BARE_MINIMUM = 10_000
_UNIT = r"(?:jt|juta|jta|jutaan|rb|ribu|rebu|k|thousand|million|miliar|milyar|billion)"
_WRITTEN = re.compile(
    rf"(?<![\w.,])(?P<rp>(?:rp|idr)\.?\s*)?(?P<number>\d+(?:[.,]\d+)*)"
    rf"(?:\s*(?P<unit>{_UNIT})(?![a-z]))?(?:\s*rupiah)?",
)
_PERIOD_WORDS: dict[str, Period] = {
    **dict.fromkeys(
        ("bulan", "bln", "sebulan", "perbulan", "bulanan", "sasi", "sasih", "month", "monthly"),
        "bulan",
    ),
    **dict.fromkeys(
        ("hari", "sehari", "perhari", "harian", "hr", "dino", "sedino", "sapoe", "day", "daily"),
        "hari",
    ),
    **dict.fromkeys(("minggu", "seminggu", "mingguan", "perminggu", "week", "weekly"), "minggu"),
    **dict.fromkeys(("tahun", "setahun", "pertahun", "thn", "taun", "year", "yearly"), "tahun"),
}
# How far from an amount a period word may be: "2jt per bulan", "sehari dapet 150rb".
_PERIOD_LOOKAHEAD = 3
_PERIOD_LOOKBEHIND = 2
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")


@dataclass(frozen=True)
class AmountMention:
    """An amount found in a question; ``per`` is the period said right after it, if any."""

    amount: int
    per: Period | None
    start: int  # character offset in the cleaned text, to prefer the first mention


def _prepare(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)[: MAX_INPUT_CHARS * 2])[:MAX_INPUT_CHARS]
    text = "".join(ch if ch.isalnum() or ch in ".,-" else " " for ch in text.lower())
    return " ".join(text.split())


def find_amounts(text: str) -> list[AmountMention]:
    """Every amount in ``text``, in order of appearance."""
    cleaned = _prepare(text)
    found: list[AmountMention] = []
    taken: list[tuple[int, int]] = []
    for m in _WRITTEN.finditer(cleaned):
        amount = _read_written(m)
        if amount is not None:
            found.append(AmountMention(amount, _period_around(cleaned, *m.span()), m.start()))
            taken.append(m.span())
    for start, end, amount in _spelled_amounts(cleaned):
        if not any(s < end and start < e for s, e in taken):
            found.append(AmountMention(amount, _period_around(cleaned, start, end), start))
    return sorted(found, key=lambda a: a.start)


def extract_amount(text: str) -> int | None:
    """The first amount in ``text`` (Rupiah, > 0), or ``None``."""
    mention = extract_income(text)
    return mention.amount if mention else None


def extract_income(text: str) -> AmountMention | None:
    """The amount most likely to be an income: the first one after an income word ("gaji",
    "penghasilan", "dapet"), else the first one."""
    mentions = find_amounts(text)
    if not mentions:
        return None
    cleaned = _prepare(text)
    cues = _income_cue_pattern()
    cue = cues.search(cleaned)
    if cue is not None:
        after = [m for m in mentions if m.start >= cue.start()]
        if after:
            return after[0]
    return mentions[0]


def mentions_income(text: str) -> bool:
    """Whether the question says the amount is an income ("gaji", "penghasilan", "dapet"...)."""
    return _income_cue_pattern().search(_prepare(text)) is not None


def _read_written(m: re.Match[str]) -> int | None:
    number, unit, rp = m.group("number"), m.group("unit"), m.group("rp")
    if not unit and not rp:
        digits = number.replace(".", "").replace(",", "")
        # Phone numbers (08..., 628...) are not incomes.
        if number.startswith("0") or (digits.startswith("62") and len(digits) >= 10):
            return None
    try:
        amount = parse_income(m.group(0).strip())
    except InvalidIncome:
        return None
    if not unit and not rp and amount < _BARE_MINIMUM:
        return None
    return amount if amount > 0 else None


def _period_around(cleaned: str, start: int, end: int) -> Period | None:
    """The period said right after the amount ("2jt per bulan") or just before ("sehari dapet
    150rb")."""
    after = cleaned[end:].split()[:_PERIOD_LOOKAHEAD]
    before = cleaned[:start].split()[-_PERIOD_LOOKBEHIND:]
    for word in [*after, *reversed(before)]:
        word = word.strip(".,-")
        if word in _PERIOD_WORDS:
            return _PERIOD_WORDS[word]
    return None


# --- spelled-out numbers: "dua setengah juta", "lima ratus ribu", "sejuta" ---------------------


@dataclass(frozen=True)
class _NumberWords:
    units: dict[str, int]
    teens: frozenset[str]
    tens: frozenset[str]
    hundreds: frozenset[str]
    half: frozenset[str]
    scales: dict[str, int]


@cache
def _number_words() -> _NumberWords:
    raw = load_lexicon().raw["number_words"]
    assert isinstance(raw, dict)
    return _NumberWords(
        units={str(k): int(v) for k, v in raw["units"].items()},
        teens=frozenset(raw["teens_suffix"]),
        tens=frozenset(raw["tens_suffix"]),
        hundreds=frozenset(raw["hundreds"]),
        half=frozenset(raw["half"]),
        scales={str(k): int(v) for k, v in raw["scales"].items()},
    )


def _spelled_amounts(cleaned: str) -> list[tuple[int, int, int]]:
    """(start, end, amount) for each run of number words that contains a scale word."""
    nw = _number_words()
    results: list[tuple[int, int, int]] = []
    tokens = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(cleaned)]
    i = 0
    while i < len(tokens):
        amount, used = _read_spelled(tokens, i, nw)
        if amount and used:
            results.append((tokens[i][1], tokens[i + used - 1][2], amount))
            i += used
        else:
            i += 1
    return results


def _read_spelled(
    tokens: list[tuple[str, int, int]], start: int, nw: _NumberWords
) -> tuple[int, int]:
    """Read number words from ``tokens[start]`` on; (amount, tokens used) or (0, 0).

    Indonesian builds numbers left to right: a group below a thousand ("dua ratus lima puluh"),
    then a scale ("ribu", "juta") that multiplies it; "setengah" after a digit adds a half
    ("dua setengah juta" = 2,5 juta), alone it is a half ("setengah juta").
    """
    total = 0.0
    group = 0.0
    seen_scale = False
    used = 0
    for word, _, _ in tokens[start:]:
        value = _word_value(word, nw)
        if value is None:
            break
        kind, number = value
        if kind == "unit":
            group += number
        elif kind == "teen":
            group = group + 10 if group else 11
        elif kind == "ten":
            group = (group or 1) * 10
        elif kind == "hundred":
            group = (group or 1) * number
        elif kind == "half":
            group += 0.5
        elif kind == "one_scale":  # "sejuta", "seribu"
            total += (group or 1) * number
            group = 0
            seen_scale = True
        else:  # a scale needs a number before it: "brp juta" is no amount
            if not group:
                break
            total += group * number
            group = 0
            seen_scale = True
        used += 1
    # Trailing words after the last scale ("dua juta lima") are not part of an amount we trust.
    if not seen_scale:
        return 0, 0
    amount = round(total + group)
    return (amount, used) if 0 < amount <= MAX_INCOME else (0, 0)


def _word_value(word: str, nw: _NumberWords) -> tuple[str, float] | None:
    if word[0].isdigit():
        try:
            return "unit", float(word.replace(".", "").replace(",", ".", 1))
        except ValueError:
            return None
    if word in nw.units:
        return "unit", nw.units[word]
    if word in nw.teens:
        return "teen", 0
    if word in nw.tens:
        return "ten", 0
    if word in nw.hundreds:
        return "hundred", 100
    if word in nw.half:
        return "half", 0.5
    if word in nw.scales:
        return "scale", nw.scales[word]
    # "sejuta", "seratus", "seribu": se- + scale or hundred means one of it.
    if word.startswith("se") and word[2:] in nw.scales:
        return "one_scale", nw.scales[word[2:]]
    if word.startswith("se") and word[2:] in nw.hundreds:
        return "hundred", 100
    return None


def _lexicon_list(key: str) -> list[str]:
    items = load_lexicon().raw.get(key)
    if not isinstance(items, list):
        raise ValueError(f"lexicon.yaml: {key} must be a list")
    return [str(item) for item in items]


@cache
def _income_cue_pattern() -> re.Pattern[str]:
    cues = sorted(_lexicon_list("income_cues"), key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(c) for c in cues) + r")(?![\w])")


# --- occupation ----------------------------------------------------------------------------


@cache
def _occupation_phrases() -> list[tuple[tuple[str, ...], str]]:
    """(words, code), longest phrases first so "buruh tani" wins over "buruh"."""
    table = load_lexicon().raw["occupations"]
    assert isinstance(table, dict)
    phrases = [
        (tuple(_WORD.findall(str(p).lower())), str(code))
        for code, items in table.items()
        for p in items
    ]
    return sorted(phrases, key=lambda item: len(item[0]), reverse=True)


def extract_occupation(text: str) -> str | None:
    """The occupation code named in ``text`` ("saya ojol" -> "ojek_driver"), or ``None``.

    Codes: ojek_driver (ojek, ojol, drivers, couriers: the transport sector), pedagang, petani,
    nelayan, buruh, art (asisten rumah tangga), rt_rw, lainnya (another named job).
    """
    cleaned = re.sub(r"(.)\1{2,}", r"\1\1", _prepare(text))
    tokens = [re.sub(r"^([^\W\d_]{2,})2$", r"\1", t) for t in _WORD.findall(cleaned)]
    best: tuple[int, str] | None = None
    for phrase, code in _occupation_phrases():
        size = len(phrase)
        for i in range(len(tokens) - size + 1):
            if tuple(tokens[i : i + size]) == phrase:
                if best is None or i < best[0]:
                    best = (i, code)
                break
    return best[1] if best else None


