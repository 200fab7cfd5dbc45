"""The intent classifier and the answer policy: held-out floors, the training data's contract,
persistence, the guards.

The floors sit a little under the figures ``benchmarks/answers.py`` prints, so an honest change
may wobble them slightly but a regression fails here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.answers import TOPICS, answer_question
from bot.nlu.classifier import OFF_TOPIC, IntentModel, Prediction
from bot.nlu.evaluate import (
    EVAL_FILE,
    HELDOUT_FILE,
    answer_verdicts,
    evaluate,
    load_held_out,
    load_questions,
)
from bot.nlu.model_store import default_model, load_or_train
from bot.nlu.normalize import clean
from bot.nlu.policy import DEFAULT_POLICY, NOT_OFFERED, AnswerPolicy
from bot.nlu.training import (
    QUESTIONS_DIR,
    Example,
    fingerprint,
    load_examples,
    topics_in,
    train,
)

# The issue's targets; measured 2026-12-06 on the four held-out files (benchmarks/answers.py,
# see benchmarks/README.md): right 96.3%, wrong 0.7% (outright 0.3%), off-topic answered
# 5/280, top-1 97.7%. "Answered wrongly" counts answers that come with "Maksud Anda…?" buttons.
ANSWERED_RIGHT_FLOOR = 0.95
ANSWERED_WRONG_CEILING = 0.01
CONFIDENTLY_WRONG_CEILING = 0.01
OFF_TOPIC_ANSWERED_CEILING = 1 / 40
TOP1_FLOOR = 0.95
TRAINING_PHRASINGS_FLOOR = 2500


def test_held_out_floors() -> None:
    report = evaluate(load_held_out(), answer_verdicts("id"))
    assert report.total >= 900
    assert report.accuracy >= TOP1_FLOOR, report.confusions.most_common(10)
    assert report.answered_right_rate >= ANSWERED_RIGHT_FLOOR
    assert report.answered_wrong_rate <= ANSWERED_WRONG_CEILING, report.confusions.most_common(10)
    assert report.confidently_wrong_rate <= CONFIDENTLY_WRONG_CEILING
    assert report.off_topic_rate <= OFF_TOPIC_ANSWERED_CEILING


def test_training_and_held_out_sets_cover_every_topic() -> None:
    examples = load_examples()
    assert set(topics_in()) == set(TOPICS)
    assert _fresh_phrasings() >= TRAINING_PHRASINGS_FLOOR
    for topic in TOPICS:
        assert sum(1 for e in examples if e.topic == topic) >= 60, topic
    for path in (EVAL_FILE, HELDOUT_FILE):
        labels = {topic for _, topic in load_questions(path)}
        assert labels <= set(TOPICS), labels - set(TOPICS)
    held_out_labels = {topic for _, topic in load_held_out()}
    assert held_out_labels == set(TOPICS), set(TOPICS) - held_out_labels


def _fresh_phrasings() -> int:
    """Phrasings written for the classifier (each file's lines before its "# Older phrasings"
    section, which carries the first matcher's examples)."""
    count = 0
    for path in QUESTIONS_DIR.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# Older phrasings"):
                break
            count += bool(line.strip()) and not line.startswith("#")
    return count


def test_held_out_questions_are_never_trained_on() -> None:
    """No held-out question is a training phrasing, as typed (case, punctuation, emoji and
    repeated letters ignored) or as the classifier reads it (slang, affixes, typos resolved).
    Pure greetings and thanks are exempt from the second check: "halo", "hai admin" and
    "hallo min" all read as just "halo", and the classifier must know that."""
    normalizer = default_model().normalizer
    lexicon = normalizer.lexicon
    pleasantries = lexicon.greetings | lexicon.thanks

    def canonical(question: str) -> tuple[str, ...] | None:
        found = normalizer(question).tokens
        return None if set(found) <= pleasantries else found

    held_out = [q for q, _ in load_held_out()]
    trained = [e.text for e in load_examples()]
    as_typed = {clean(q) for q in held_out} & {clean(q) for q in trained}
    as_read = {canonical(q) for q in held_out} & {canonical(q) for q in trained} - {None}
    assert not as_typed, sorted(as_typed)[:20]
    assert not as_read, sorted(as_read)[:20]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # From the issue: plain questions that used to get "Maaf, saya belum yakin".
        ("biaya daftar bpjs tk brp", "iuran"),
        ("uang duka dari bpjs tk ada?", "manfaat_jkm"),
        ("ojol kecelakaan waktu anter penumpang ditanggung?", "manfaat_jkk"),
        ("assalamu'alaikum wr wb", "salam"),
        ("brp iuran bpjs tk sebulan?", "iuran"),
        ("gue ketabrak pas narik ditanggung kagak", "manfaat_jkk"),
        ("halo min, cara daftarnya gmn", "cara_daftar"),
        ("makasih kak", "terima_kasih"),
        ("ditawari daftar 50rb sebulan, bener?", "penipuan"),
        ("sy udah punya bpjs kesehatan, perlu ikut bpjs tk jg?", "sudah_punya_kesehatan"),
        ("kalo sakit tipes ditanggung bpjs tk gak", "sakit_biasa"),
        ("kartu bpjs tk sy ilang gmn", "kartu_hilang"),
        ("jht bisa dicairkan kapan", "jht_cair"),
        ("daftar hari ini besok kecelakaan ditanggung ga", "mulai_berlaku"),
        ("ibu rumah tangga bisa ikut ga", "siapa_bisa_ikut"),
    ],
)
def test_questions_from_the_issue_are_answered_directly(question: str, topic: str) -> None:
    decision = DEFAULT_POLICY.decide(default_model().predict(question))
    assert decision.topic == topic
    assert decision.answered


