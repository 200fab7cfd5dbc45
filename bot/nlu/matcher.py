"""Decide which topic a question is about, with a confidence between 0 and 1.

Method (pure Python, no model files): every example in ``bot/knowledge/topics.yaml`` and every
question is normalised (:mod:`bot.nlu.normalize`) and turned into a TF-IDF vector of canonical
words, word pairs and character 3-grams. A topic's score mixes the similarity of its two closest
examples with the similarity of the topic's centroid, plus a small bonus for its keywords.

Two guards keep the bot from answering confidently off topic:

- Words that no on-topic example uses ("pinjol", "listrik", words we have never seen) shrink every
  on-topic score by their share of the question, so "telat bayar pinjol" is not a telat_bayar
  question. Off-topic examples are matched by their nearest example only.
- Marker words ("bpjs kesehatan", "kis", "faskes") decide ``bpjs_kesehatan`` outright, so a
  health-insurance question never gets a BPJS Ketenagakerjaan answer.

The confidence combines the best score with its lead over the runner-up. Below
``Settings.answer_threshold`` the caller should not answer: it offers ``alternatives`` plus
"Tanya petugas" and records the question as unanswered. When nothing is even remotely similar the
topic is ``di_luar_topik``.

Building takes about a tenth of a second; matching a question well under a millisecond.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from bot.nlu.normalize import Lexicon, Normalized, Normalizer, load_lexicon, words

TOPICS_PATH = Path(__file__).resolve().parent.parent / "knowledge" / "topics.yaml"
OFF_TOPIC = "di_luar_topik"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Topics never offered as "did you mean" buttons: nobody needs a button to say hello, and the
# caller always adds "Tanya petugas" itself.
NOT_SUGGESTED = frozenset({OFF_TOPIC, "salam", "terima_kasih", "petugas"})
# Offered when a question matches nothing at all.
DEFAULT_SUGGESTIONS = ("program", "iuran", "cara_daftar")


@dataclass(frozen=True)
class Settings:
    """Weights and thresholds, tuned on tests/data/questions_train.tsv (never on the eval set)."""

    word_weight: float = 1.0
    bigram_weight: float = 0.6
    char_weight: float = 0.3
    nearest_share: float = 0.5  # rest is the centroid similarity
    keyword_bonus: float = 0.05
    # On-topic scores shrink by foreign_penalty x the share of the question's IDF weight carried
    # by words no on-topic example uses: words only seen off topic ("pinjol") count fully, words
    # no example has count unknown_word_share.
    unknown_word_share: float = 1.0
    foreign_penalty: float = 1.0
    # A topic's "nearest" similarity is the mean of its this-many closest examples: one lucky
    # example should not carry a topic.
    nearest_k: int = 2
    margin_scale: float = 4.0
    # Below this best score nothing is similar enough to guess a topic: di_luar_topik.
    off_topic_floor: float = 0.2
    # Below this confidence the caller offers choices instead of answering.
    answer_threshold: float = 0.45
    alternatives: int = 3


@dataclass(frozen=True)
class Match:
    """The matcher's verdict on one question."""

    topic: str
    confidence: float
    answered: bool
    alternatives: tuple[str, ...]
    normalized: Normalized
    scores: Mapping[str, float] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class TopicData:
    examples: tuple[str, ...]
    keywords: frozenset[str]
    markers: frozenset[str]


def load_topics(path: Path = TOPICS_PATH) -> dict[str, TopicData]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    topics: dict[str, TopicData] = {}
    for topic, entry in data["topics"].items():
        topics[str(topic)] = TopicData(
            examples=tuple(str(e) for e in entry.get("examples") or ()),
            keywords=frozenset(str(k) for k in entry.get("keywords") or ()),
            markers=frozenset(str(k) for k in entry.get("markers") or ()),
        )
    return topics


Vector = dict[str, float]


