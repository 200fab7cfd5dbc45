"""The topic matcher: accuracy floors on the labelled questions, the contract, the guards.

The floors sit a little under the figures ``benchmarks/answers.py`` prints, so an honest change
may wobble them slightly but a regression fails here.
"""

from __future__ import annotations

import pytest

from bot.answers import TOPICS
from bot.nlu.evaluate import EVAL_FILE, TRAIN_FILE, Verdict, evaluate, load_questions
from bot.nlu.matcher import OFF_TOPIC, Matcher, default_matcher, load_topics
from bot.nlu.normalize import clean

EVAL_ACCURACY_FLOOR = 0.92
TRAIN_ACCURACY_FLOOR = 0.94
OFF_TOPIC_ANSWERED_CEILING = 0.03
ANSWERED_PRECISION_FLOOR = 0.96


def _matcher_verdict(question: str) -> Verdict:
    match = default_matcher().match(question)
    return Verdict(match.topic, match.answered)


def test_held_out_accuracy_floor() -> None:
    report = evaluate(load_questions(EVAL_FILE), _matcher_verdict)
    assert report.total >= 150
    assert report.accuracy >= EVAL_ACCURACY_FLOOR, report.confusions.most_common(10)
    assert report.off_topic_rate <= OFF_TOPIC_ANSWERED_CEILING
    assert report.answered_precision >= ANSWERED_PRECISION_FLOOR


def test_development_set_accuracy_floor() -> None:
    report = evaluate(load_questions(TRAIN_FILE), _matcher_verdict)
    assert report.accuracy >= TRAIN_ACCURACY_FLOOR, report.confusions.most_common(10)
    assert report.off_topic_rate <= OFF_TOPIC_ANSWERED_CEILING * 2


def test_labelled_sets_are_big_enough_and_cover_every_topic() -> None:
    train, held_out = load_questions(TRAIN_FILE), load_questions(EVAL_FILE)
    assert len(train) + len(held_out) >= 400
    for rows in (train, held_out):
        labels = {topic for _, topic in rows}
        assert labels == set(TOPICS), set(TOPICS) ^ labels
    off_topic = sum(1 for _, topic in held_out if topic == OFF_TOPIC)
    assert off_topic >= 30


def test_held_out_questions_never_reach_the_matcher() -> None:
    """No held-out question is a topic example or a development question, even reworded.

    Compared twice: as typed (case, punctuation, emoji, repeated letters ignored), and as the
    matcher sees it (slang, affixes, typos resolved), so "hapus data sy" and "hapus data saya"
    count as the same question. Pure greetings and thanks are exempt from the second check:
    "halo", "hai admin" and "hallo min" all become just "halo", and the matcher must know that.
    """
    normalizer = default_matcher().normalizer
    lexicon = normalizer.lexicon
    pleasantries = lexicon.greetings | lexicon.thanks

    def canonical(question: str) -> tuple[str, ...] | None:
        found = normalizer(question).tokens
        return None if set(found) <= pleasantries else found

    held_out = [q for q, _ in load_questions(EVAL_FILE)]
    seen = [e for t in load_topics().values() for e in t.examples]
    seen += [q for q, _ in load_questions(TRAIN_FILE)]
    as_typed = {clean(q) for q in held_out} & {clean(q) for q in seen}
    as_matched = {canonical(q) for q in held_out} & {canonical(q) for q in seen} - {None}
    assert not as_typed, sorted(as_typed)
    assert not as_matched, sorted(as_matched)


def test_topics_file_uses_exactly_the_topic_contract() -> None:
    topics = load_topics()
    assert set(topics) == set(TOPICS)
    for topic, data in topics.items():
        assert len(data.examples) >= 20, topic


@pytest.mark.parametrize(
    "question",
    [
        "iuran bpjs kesehatan kelas 3 brp",
        "bpjs kesehatan sy nunggak 3 bulan",
        "telat bayar bpjs kesehatan kena denda ga",
        "cara daftar bpjs kesehatan mandiri",
        "kartu kis sy ga aktif",
        "pindah faskes gimana",
        "BPJS KES saya mati bayarnya dimana",
        "berapa iuran jkn sebulan",
    ],
)
def test_bpjs_kesehatan_questions_land_on_bpjs_kesehatan(question: str) -> None:
    match = default_matcher().match(question)
    assert match.topic == "bpjs_kesehatan"
    assert match.answered


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("brp iuran bpjs tk sebulan min", "iuran"),
        ("klo jatuh pas narik ditanggung ga", "manfaat_jkk"),
        ("gaji sy 2,5jt bayar brp", "iuran"),
        ("halo min", "salam"),
        ("halo min, cara daftarnya gmn", "cara_daftar"),
        ("makasih kak", "terima_kasih"),
    ],
)
def test_questions_from_the_issue(question: str, topic: str) -> None:
    assert default_matcher().match(question).topic == topic


@pytest.mark.parametrize("question", ["", "   ", "😂😂", "xyzzy plugh", "?!?!"])
def test_nothing_to_go_on_is_not_answered(question: str) -> None:
    match = default_matcher().match(question)
    assert match.topic == OFF_TOPIC
    assert not match.answered
    assert match.alternatives


def test_confidence_and_alternatives_are_well_formed() -> None:
    for question, _ in load_questions(TRAIN_FILE):
        match = default_matcher().match(question)
        assert 0.0 <= match.confidence <= 1.0
        assert match.topic not in match.alternatives
        assert len(match.alternatives) <= 3
        # The caller adds "Tanya petugas" itself; greetings are never offered as a guess.
        assert not {"petugas", "salam", "terima_kasih", OFF_TOPIC} & set(match.alternatives)


def test_matcher_builds_from_a_small_topic_table() -> None:
    topics = load_topics()
    small = {t: topics[t] for t in ("iuran", "klaim", OFF_TOPIC)}
    matcher = Matcher(small)
    assert matcher.match("cara klaim jht").topic == "klaim"