@pytest.mark.parametrize(
    "question",
    [
        "iuran bpjs kesehatan kelas 3 brp",
        "bpjs kesehatan sy nunggak 3 bulan",
        "telat bayar bpjs kesehatan kena denda ga",
        "pindah faskes gimana",
        "berapa iuran jkn sebulan",
    ],
)
def test_bpjs_kesehatan_questions_land_on_bpjs_kesehatan(question: str) -> None:
    decision = DEFAULT_POLICY.decide(default_model().predict(question))
    assert decision.topic == "bpjs_kesehatan"
    assert decision.answered


@pytest.mark.parametrize("question", ["", "   ", "😂😂", "?!?!"])
def test_nothing_to_go_on_gets_the_menu(question: str) -> None:
    decision = DEFAULT_POLICY.decide(default_model().predict(question))
    assert not decision.answered
    assert decision.tier == "menu"
    assert decision.offers


def test_off_topic_is_never_answered_as_a_topic() -> None:
    for question in ("pinjol legal yg aman apa ya", "skor persib tadi malem", "asdfghjkl"):
        decision = DEFAULT_POLICY.decide(default_model().predict(question))
        assert decision.topic == OFF_TOPIC or not decision.answered, question
        assert not decision.answered


def test_probabilities_and_offers_are_well_formed() -> None:
    model = default_model()
    for question, _ in load_held_out()[:300]:
        prediction = model.predict(question)
        total = sum(p for _, p in prediction.ranked)
        assert total == pytest.approx(1.0)
        assert prediction.ranked[0][0] == prediction.topic
        decision = DEFAULT_POLICY.decide(prediction)
        if decision.tier != "menu":  # the menu offers the best guess first, on purpose
            assert decision.topic not in decision.offers
        assert not (set(decision.offers) & NOT_OFFERED)
        if decision.tier == "answer_and_offer":
            assert 1 <= len(decision.offers) <= 2
        if decision.tier == "menu":
            assert 1 <= len(decision.offers) <= 3


def test_medium_confidence_answers_and_offers_the_runners_up() -> None:
    # A policy that is never quite sure: every question lands in the middle band.
    unsure = AnswerPolicy(answer_at=1.01, offer_at=0.0)
    answer = answer_question(
        "cara klaim jkk gmn",
        lang="id",
        today=dt.date(2026, 12, 5),
        policy=unsure,
    )
    assert answer.answered and answer.tier == "answer_and_offer"
    assert answer.topic == "klaim"
    assert 1 <= len(answer.alternatives) <= 2
    assert "klaim" not in answer.alternatives


