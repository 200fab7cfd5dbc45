"""Answers to workers' free-text questions: the entry point for the Telegram handler and the CLI.

    answer_question("gaji sy 2,5jt bayar brp", lang="id", today=date(2026, 12, 5))

understands the question (the intent classifier, :mod:`bot.nlu.classifier`, and the answer policy,
:mod:`bot.nlu.policy`), picks the answer for its topic from ``locales/<lang>/answers.yaml`` and
fills every figure from ``bot/knowledge/facts.yaml``. When the question names an income and asks
what it costs, the text is the calculator's estimate for ``today`` instead (sector from the
occupation: ojek/driver/kurir -> transportasi; an income per day or week turned into a month).

Three outcomes (``Answer.tier``):

- ``answer``: the topic's answer;
- ``answer_and_offer``: the likeliest topic's answer plus "Maksud Anda…?" buttons for the next
  two (``alternatives``);
- ``menu``: not sure: ``answered`` is False, ``alternatives`` holds the likeliest topics, the
  caller adds "Tanya petugas" and records the question as unanswered.

A question that asks two things ("iurannya brp trs kalo meninggal dpt apa") gets both answers.

Topic ids (:data:`TOPICS`) are a contract shared with the statistics, the training files and the
dashboard's labels (``docs/topics.md``).
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
from babel.dates import format_date
from babel.lists import format_list

from bot.amounts import InvalidIncome
from bot.calculator import (
    SECTORS,
    calculate,
    conversion_factor,
    discount_outlook,
    exceeds_cap_check,
    monthly_income,
    rules,
)
from bot.i18n import SUPPORTED_LANGUAGES, babel_locale, format_rupiah, normalize_language
from bot.knowledge.facts import fact_int, formatted_facts
from bot.nlu.classifier import OFF_TOPIC, IntentModel
from bot.nlu.extract import (
    AmountMention,
    extract_income,
    extract_occupation,
    mentions_income,
    sector_for,
)
from bot.nlu.model_store import default_model
from bot.nlu.normalize import load_lexicon
from bot.nlu.policy import DEFAULT_POLICY, AnswerPolicy, Tier

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
    "jht_cair",
    "beasiswa",
    "syarat",
    "siapa_bisa_ikut",
    "cara_daftar",
    "cara_bayar",
    "telat_bayar",
    "klaim",
    "cabang",
    "kartu_hilang",
    "mulai_berlaku",
    "bantuan_pemerintah",
    "daftar_minat",
    "petugas",
    "bpjs_kesehatan",
    "sudah_punya_kesehatan",
    "sakit_biasa",
    "privasi",
    "penipuan",
    OFF_TOPIC,
)
# Follow-ups that start a flow instead of showing a topic.
ACTIONS: tuple[str, ...] = ("action:calculator", "action:register", "action:office")
COST_TOPIC = "iuran"
MAX_SUGGESTIONS = 3
CALCULATOR_FOLLOWUPS: tuple[str, ...] = ("action:calculator", "cara_bayar", "action:register")
# Topics that start a flow (registration, a ticket for staff) rather than show a text: never
# half of a two-part answer.
FLOW_TOPICS = frozenset({"daftar_minat", "petugas"})
# Small talk is never half of a two-part answer either.
NOT_COMPOUND = FLOW_TOPICS | {OFF_TOPIC, "salam", "terima_kasih"}

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")


@dataclass(frozen=True)
class Answer:
    """What to send back.

    ``answered`` False means: send ``text`` (we are not sure), offer ``alternatives`` (the
    likeliest topics, best first) plus "Tanya petugas", and record the question as unanswered.
    When answered, ``alternatives`` are the "Maksud Anda…?" offers (empty when sure) and
    ``followups`` the buttons to offer after the answer. ``also`` lists a second topic answered
    in the same text (a two-part question).
    """

    topic: str
    confidence: float
    text: str  # Telegram HTML (<b>, <i>), nothing user-typed inside
    alternatives: list[str] = field(default_factory=list)
    followups: list[str] = field(default_factory=list)
    answered: bool = True
    amount: int | None = None
    occupation: str | None = None
    tier: Tier = "answer"
    also: tuple[str, ...] = ()


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


def warm_up(today: dt.date, model: IntentModel | None = None) -> None:
    """Load the classifier and the answer catalogs now, at start-up, not while a worker waits."""
    for lang in SUPPORTED_LANGUAGES:
        answer_question("berapa iuran sebulan?", lang=lang, today=today, model=model)


def answer_question(
    text: str,
    *,
    lang: str,
    today: dt.date,
    model: IntentModel | None = None,
    policy: AnswerPolicy = DEFAULT_POLICY,
) -> Answer:
    """Understand ``text`` and answer it in ``lang`` as of ``today`` (see the module docstring)."""
    lang = normalize_language(lang)
    model = model or default_model()
    prediction = model.predict(text)
    decision = policy.decide(prediction)
    mention = extract_income(text)
    occupation = extract_occupation(text)
    amount = mention.amount if mention else None
    asks_cost = bool(_cost_words() & set(prediction.normalized.tokens))

    # A message that asks two things gets both answers, in the order they were asked.
    parts = _part_topics(text, model, policy)
    if decision.tier == "answer" and decision.topic in parts:
        # The whole message is plainly about one of them: the other part was context
        # ("suami sy meninggal, klaim jkm nya gmn" asks how to claim), so that answer leads.
        parts.remove(decision.topic)
        parts.insert(0, decision.topic)
    asked = parts[:2] if len(parts) >= 2 else None
    estimate: str | None = None
    discounted = False
    if mention is not None and _is_income(text, mention):
        # An income plus a question about cost gets the calculator's figures, also when the
        # classifier was unsure but had iuran close behind ("gaji 2jt bayar brp ya kak").
        wants = (
            decision.topic == COST_TOPIC
            or COST_TOPIC in (asked or ())
            or (decision.tier == "menu" and asks_cost and COST_TOPIC in decision.offers[:2])
        )
        if wants:
            estimate, discounted = _estimate_text(mention, occupation, lang, today)

    if estimate is not None:
        others = asked or [decision.topic]
        extra = [t for t in others if t != COST_TOPIC and t not in NOT_COMPOUND][:1]
        text_out = "\n\n".join([estimate, *(_topic_body(t, lang, today) for t in extra)])
        return Answer(
            topic=COST_TOPIC,
            confidence=max(decision.probability, policy.offer_at),
            text=_with_sources(text_out, [COST_TOPIC, *extra], lang, discounted=discounted),
            alternatives=[],
            followups=list(CALCULATOR_FOLLOWUPS),
            amount=amount,
            occupation=occupation,
            tier="answer",
            also=tuple(extra),
        )

    if decision.tier == "menu" and asked is None:
        return Answer(
            topic=decision.topic,
            confidence=decision.probability,
            text=catalog(lang).snippets["which_one" if decision.close_call else "unsure"],
            alternatives=list(decision.offers[:MAX_SUGGESTIONS]),
            followups=[],
            answered=False,
            amount=amount,
            occupation=occupation,
            tier="menu",
        )

    topics = asked or [decision.topic]
    body = "\n\n".join(_topic_body(t, lang, today) for t in topics)
    offers = list(decision.offers) if asked is None else []
    if offers:
        body += "\n\n" + catalog(lang).snippets["did_you_mean"]
    entry = catalog(lang).topics[topics[0]]
    return Answer(
        topic=topics[0],
        confidence=decision.probability,
        text=_with_sources(body, topics, lang),
        alternatives=offers,
        followups=list(entry.followups),
        answered=decision.answered if asked is None else True,
        amount=amount,
        occupation=occupation,
        tier=decision.tier if asked is None else "answer",
        also=tuple(topics[1:]),
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
    """A topic's answer with every placeholder filled for ``lang`` and ``today``, and the legal
    basis on its last line."""
    return _with_sources(_topic_body(topic, lang, today), [topic], lang)


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


# --- two-part questions -------------------------------------------------------------------------

# Where a second question starts: punctuation, or a word that opens a new clause.
_CLAUSE_BREAK = re.compile(
    r"[?!;\n]+|,(?!\d)|\.\s+|"
    r"\b(?:trs|terus|trus|truss|lalu|kemudian|sekalian|satu lagi|oh iya|oh ya|then|also|"
    r"kalo|kalau|klo|klu|kl|nek|yen|misal|gimana kalau|terus kalau|and what|trs kalo)\b",
    re.IGNORECASE,
)
_MIN_PART_WORDS = 2


def _part_topics(text: str, model: IntentModel, policy: AnswerPolicy) -> list[str]:
    """The topics the parts of a message are confidently about, in order ("iurannya brp trs
    kalo meninggal dpt apa" -> iuran, manfaat_jkm); small talk and flows left out."""
    parts = [p.strip() for p in _CLAUSE_BREAK.split(text[:500]) if p and p.strip()]
    parts = [p for p in parts if len(p.split()) >= _MIN_PART_WORDS]
    if len(parts) < 2:
        return []
    found: list[str] = []
    for part in parts:
        decision = policy.decide(model.predict(part))
        answered_here = decision.tier == "answer" and decision.topic not in NOT_COMPOUND
        if answered_here and decision.topic not in found:
            found.append(decision.topic)
    return found


# --- filling ------------------------------------------------------------------------------------


def _topic_body(topic: str, lang: str, today: dt.date) -> str:
    return fill(catalog(lang).topics[topic].text, lang=lang, today=today)


# The discount's regulation, left out of an estimate's basis when no discount was applied.
DISCOUNT_REGULATION = "PP 50/2025"


def _with_sources(text: str, topics: list[str], lang: str, *, discounted: bool = True) -> str:
    """The legal basis once, at the end, not in every sentence."""
    cat = catalog(lang)
    sources = [cat.topics[t].source for t in topics if cat.topics[t].source not in ("", "-")]
    if not sources:
        return text
    unique = list(dict.fromkeys("; ".join(sources).split("; ")))
    # "PP 44/2015 jo. PP 49/2023" adds nothing after "PP 44/2015 jo. PP 49/2023 (tarif JKK, JKM)".
    unique = [s for s in unique if not any(o != s and o.startswith(s + " (") for o in unique)]
    if not discounted:
        unique = [s for s in unique if not s.startswith(DISCOUNT_REGULATION)]
    line = cat.snippets["sources"].format(sources="; ".join(unique))
    return f"{text}\n{line}"


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


def month_name(month: dt.date, lang: str) -> str:
    """ "Januari 2027" / "January 2027"."""
    return format_date(month, "LLLL yyyy", locale=babel_locale(lang))


def _discount_values(lang: str, today: dt.date, facts: Mapping[str, str]) -> dict[str, str]:
    """``{discount_note}``: which PP 50/2025 discount applies on ``today``, until when, and what
    the basic package costs after it (from the calculator)."""
    floor = fact_int("income_floor")
    snippets = catalog(lang).snippets
    lines: list[str] = []
    active = []
    for sector in SECTORS:
        outlook = discount_outlook(floor, sector=sector, start=today)
        if outlook is None:
            continue
        active.append(sector)
        now = calculate(floor, sector=sector, start=today).per_month
        lines.append(
            snippets[f"discount_{sector}"].format_map(
                {
                    **facts,
                    "discounted_package": format_rupiah(now, lang),
                    "discount_end": month_name(outlook.last_discounted, lang),
                    "after_month": month_name(outlook.first_full, lang),
                    "package_after": format_rupiah(outlook.per_month_after, lang),
                }
            )
        )
    if not active and any(rule.valid_from > today for rule in rules().discounts):
        lines.append(snippets["discount_upcoming"].format_map(facts))
    return {"discount_note": "\n".join(lines)}


# --- contribution estimate from a question --------------------------------------------------


@cache
def _cost_words() -> frozenset[str]:
    """Canonical words that ask what something costs (``cost_cues`` in the lexicon)."""
    cues = load_lexicon().raw.get("cost_cues")
    return frozenset(str(c) for c in cues) if isinstance(cues, list) else frozenset()


def _is_income(text: str, mention: AmountMention) -> bool:
    """An amount is an income if the question says so, if it is earned per day or week ("80rb
    sehari"), or if it is at least the floor ("iuran 16800 itu per bulan?" quotes a
    contribution, it is not an income)."""
    return (
        mentions_income(text)
        or mention.per in ("hari", "minggu")
        or mention.amount >= fact_int("income_floor")
    )


def _estimate_text(
    mention: AmountMention, occupation: str | None, lang: str, today: dt.date
) -> tuple[str | None, bool]:
    """The estimate's text (``None`` for an absurd amount) and whether a discount applies."""
    snippets = catalog(lang).snippets
    income = monthly_income(mention.amount, mention.per)
    sector = sector_for(occupation)
    try:
        base = calculate(income, sector=sector, start=today)
        with_jht = calculate(income, sector=sector, with_jht=True, start=today)
    except InvalidIncome:
        return None, False  # absurd amounts get the general answer
    money = lambda amount: format_rupiah(amount, lang)  # noqa: E731
    first, first_jht = base.breakdown[0], with_jht.breakdown[0]
    values = {
        "income": money(income),
        "jkk": money(first.jkk),
        "jkm": money(first.jkm),
        "jht": money(first_jht.jht),
        "per_month": money(base.per_month),
        "per_month_with_jht": money(with_jht.per_month),
        "sector_note": snippets["estimate_sector_transport"] if sector == "transportasi" else "",
        "conversion_line": "",
        "discount_line": "",
        "after_line": "",
        "after_jht": "",
        "below_floor_line": (
            fill(snippets["estimate_below_floor"], lang=lang, today=today)
            if base.below_floor
            else ""
        ),
        "cap_line": snippets["estimate_cap_check"] if exceeds_cap_check(income) else "",
    }
    if mention.per in ("hari", "minggu"):
        values["conversion_line"] = snippets[f"estimate_from_{mention.per}"].format(
            amount=money(mention.amount),
            factor=conversion_factor(mention.per),
            income=money(income),
        )
    elif mention.per == "tahun":
        values["conversion_line"] = snippets["estimate_from_tahun"].format(
            amount=money(mention.amount), months=12, income=money(income)
        )
    outlook = discount_outlook(income, sector=sector, start=today)
    if outlook is not None:
        outlook_jht = discount_outlook(income, sector=sector, with_jht=True, start=today)
        after = month_name(outlook.first_full, lang)
        values["discount_line"] = snippets["estimate_discount"].format(
            discount_percent=outlook.percent, discount_end=month_name(outlook.last_discounted, lang)
        )
        values["after_line"] = snippets["estimate_after"].format(
            after_month=after, per_month_after=money(outlook.per_month_after)
        )
        if outlook_jht is not None:
            values["after_jht"] = snippets["estimate_after_jht"].format(
                after_month=after, per_month_after=money(outlook_jht.per_month_after)
            )
    return fill(snippets["estimate"], lang=lang, today=today, **values), outlook is not None
