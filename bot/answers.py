"""Answers to workers' free-text questions: the entry point for the Telegram handler and the CLI.

    answer_question("gaji sy 2,5jt bayar brp", lang="id", today=date(2026, 11, 22))

understands the question (:mod:`bot.nlu`), picks the answer for its topic from
``locales/<lang>/answers.yaml`` and fills every figure from ``bot/knowledge/facts.yaml``. When the
question names an income and asks what it costs, the text is the calculator's breakdown for
``today`` instead (sector inferred from the occupation: ojek/driver/kurir -> transportasi).

Below the matcher's confidence threshold ``answered`` is False: the text then only says we are
not sure, ``alternatives`` holds the likeliest topics, and the caller adds "Tanya petugas" and
records the question as unanswered.

Topic ids (:data:`TOPICS`) are a contract shared with the statistics and the evaluation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel.lists import format_list

from bot.amounts import InvalidIncome
from bot.calculator import SECTORS, calculate, rules
from bot.i18n import SUPPORTED_LANGUAGES, babel_locale, format_rupiah, normalize_language
from bot.knowledge.facts import fact_int, formatted_facts
from bot.nlu.extract import extract_income, extract_occupation, mentions_income, sector_for
from bot.nlu.matcher import NOT_SUGGESTED, OFF_TOPIC, Matcher, default_matcher
from bot.nlu.normalize import load_lexicon

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
ANSWERS_FILE = "answers.yaml"

TOPICS: tuple[str, ...] = (
    "salam",
    "terima_kasih",
    "program",
    "iuran",
    "manfaat_jkk",
    "manfaat_jkm",
    "manfaat_jht",
    "beasiswa",
    "syarat",
    "cara_daftar",
    "cara_bayar",
    "telat_bayar",
    "klaim",
    "cabang",
    "bantuan_pemerintah",
    "daftar_minat",
    "petugas",
    "bpjs_kesehatan",
    "privasi",
    OFF_TOPIC,
)
# Follow-ups that start a flow instead of showing a topic.
ACTIONS: tuple[str, ...] = ("action:calculator", "action:register", "action:office")
COST_TOPIC = "iuran"
MAX_SUGGESTIONS = 3
CALCULATOR_FOLLOWUPS: tuple[str, ...] = ("action:calculator", "cara_bayar", "action:register")

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")


@dataclass(frozen=True)
class Answer:
    """What to send back.

    ``answered`` False means: send ``text`` (we are not sure), offer ``alternatives`` (the
    likeliest topics, best first) plus "Tanya petugas", and record the question as unanswered.
    When answered, ``alternatives`` are the runners-up and ``followups`` the buttons to offer.
    """

    topic: str
    confidence: float
    text: str  # Telegram HTML (<b>, <i>), nothing user-typed inside
    alternatives: list[str] = field(default_factory=list)
    followups: list[str] = field(default_factory=list)
    answered: bool = True
    amount: int | None = None
    occupation: str | None = None


@dataclass(frozen=True)
class TopicEntry:
    title: str
    text: str
    source: str
    reviewed: dt.date
    followups: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    """One language's ``answers.yaml``."""

    topics: Mapping[str, TopicEntry]
    actions: Mapping[str, str]
    snippets: Mapping[str, str]


@cache
def catalog(lang: str) -> Catalog:
    """``locales/<lang>/answers.yaml``, checked: every topic present, follow-ups known."""
    lang = normalize_language(lang)
    path = LOCALES_DIR / lang / ANSWERS_FILE
    raw: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    topics = {str(k): _entry(str(k), v) for k, v in raw["topics"].items()}
    missing = set(TOPICS) - topics.keys()
    unknown = topics.keys() - set(TOPICS)
    if missing or unknown:
        raise ValueError(f"{path}: missing topics {sorted(missing)}, unknown {sorted(unknown)}")
    for topic, entry in topics.items():
        bad = [f for f in entry.followups if f not in TOPICS and f not in ACTIONS]
        if bad:
            raise ValueError(f"{path}: {topic} has unknown follow-ups {bad}")
    return Catalog(
        topics=topics,
        actions={str(k): str(v) for k, v in raw["actions"].items()},
        snippets={str(k): str(v or "") for k, v in raw["snippets"].items()},
    )


