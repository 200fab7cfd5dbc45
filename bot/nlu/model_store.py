"""Where trained classifiers are kept: one file per training set, named by its fingerprint.

A process that needs the classifier asks :func:`load_or_train` for the model of the repository's
phrasings plus the labels managers accepted. The first process to see a training set trains it
(a few seconds, once: ``scripts/setup.sh`` does it for the shipped phrasings) and saves it; every
later start loads the file in milliseconds. Files are written atomically, so processes starting
together at worst both train and one file wins.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from bot.nlu.classifier import IntentModel
from bot.nlu.training import Example, fingerprint, load_examples, train

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[2] / "data" / "nlu"
KEEP_MODELS = 5


def model_path(directory: Path, print_: str) -> Path:
    return directory / f"intent-{print_[:20]}.npz"


def load_or_train(
    extra: Sequence[Example] = (), directory: Path = DEFAULT_MODEL_DIR
) -> IntentModel:
    """The model of the shipped phrasings plus ``extra`` (accepted labels), from the cache or
    freshly trained."""
    examples = [*load_examples(), *extra]
    print_ = fingerprint(examples)
    path = model_path(directory, print_)
    if path.exists():
        try:
            model = IntentModel.load(path)
            if model.fingerprint == print_:
                _touch(path)
                return model
        except (OSError, ValueError, KeyError) as exc:
            log.warning("Retraining: the cached classifier %s is unreadable (%s)", path.name, exc)
    log.info("Training the question classifier on %d phrasings", len(examples))
    model = train(examples)
    try:
        model.save(path)
        _prune(directory, keep=path)
    except OSError as exc:  # a read-only checkout still answers, it only trains each start
        log.warning("Could not cache the classifier in %s: %s", directory, exc)
    return model


def _touch(path: Path) -> None:
    """Mark a model as used: pruning keeps the most recently used ones."""
    with contextlib.suppress(OSError):
        path.touch()


def _prune(directory: Path, keep: Path) -> None:
    """Drop all but the most recently used cached models (older training sets rarely return)."""
    models = sorted(directory.glob("intent-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [p for p in models if p != keep][KEEP_MODELS - 1 :]:
        old.unlink(missing_ok=True)


@cache
def default_model() -> IntentModel:
    """The model of the shipped phrasings alone, for callers without a database (tests, tools)."""
    return load_or_train()


if __name__ == "__main__":  # scripts/setup.sh: train the shipped model once, at set-up
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    default_model()