class Matcher:
    """Built once at start-up from the topic examples; :meth:`match` is then cheap and pure."""

    def __init__(
        self,
        topics: Mapping[str, TopicData] | None = None,
        settings: Settings | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.topics = dict(topics if topics is not None else load_topics())
        self.settings = settings or Settings()
        vocabulary = {w for t in self.topics.values() for e in t.examples for w in words(e)}
        self.normalizer = Normalizer(lexicon or load_lexicon(), vocabulary)
        self._markers = {m: t for t, d in self.topics.items() for m in d.markers}
        on_topic: set[str] = set()
        off_topic: set[str] = set()

        examples: list[tuple[str, dict[str, float]]] = []
        for topic, data in self.topics.items():
            for text in data.examples:
                normalized = self.normalizer(text)
                (off_topic if topic == OFF_TOPIC else on_topic).update(normalized.tokens)
                features = self._features(normalized)
                if features:
                    examples.append((topic, features))
        self._on_topic_words = frozenset(on_topic)
        self._off_topic_words = frozenset(off_topic - on_topic)
        doc_freq: dict[str, int] = defaultdict(int)
        for _, features in examples:
            for f in features:
                doc_freq[f] += 1
        n = len(examples)
        self._idf = {f: math.log((n + 1) / (df + 1)) + 1.0 for f, df in doc_freq.items()}
        self._unknown_idf = math.log(n + 1) + 1.0

        self._example_topic: list[str] = []
        index: dict[str, list[tuple[int, float]]] = defaultdict(list)
        sums: dict[str, Vector] = {t: defaultdict(float) for t in self.topics}
        for i, (topic, features) in enumerate(examples):
            vector = self._weigh(features)
            self._example_topic.append(topic)
            for f, w in vector.items():
                index[f].append((i, w))
                sums[topic][f] += w
        self._index = dict(index)
        centroid_index: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for topic, total in sums.items():
            norm = math.sqrt(sum(w * w for w in total.values())) or 1.0
            for f, w in total.items():
                centroid_index[f].append((topic, w / norm))
        self._centroid_index = dict(centroid_index)

    # --- features -------------------------------------------------------------------------

    def _features(self, normalized: Normalized) -> dict[str, float]:
        """Raw feature weights (before IDF) of a normalised question."""
        s = self.settings
        features: dict[str, float] = defaultdict(float)
        tokens = normalized.tokens
        for token in tokens:
            features["w:" + token] += s.word_weight
            if s.char_weight and len(token) > 3:
                # Character 3-grams, lightly weighted: an unforeseen spelling or word form
                # ("kecelakaannya", "ojeknya") still meets its relatives.
                padded = f"#{token}#"
                for i in range(len(padded) - 2):
                    features["c:" + padded[i : i + 3]] += s.char_weight
        if s.bigram_weight:
            for a, b in itertools.pairwise(tokens):
                features[f"b:{a} {b}"] += s.bigram_weight
        return features

    def _weigh(self, features: Mapping[str, float]) -> Vector:
        """Sub-linear TF times IDF, unit length.

        Features no example has are left out: they cannot match anything, and how much of the
        question they make up is what :meth:`_foreign_share` judges.
        """
        vector = {
            f: (1.0 + math.log(tf)) * self._idf[f]
            for f, tf in features.items()
            if tf > 0 and f in self._idf
        }
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        return {f: w / norm for f, w in vector.items()}

    # --- matching -------------------------------------------------------------------------

    def scores(self, normalized: Normalized) -> dict[str, float]:
        """Score of every topic for an already normalised question (0 when nothing matches)."""
        s = self.settings
        vector = self._weigh(self._features(normalized))
        nearest: dict[str, float] = dict.fromkeys(self.topics, 0.0)
        if vector:
            sims: dict[int, float] = defaultdict(float)
            for f, q in vector.items():
                for i, w in self._index.get(f, ()):
                    sims[i] += q * w
            per_topic: dict[str, list[float]] = defaultdict(list)
            for i, sim in sims.items():
                per_topic[self._example_topic[i]].append(sim)
            for topic, values in per_topic.items():
                closest = heapq.nlargest(s.nearest_k, values)
                nearest[topic] = sum(closest) / s.nearest_k
        centroid: dict[str, float] = defaultdict(float)
        for f, q in vector.items():
            for topic, w in self._centroid_index.get(f, ()):
                centroid[topic] += q * w
        tokens = set(normalized.tokens)
        keep = 1.0 - s.foreign_penalty * self._foreign_share(normalized)
        result: dict[str, float] = {}
        for topic, data in self.topics.items():
            if topic == OFF_TOPIC:
                # Off-topic examples share no theme, so their centroid means nothing.
                result[topic] = nearest[topic]
                continue
            score = s.nearest_share * nearest[topic] + (1 - s.nearest_share) * centroid[topic]
            if score > 0 and tokens & data.keywords:
                score += s.keyword_bonus
            result[topic] = score * keep
        return result

    def _foreign_share(self, normalized: Normalized) -> float:
        """How much of the question is about things no on-topic example mentions (0..1).

        "telat bayar pinjol" looks like telat_bayar word for word except "pinjol", which only
        off-topic examples use: that word carries most of the question's IDF weight.
        """
        total = foreign = 0.0
        for token in set(normalized.tokens):
            weight = self._idf.get("w:" + token, self._unknown_idf)
            total += weight
            if token in self._on_topic_words:
                continue
            if token in self._off_topic_words:
                foreign += weight
            else:
                foreign += weight * self.settings.unknown_word_share
        return foreign / total if total else 0.0

    def match(self, text: str) -> Match:
        s = self.settings
        normalized = self.normalizer(text)
        if not normalized.tokens:
            return Match(OFF_TOPIC, 0.0, False, DEFAULT_SUGGESTIONS, normalized)
        scores = self.scores(normalized)
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)
        suggestions = tuple(t for t in ranked if t not in NOT_SUGGESTED and scores[t] > 0)
        suggestions = suggestions[: s.alternatives] or DEFAULT_SUGGESTIONS

        marked = next((self._markers[t] for t in normalized.tokens if t in self._markers), None)
        if marked is not None:
            others = tuple(t for t in suggestions if t != marked)[: s.alternatives - 1]
            return Match(marked, max(0.9, scores[marked]), True, others, normalized, scores)

        best, runner_up = scores[ranked[0]], scores[ranked[1]]
        if best < s.off_topic_floor:
            confidence = best / 2
            return Match(OFF_TOPIC, confidence, False, suggestions, normalized, scores)
        topic = ranked[0]
        confidence = _confidence(best, runner_up, s.margin_scale)
        alternatives = tuple(t for t in suggestions if t != topic)[: s.alternatives]
        answered = confidence >= s.answer_threshold
        return Match(topic, confidence, answered, alternatives, normalized, scores)


def _confidence(best: float, runner_up: float, margin_scale: float) -> float:
    """High when the best score is high *and* clearly ahead; always within 0..1."""
    lead = min(1.0, (best - runner_up) * margin_scale)
    return max(0.0, min(1.0, best)) ** 0.5 * (0.4 + 0.6 * lead)


@cache
def default_matcher() -> Matcher:
    """The matcher over the shipped topics, built on first use (about 0.1 s)."""
    return Matcher()


def match(text: str) -> Match:
    """Match ``text`` with the shipped topics; see :class:`Matcher`."""
    return default_matcher().match(text)


def iter_topics() -> Iterable[str]:
    return default_matcher().topics.keys()