def _entry(topic: str, raw: Mapping[str, Any]) -> TopicEntry:
    reviewed = raw.get("reviewed")
    if not isinstance(reviewed, dt.date):
        raise ValueError(f"answers: {topic} needs a reviewed date")
    return TopicEntry(
        title=str(raw["title"]),
        text=str(raw["text"]).strip(),
        source=str(raw["source"]),
        reviewed=reviewed,
        followups=tuple(str(f) for f in raw.get("followups") or ()),
    )


# --- public API ---------------------------------------------------------------------------------


def warm_up(today: dt.date) -> None:
    """Load the matcher and the answer catalogs now (they are loaded on first use, which takes
    most of a second: at start-up, not while a worker waits for the first answer)."""
    for lang in SUPPORTED_LANGUAGES:
        answer_question("berapa iuran sebulan?", lang=lang, today=today)


def answer_question(
    text: str, *, lang: str, today: dt.date, matcher: Matcher | None = None
) -> Answer:
    """Understand ``text`` and answer it in ``lang`` as of ``today`` (see the module docstring)."""
    lang = normalize_language(lang)
    matcher = matcher or default_matcher()
    match = matcher.match(text)
    mention = extract_income(text)
    occupation = extract_occupation(text)
    amount = mention.amount if mention else None
    alternatives = list(match.alternatives)

    # An income plus a question about cost gets the calculator's figures, also when the matcher
    # was unsure but had iuran close behind ("gaji 2jt bayar brp ya kak").
    asks_cost = bool(_cost_words() & set(match.normalized.tokens))
    wants_estimate = match.topic == COST_TOPIC or (
        not match.answered and asks_cost and COST_TOPIC in alternatives[:2]
    )
    if mention is not None and wants_estimate and _is_income(text, mention.amount):
        estimate = _estimate_text(mention.amount, mention.per, occupation, lang, today)
        if estimate is not None:
            return Answer(
                topic=COST_TOPIC,
                confidence=max(match.confidence, matcher.settings.answer_threshold),
                text=estimate,
                alternatives=[t for t in alternatives if t != COST_TOPIC],
                followups=list(CALCULATOR_FOLLOWUPS),
                answered=True,
                amount=amount,
                occupation=occupation,
            )

    if not match.answered:
        # The buttons offered instead of an answer: the best guess first, then the runners-up.
        likeliest = [match.topic] if match.topic not in NOT_SUGGESTED else []
        likeliest += [t for t in alternatives if t not in likeliest]
        return Answer(
            topic=match.topic,
            confidence=match.confidence,
            text=catalog(lang).snippets["unsure"],
            alternatives=likeliest[:MAX_SUGGESTIONS],
            followups=[],
            answered=False,
            amount=amount,
            occupation=occupation,
        )
    entry = catalog(lang).topics[match.topic]
    return Answer(
        topic=match.topic,
        confidence=match.confidence,
        text=topic_text(match.topic, lang=lang, today=today),
        alternatives=alternatives,
        followups=list(entry.followups),
        answered=True,
        amount=amount,
        occupation=occupation,
    )


def answer_topic(topic: str, *, lang: str, today: dt.date) -> Answer | None:
    """The answer for a topic chosen with a button; ``None`` for an unknown topic id."""
    if topic not in TOPICS:
        return None
    entry = catalog(lang).topics[topic]
    return Answer(
        topic=topic,
        confidence=1.0,
        text=topic_text(topic, lang=lang, today=today),
        followups=list(entry.followups),
    )


def topic_title(topic: str, lang: str) -> str:
    """Short button label for a topic id or an ``action:...`` follow-up."""
    cat = catalog(lang)
    if topic in cat.actions:
        return cat.actions[topic]
    return cat.topics[topic].title


def topic_text(topic: str, *, lang: str, today: dt.date) -> str:
    """A topic's answer with every placeholder filled for ``lang`` and ``today``."""
    return fill(catalog(lang).topics[topic].text, lang=lang, today=today)


