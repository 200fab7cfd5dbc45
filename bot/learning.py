"""The classifier's learning loop: what managers label, what the bot is trained on.

1. The bot cannot answer a question: it is kept (masked) and shown on the dashboard's
   *Tak terjawab* page.
2. A manager picks the topic it should have had, or "di luar topik" (:func:`label_question`).
3. ``python -m bot nlu latih`` (:func:`retrain`) trains a model on the shipped phrasings plus every
   label, measures it on the held-out questions beside the current model, and accepts it only if
   it is not worse: the labels are then marked trained and every process that starts afterwards
   answers with them (:func:`load_model`). A refused model changes nothing.
4. ``python -m bot nlu ekspor`` (:func:`export_labels`) writes the labels out, so that they can be
   reviewed and added to ``bot/knowledge/questions/`` for good.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bot.answers import TOPICS, answer_question
from bot.nlu.classifier import IntentModel
from bot.nlu.evaluate import Report, Verdict, evaluate, load_held_out
from bot.nlu.model_store import DEFAULT_MODEL_DIR, load_or_train
from bot.nlu.training import Example
from db.engine import UnitOfWork
from db.models import QuestionLabel
from db.repositories.question_labels import QuestionLabelRepository

LABEL_TOPICS: tuple[str, ...] = TOPICS


class UnknownTopic(ValueError):
    def __init__(self, topic: str) -> None:
        super().__init__(f"unknown topic {topic!r}")
        self.topic = topic


@dataclass(frozen=True)
class Label:
    text: str
    normalized: str
    topic: str
    labelled_by: str
    labelled_at: datetime
    trained: bool


async def label_question(
    uow: UnitOfWork, normalized: str, topic: str, *, by: str, now: datetime
) -> Label | None:
    """Record that the missed question ``normalized`` is about ``topic``; ``None`` when that
    question is no longer stored (deleted with its asker's data)."""
    if topic not in LABEL_TOPICS:
        raise UnknownTopic(topic)
    row = await QuestionLabelRepository(uow).put(normalized, topic, by, now)
    return _label(row) if row is not None else None


async def labels_for(uow: UnitOfWork, normalized: list[str]) -> dict[str, Label]:
    rows = await QuestionLabelRepository(uow).for_texts(normalized)
    return {key: _label(row) for key, row in rows.items()}


async def export_labels(uow: UnitOfWork, *, trained_only: bool = False) -> list[Label]:
    return [
        _label(r) for r in await QuestionLabelRepository(uow).all(trained_only=trained_only)
    ]


def load_model(accepted: list[Label], directory: Path = DEFAULT_MODEL_DIR) -> IntentModel:
    """The classifier the bot answers with: the shipped phrasings plus the accepted labels
    (``export_labels(uow, trained_only=True)``). It may train for a few seconds, so it takes
    the labels rather than a unit of work: no transaction stays open meanwhile."""
    return load_or_train(_examples(accepted), directory)


@dataclass(frozen=True)
class TrainingOutcome:
    before: Report
    after: Report
    labels: int
    new_labels: int
    accepted: bool


def retrain(labels: list[Label], directory: Path = DEFAULT_MODEL_DIR) -> TrainingOutcome:
    """Train with every label (from :func:`export_labels`); the result is accepted only if it
    is not worse on the held-out set, and then the caller marks the labels trained
    (:func:`mark_labels_trained`). Training takes a while, so it runs outside any unit of work."""
    accepted = [label for label in labels if label.trained]
    current = load_or_train(_examples(accepted), directory)
    candidate = load_or_train(_examples(labels), directory)
    held_out = load_held_out()
    before = evaluate(held_out, verdicts(current))
    after = evaluate(held_out, verdicts(candidate))
    better_or_equal = not _worse(after, before)
    return TrainingOutcome(before, after, len(labels), len(labels) - len(accepted), better_or_equal)


async def mark_labels_trained(uow: UnitOfWork, now: datetime) -> None:
    """Every label is in the model now: the bot answers with them from its next start."""
    repository = QuestionLabelRepository(uow)
    rows = await repository.all()
    await repository.mark_trained([row.id for row in rows], now)


# Retraining with one more label nudges every weight, so a question or two of the held-out set
# may flip either way; a model is refused when it is worse by more than this on any figure
# (0.1 point is about one on-topic question of the 1,645; one off-topic question is more).
WORSE_TOLERANCE = 0.001


def _worse(after: Report, before: Report) -> bool:
    """Worse on any of the figures the campaign holds the bot to."""
    return (
        after.accuracy < before.accuracy - WORSE_TOLERANCE
        or after.answered_right_rate < before.answered_right_rate - WORSE_TOLERANCE
        or after.answered_wrong_rate > before.answered_wrong_rate + WORSE_TOLERANCE
        or after.confidently_wrong_rate > before.confidently_wrong_rate + WORSE_TOLERANCE
        or after.off_topic_rate > before.off_topic_rate + WORSE_TOLERANCE
    )


def verdicts(model: IntentModel) -> Callable[[str], Verdict]:
    def decide(question: str) -> Verdict:
        # The date only changes figures inside texts, never the topic.
        answer = answer_question(question, lang="id", today=_EVALUATION_DAY, model=model)
        return Verdict(answer.topic, answer.answered, answer.tier == "answer")

    return decide


def _examples(labels: list[Label]) -> list[Example]:
    return [Example(label.text, label.topic) for label in labels]


def _label(row: QuestionLabel) -> Label:
    return Label(
        text=row.text,
        normalized=row.normalized,
        topic=row.topic,
        labelled_by=row.labelled_by,
        labelled_at=row.labelled_at,
        trained=row.trained_at is not None,
    )


_EVALUATION_DAY = date(2026, 12, 1)
