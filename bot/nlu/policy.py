"""From the classifier's probabilities to what the worker gets: an answer, an answer with
"Maksud Anda…?" buttons, or the menu.

- probability >= ``answer_at``: answer the topic;
- ``offer_at`` <= probability < ``answer_at``: answer the likeliest topic *and* offer the next
  two as buttons, because the runner-up is often what was meant;
- below ``offer_at``, or a medium probability with the runner-up closer than ``min_margin``:
  do not guess; offer the likeliest topics and a person. A close call ("kalau meninggal karena
  kecelakaan kerja dapat apa": JKK or JKM?) is where a guess goes wrong most often, and asking
  "which one?" costs the worker one tap where a wrong answer costs their trust.

The thresholds (and the margin) were chosen on out-of-fold predictions over the training
phrasings (every phrasing predicted by a model that did not see it) so that at most 1% of
on-topic questions get a confidently wrong answer, then checked on the held-out questions:
``benchmarks/answers.py`` prints both, and ``python -m bot nlu latih`` prints the figures for
a new training set.

One guard overrides the model: a health-insurance question (BPJS Kesehatan, KIS, JKN, faskes)
that does not also name BPJS Ketenagakerjaan or one of its programmes (JKK, JKM, JHT) never gets
a BPJS Ketenagakerjaan cost, payment or claim answer: it gets the BPJS Kesehatan pointer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.nlu.classifier import OFF_TOPIC, Prediction

Tier = Literal["answer", "answer_and_offer", "menu"]

# Topics never offered as buttons: nobody needs a button to say hello, and the caller adds
# "Tanya petugas" itself.
NOT_OFFERED = frozenset({OFF_TOPIC, "salam", "terima_kasih", "petugas"})
# Offered when a question matches nothing at all.
DEFAULT_OFFERS = ("program", "iuran", "cara_daftar")
HEALTH_WORD = "bpjskes"
# Words that put a question on BPJS Ketenagakerjaan's side even when a clinic or BPJS Kesehatan
# is mentioned ("klaim jkk perlu surat dari puskesmas").
EMPLOYMENT_WORDS = frozenset({"bpjstk", "jkk", "jkm", "jht"})
HEALTH_TOPIC = "bpjs_kesehatan"
# Topics whose answer fits a question that mentions BPJS Kesehatan.
HEALTH_AWARE = frozenset(
    {HEALTH_TOPIC, "sudah_punya_kesehatan", "sakit_biasa", "program", "penipuan", "privasi"}
    | {OFF_TOPIC, "salam", "terima_kasih", "petugas", "daftar_minat"}
)


@dataclass(frozen=True)
class Decision:
    """What to do with one question: ``offers`` are "Maksud Anda…?" buttons when answering, or
    the menu's topics when not."""

    topic: str
    probability: float
    tier: Tier
    offers: tuple[str, ...]
    # The menu because two topics were nearly as likely (not because nothing matched).
    close_call: bool = False

    @property
    def answered(self) -> bool:
        return self.tier != "menu" and self.topic != OFF_TOPIC


@dataclass(frozen=True)
class AnswerPolicy:
    answer_at: float = 0.80
    offer_at: float = 0.45
    min_margin: float = 0.20
    offer_count: int = 2
    menu_count: int = 3

    def decide(self, prediction: Prediction) -> Decision:
        tokens = set(prediction.normalized.tokens)
        if not tokens:
            return Decision(OFF_TOPIC, 0.0, "menu", DEFAULT_OFFERS)
        topic, probability = prediction.topic, prediction.probability
        health_only = HEALTH_WORD in tokens and not tokens & EMPLOYMENT_WORDS
        # Also when BPJS Kesehatan itself leads only narrowly ("gaji 3jt iuran bpjs kesehatan
        # brp"): a close call must not open the way to BPJS Ketenagakerjaan figures.
        if health_only and (topic not in HEALTH_AWARE or topic == HEALTH_TOPIC):
            return Decision(HEALTH_TOPIC, max(probability, self.answer_at), "answer", ())
        likely = [t for t, _ in prediction.ranked if t not in NOT_OFFERED and t != topic]
        if probability >= self.answer_at:
            return Decision(topic, probability, "answer", ())
        runner_up = prediction.ranked[1][1] if len(prediction.ranked) > 1 else 0.0
        close_call = False
        if probability >= self.offer_at and topic != OFF_TOPIC:
            if probability - runner_up >= self.min_margin:
                return Decision(
                    topic, probability, "answer_and_offer", tuple(likely[: self.offer_count])
                )
            close_call = True
        menu = [topic] if topic not in NOT_OFFERED else []
        menu += likely
        return Decision(
            topic,
            probability,
            "menu",
            tuple(menu[: self.menu_count]) or DEFAULT_OFFERS,
            close_call=close_call,
        )


DEFAULT_POLICY = AnswerPolicy()
