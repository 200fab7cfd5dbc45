"""The intent classifier: which topic a question is about, with a calibrated probability.

A linear model (multinomial logistic regression, trained with scikit-learn by
:mod:`bot.nlu.training`) over TF-IDF features of the question (:mod:`bot.nlu.features`: canonical
words and word pairs from the normaliser, character n-grams of the raw spelling). Answering needs
only NumPy: the trained weights are a matrix, a question is a sparse vector, the topic
probabilities are a softmax of their product. A question takes well under a millisecond.

A model is saved as one ``.npz`` file (no pickle): the topic ids, the feature names with their
IDF, the weights, and the words the normaliser may correct typos towards.

How the probability is turned into an answer, a "Maksud Anda…?" or the menu is
:mod:`bot.nlu.policy`'s job, not this module's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.nlu.features import FeatureSpace, raw_features
from bot.nlu.normalize import Lexicon, Normalized, Normalizer, load_lexicon

OFF_TOPIC = "di_luar_topik"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Prediction:
    """Every topic with its probability, likeliest first."""

    ranked: tuple[tuple[str, float], ...]
    normalized: Normalized

    @property
    def topic(self) -> str:
        return self.ranked[0][0]

    @property
    def probability(self) -> float:
        return self.ranked[0][1]

    def probability_of(self, topic: str) -> float:
        return next((p for t, p in self.ranked if t == topic), 0.0)


class IntentModel:
    """A trained classifier; build one with :func:`bot.nlu.training.train` or :meth:`load`."""

    def __init__(
        self,
        *,
        topics: tuple[str, ...],
        space: FeatureSpace,
        weights: npt.NDArray[np.float64],
        bias: npt.NDArray[np.float64],
        vocabulary: frozenset[str],
        fingerprint: str,
        lexicon: Lexicon | None = None,
    ) -> None:
        if weights.shape != (len(space.idf), len(topics)) or bias.shape != (len(topics),):
            raise ValueError("weights do not fit the topics and the feature space")
        self.topics = topics
        self.space = space
        self.weights = weights
        self.bias = bias
        self.vocabulary = vocabulary
        self.fingerprint = fingerprint
        self.normalizer = Normalizer(lexicon or load_lexicon(), vocabulary)

    def predict(self, text: str) -> Prediction:
        normalized = self.normalizer(text)
        columns, values = self.space.vector(raw_features(self.normalizer, text, normalized))
        logits = self.bias.copy()
        if columns:
            logits += np.asarray(values) @ self.weights[columns]
        logits -= logits.max()
        exp = np.exp(logits)
        probabilities = exp / exp.sum()
        order = np.argsort(-probabilities, kind="stable")
        ranked = tuple((self.topics[i], float(probabilities[i])) for i in order)
        return Prediction(ranked=ranked, normalized=normalized)

    # --- persistence ------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the model atomically (a reader never sees half a file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        names = sorted(self.space.columns, key=self.space.columns.__getitem__)
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as f:
            np.savez_compressed(
                f,
                format_version=np.array(FORMAT_VERSION),
                topics=np.array(self.topics),
                feature_names=np.array(names),
                idf=np.asarray(self.space.idf, dtype=np.float64),
                weights=self.weights,
                bias=self.bias,
                vocabulary=np.array(sorted(self.vocabulary)),
                fingerprint=np.array(self.fingerprint),
            )
        partial.replace(path)

    @classmethod
    def load(cls, path: Path, lexicon: Lexicon | None = None) -> IntentModel:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format_version"]) != FORMAT_VERSION:
                raise ValueError(f"{path}: model format {int(data['format_version'])}")
            names = [str(n) for n in data["feature_names"]]
            space = FeatureSpace(
                columns={n: i for i, n in enumerate(names)}, idf=data["idf"].tolist()
            )
            return cls(
                topics=tuple(str(t) for t in data["topics"]),
                space=space,
                weights=np.array(data["weights"], dtype=np.float64),
                bias=np.array(data["bias"], dtype=np.float64),
                vocabulary=frozenset(str(w) for w in data["vocabulary"]),
                fingerprint=str(data["fingerprint"]),
                lexicon=lexicon,
            )