def fill(template: str, *, lang: str, today: dt.date, **extra: str) -> str:
    """Fill ``{placeholders}`` from the facts, today's discount note and ``extra``.

    An unknown placeholder raises ``KeyError``: a typo in answers.yaml must fail in the tests,
    not reach a worker as "{jkm_montly}".
    """
    values = _values(normalize_language(lang), today)
    filled = template.format_map({**values, **extra})
    # A placeholder that is empty on this date (no discount) must not leave a blank line.
    return "\n".join(line for line in filled.split("\n") if line.strip())


def placeholders(template: str) -> set[str]:
    return set(_PLACEHOLDER.findall(template))


# --- filling ------------------------------------------------------------------------------------


@cache
def _facts(lang: str) -> dict[str, str]:
    return formatted_facts(lang)


@lru_cache(maxsize=64)
def _values(lang: str, today: dt.date) -> dict[str, str]:
    """Everything a template may use on ``today``: formatted facts plus computed figures."""
    values = dict(_facts(lang))
    values["prepay_months"] = format_list(
        [str(m) for m in rules().prepay_months], style="or", locale=babel_locale(lang)
    )
    values.update(_discount_values(lang, today, values))
    return values


def _discount_values(lang: str, today: dt.date, facts: Mapping[str, str]) -> dict[str, str]:
    """``{discount_note}``: which PP 50/2025 discount applies on ``today``, from the calculator."""
    floor = fact_int("income_floor")
    by_sector = {s: calculate(floor, sector=s, start=today) for s in SECTORS}
    active = [s for s in SECTORS if by_sector[s].discounted]
    if len(active) == len(SECTORS):
        key = "discount_both"
    elif active:
        key = f"discount_{active[0]}"
    elif any(rule.valid_from > today for rule in rules().discounts):
        key = "discount_upcoming"
    else:
        key = "discount_none"
    package = format_rupiah(by_sector[active[0]].per_month, lang) if active else ""
    note = catalog(lang).snippets[key].format_map({**facts, "discounted_package": package})
    return {"discount_note": note, "discounted_package": package}


# --- contribution estimate from a question --------------------------------------------------


@cache
def _cost_words() -> frozenset[str]:
    """Canonical words that ask what something costs (``cost_cues`` in the lexicon)."""
    cues = load_lexicon().raw.get("cost_cues")
    return frozenset(str(c) for c in cues) if isinstance(cues, list) else frozenset()


def _is_income(text: str, amount: int) -> bool:
    """An amount is an income if the question says so, or if it is at least the floor
    ("iuran 16800 itu per bulan?" quotes a contribution, it is not an income)."""
    return mentions_income(text) or amount >= fact_int("income_floor")


def _estimate_text(
    income: int, per: str | None, occupation: str | None, lang: str, today: dt.date
) -> str | None:
    snippets = catalog(lang).snippets
    if per not in (None, "bulan"):
        return snippets["estimate_needs_month"]
    sector = sector_for(occupation)
    try:
        base = calculate(income, sector=sector, start=today)
        with_jht = calculate(income, sector=sector, with_jht=True, start=today)
    except InvalidIncome:
        return None  # absurd amounts get the general answer
    first, first_jht = base.breakdown[0], with_jht.breakdown[0]
    money = {
        "income": income,
        "jkk": first.jkk,
        "jkm": first.jkm,
        "jht": first_jht.jht,
        "per_month": base.per_month,
        "per_month_with_jht": with_jht.per_month,
    }
    values = {k: format_rupiah(v, lang) for k, v in money.items()}
    sector_note = snippets["estimate_sector_transport"] if sector == "transportasi" else ""
    discount_line = snippets["estimate_discount"] if first.discount_percent else ""
    below_floor = snippets["estimate_below_floor"] + "\n" if base.below_floor else ""
    values["sector_note"] = sector_note
    values["discount_line"] = fill(discount_line, lang=lang, today=today)
    values["below_floor_line"] = fill(below_floor, lang=lang, today=today)
    return fill(snippets["estimate"], lang=lang, today=today, **values)
