"""Training the intent classifier from the phrasings in the repository (and managers' labels).

Training data: ``bot/knowledge/questions/<topic>.txt``, one phrasing per line (``#`` starts a
comment; see ``docs/topics.md`` for what belongs where), plus questions that managers labelled on
the dashboard and accepted with ``python -m bot nlu latih``. The held-out questions in
``tests/data/`` are never read here.

scikit-learn is imported only here: answering needs only the saved weights
(:class:`bot.nlu.classifier.IntentModel`). Training takes a few seconds on one core, so a model is
trained once per distinct training set and cached by its fingerprint (:mod:`bot.nlu.model_store`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.nlu import features
from bot.nlu.classifier import FORMAT_VERSION, IntentModel
from bot.nlu.features import FeatureSpace, raw_features
from bot.nlu.normalize import LEXICON_PATH, Normalizer, load_lexicon, words

QUESTIONS_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "questions"
# Inverse regularisation strength of the logistic regression (scikit-learn's C): chosen by
# cross-validation on the training phrasings (benchmarks/answers.py --cv prints the comparison).
REGULARIZATION = 20.0
# SAGA reaches the same accuracy as L-BFGS here in a fifth of the time; a fixed seed keeps
# training deterministic.
SOLVER = "saga"
MAX_ITERATIONS = 300
TOLERANCE = 1e-3


@dataclass(frozen=True)
class Example:
    """One labelled phrasing."""

    text: str
    topic: str


def load_examples(directory: Path = QUESTIONS_DIR) -> list[Example]:
    """Every phrasing in ``<topic>.txt`` files, in file and line order."""
    examples: list[Example] = []
    for path in sorted(directory.glob("*.txt")):
        topic = path.stem
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.strip()
            if text and not text.startswith("#"):
                examples.append(Example(text, topic))
    return examples


def topics_in(directory: Path = QUESTIONS_DIR) -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in directory.glob("*.txt")))


def fingerprint(examples: Iterable[Example]) -> str:
    """Changes whenever anything that shapes a trained model changes: the phrasings, the
    lexicon, the feature weights, the model format or the training settings."""
    digest = hashlib.sha256()
    digest.update(
        repr(
            (
                FORMAT_VERSION,
                REGULARIZATION,
                SOLVER,
                TOLERANCE,
                features.FAMILY_WEIGHTS,
                features.CHAR_SIZES,
                features.MIN_DOCUMENT_FREQUENCY,
            )
        ).encode()
    )
    digest.update(LEXICON_PATH.read_bytes())
    for example in sorted((e.topic, e.text) for e in examples):
        digest.update(f"{example[0]}\t{example[1]}\n".encode())
    return digest.hexdigest()


def vocabulary_of(examples: Iterable[Example]) -> frozenset[str]:
    """Words the normaliser may correct typos towards: every word of every phrasing."""
    return frozenset(w for e in examples for w in words(e.text) if w.isalpha() and len(w) > 1)


def train(examples: Sequence[Example], *, regularization: float = REGULARIZATION) -> IntentModel:
    """Fit the classifier on ``examples`` (deterministic: the same examples give the same model)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    if not examples:
        raise ValueError("no training examples")
    vocabulary = vocabulary_of(examples)
    normalizer = Normalizer(load_lexicon(), vocabulary)
    raw = [raw_features(normalizer, e.text) for e in examples]
    space = FeatureSpace.fit(raw)
    topics = tuple(sorted({e.topic for e in examples}))
    matrix = _matrix(space, raw, csr_matrix)
    labels = np.array([topics.index(e.topic) for e in examples])
    model = LogisticRegression(
        C=regularization, solver=SOLVER, max_iter=MAX_ITERATIONS, tol=TOLERANCE, random_state=0
    )
    model.fit(matrix, labels)
    weights, bias = _as_topic_columns(model.coef_, model.intercept_, len(topics))
    return IntentModel(
        topics=topics,
        space=space,
        weights=weights,
        bias=bias,
        vocabulary=vocabulary,
        fingerprint=fingerprint(examples),
    )


def _matrix(space: FeatureSpace, raw: Sequence[features.RawFeatures], csr_matrix: type) -> object:
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for item in raw:
        columns, values = space.vector(item)
        indices.extend(columns)
        data.extend(values)
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(raw), len(space.idf)))


def _as_topic_columns(
    coef: np.ndarray, intercept: np.ndarray, topic_count: int
) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's (topics x features) weights as (features x topics), the shape answering
    indexes by feature column."""
    if topic_count == 2:  # a binary model keeps one row: the second class's log-odds
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return np.ascontiguousarray(coef.T, dtype=np.float64), np.asarray(intercept, dtype=np.float64)