def test_a_saved_model_answers_exactly_like_the_trained_one(tmp_path: Path) -> None:
    model = default_model()
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = IntentModel.load(path)
    for question, _ in load_held_out()[:100]:
        a, b = model.predict(question), loaded.predict(question)
        assert a.topic == b.topic
        assert a.probability == pytest.approx(b.probability)
    assert loaded.fingerprint == model.fingerprint


def test_a_small_training_set_trains_and_is_cached_by_fingerprint(tmp_path: Path) -> None:
    examples = [
        Example("iuran brp sebulan", "iuran"),
        Example("bayar brp per bulan", "iuran"),
        Example("cara klaim jkk", "klaim"),
        Example("klaim kecelakaan gmn caranya", "klaim"),
    ]
    model = train(examples)
    assert model.predict("iuran sebulan brp ya").topic == "iuran"
    assert model.predict("gmn cara klaim").topic == "klaim"
    assert fingerprint(examples) != fingerprint(examples[:3])
    # The cache: a second call loads the saved file instead of training again.
    first = load_or_train([Example("cara klaim kecelakaan kerja di pasar", "klaim")], tmp_path)
    files = list(tmp_path.glob("intent-*.npz"))
    assert len(files) == 1
    inode = files[0].stat().st_ino  # a save writes a new file and renames it over the old one
    second = load_or_train([Example("cara klaim kecelakaan kerja di pasar", "klaim")], tmp_path)
    assert files[0].stat().st_ino == inode
    assert second.fingerprint == first.fingerprint


def test_a_corrupt_cached_model_is_retrained(tmp_path: Path) -> None:
    model = load_or_train([], tmp_path)
    (path,) = tmp_path.glob("intent-*.npz")
    path.write_bytes(b"not a model")
    again = load_or_train([], tmp_path)
    assert again.fingerprint == model.fingerprint
    assert IntentModel.load(path).fingerprint == model.fingerprint


def _prediction(*ranked: tuple[str, float]) -> Prediction:
    return Prediction(ranked=ranked, normalized=default_model().normalizer("meninggal dapat apa"))


def test_a_close_call_in_the_middle_band_asks_which_instead_of_guessing() -> None:
    policy = AnswerPolicy(answer_at=0.80, offer_at=0.45, min_margin=0.20)
    close = policy.decide(
        _prediction(("manfaat_jkm", 0.52), ("manfaat_jkk", 0.44), ("klaim", 0.04))
    )
    assert close.tier == "menu" and close.close_call and not close.answered
    assert close.offers[:2] == ("manfaat_jkm", "manfaat_jkk")
    clear = policy.decide(
        _prediction(("manfaat_jkm", 0.62), ("manfaat_jkk", 0.30), ("klaim", 0.08))
    )
    assert clear.tier == "answer_and_offer" and not clear.close_call
    sure = policy.decide(_prediction(("manfaat_jkm", 0.85), ("manfaat_jkk", 0.15)))
    assert sure.tier == "answer"
    lost = policy.decide(_prediction(("manfaat_jkm", 0.30), ("manfaat_jkk", 0.28), ("klaim", 0.2)))
    assert lost.tier == "menu" and not lost.close_call


def test_a_death_from_an_unnamed_accident_is_asked_about_not_guessed() -> None:
    # Work accident (JKK, the larger benefit) or not (JKM)? The worker picks.
    answer = answer_question(
        "meninggal kecelakaan dapat berapa", lang="id", today=dt.date(2026, 12, 5)
    )
    assert not answer.answered and answer.tier == "menu"
    assert answer.text.startswith("Pertanyaan Bapak/Ibu bisa berarti beberapa hal")
    assert {"manfaat_jkm", "manfaat_jkk"} <= set(answer.alternatives)
