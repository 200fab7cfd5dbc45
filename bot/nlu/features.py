"""The features the intent classifier sees in a question: one function for training and answering.

Two views of the same message, so that neither the lexicon nor the spelling has to be perfect:

- **canonical words** from :class:`bot.nlu.normalize.Normalizer` ("brp iuran bpjs tk" ->
  ``berapa iuran bpjstk``): unigrams and neighbouring pairs. The lexicon has already turned
  slang, Javanese and Sundanese into one word each, so "piro", "sabaraha" and "brp" meet here.
- **character n-grams** (2 to 5 letters, within words) of the cleaned raw text: an unforeseen
  spelling or word form ("kecelakan", "ojeknya") still shares most of its n-grams with words the
  classifier has seen.

Plus two flags: the message is only a greeting, or only thanks (the normaliser drops those words
when the message also asks something).

A question's raw features are counts; :class:`FeatureSpace` turns them into the vector the linear
model reads (sub-linear TF x family weight x IDF, unit length), the same code in training and
answering.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.nlu.normalize import Normalized, Normalizer, clean

# Weight of each family of features (by name prefix): words decide most, n-grams back them up.
FAMILY_WEIGHTS = {"w": 1.0, "p": 0.7, "c": 0.35, "only": 1.0, "empty": 1.0}
CHAR_SIZES = (2, 3, 4, 5)
# Features seen in fewer training questions than this are left out of the model.
MIN_DOCUMENT_FREQUENCY = 2

RawFeatures = dict[str, float]


def raw_features(
    normalizer: Normalizer, text: str, normalized: Normalized | None = None
) -> RawFeatures:
    """Feature name -> count for one question (``normalized``: ``normalizer(text)`` if known)."""
    normalized = normalized if normalized is not None else normalizer(text)
    features: RawFeatures = defaultdict(float)
    tokens = normalized.tokens
    for token in tokens:
        features["w:" + token] += 1
    for a, b in itertools.pairwise(tokens):
        features[f"p:{a} {b}"] += 1
    for word in clean(text).split():
        padded = f" {word} "
        for size in CHAR_SIZES:
            if len(padded) < size:
                break
            for i in range(len(padded) - size + 1):
                features["c:" + padded[i : i + size]] += 1
    if not tokens:
        features["empty:"] = 1
    elif _only_pleasantries(normalizer, normalized):
        features["only:thanks" if normalized.thanks else "only:greeting"] = 1
    return features


def _only_pleasantries(normalizer: Normalizer, normalized: Normalized) -> bool:
    # The normaliser keeps greeting and thanks words only when nothing else was said.
    lexicon = normalizer.lexicon
    return all(t in lexicon.greetings or t in lexicon.thanks for t in normalized.tokens)


@dataclass(frozen=True)
class FeatureSpace:
    """Feature names with their column and IDF weight: built from the training questions."""

    columns: Mapping[str, int]
    idf: Sequence[float]

    @classmethod
    def fit(cls, documents: Iterable[RawFeatures]) -> FeatureSpace:
        docs = list(documents)
        frequency: dict[str, int] = defaultdict(int)
        for features in docs:
            for name in features:
                frequency[name] += 1
        kept = sorted(n for n, df in frequency.items() if df >= MIN_DOCUMENT_FREQUENCY)
        total = len(docs)
        idf = [math.log((1 + total) / (1 + frequency[n])) + 1.0 for n in kept]
        return cls(columns={n: i for i, n in enumerate(kept)}, idf=idf)

    def vector(self, features: Mapping[str, float]) -> tuple[list[int], list[float]]:
        """Sparse unit-length TF-IDF vector: (columns, values); unknown features are dropped."""
        columns: list[int] = []
        values: list[float] = []
        for name, count in features.items():
            column = self.columns.get(name)
            if column is None or count <= 0:
                continue
            columns.append(column)
            weight = FAMILY_WEIGHTS[name.partition(":")[0]]
            values.append((1.0 + math.log(count)) * weight * self.idf[column])
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        return columns, [v / norm for v in values]
