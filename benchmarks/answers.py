"""How well the bot understands workers' questions, on the held-out questions.

    .venv/bin/python benchmarks/answers.py [--tanggal YYYY-MM-DD] [--cv] [--sweep]

Prints, on the held-out files (``tests/data/questions_eval.tsv`` and ``questions_heldout.tsv``,
never trained on): top-1 accuracy per topic, the share of on-topic questions answered on the
right topic and on a wrong one (outright or with "Maksud Anda…?"), off-topic questions answered
as a topic, the confusion pairs, start-up time and p50/p99 time per question (whole
``answer_question`` path, one core).

Targets (issue 12): answered right >= 95% of on-topic questions, answered wrong <= 1%, off-topic
answered as a topic <= 1 in 40, p99 < 5 ms.

``--cv`` also predicts every training phrasing with a model that did not see it (5-fold) and
prints the answered-right/wrong shares for a grid of thresholds: that is where the policy's
thresholds were chosen (``bot/nlu/policy.py``). ``--sweep`` prints the same grid on the held-out
set, for comparison only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.nlu.evaluate import (  # after the path set-up above
    EVAL_FILE,
    HELDOUT_2_FILE,
    HELDOUT_3_FILE,
    HELDOUT_FILE,
    Report,
    answer_verdicts,
    evaluate,
    load_held_out,
    load_questions,
)

# (answer_at, offer_at, min_margin) triples; see bot/nlu/policy.py.
GRID = [
    (a, o, m)
    for a in (0.7, 0.8, 0.9)
    for o in (0.35, 0.45, 0.55)
    for m in (0.0, 0.1, 0.2, 0.3)
    if o <= a
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tanggal", default=None, help="answer date, YYYY-MM-DD")
    parser.add_argument("--cv", action="store_true", help="out-of-fold threshold grid")
    parser.add_argument("--sweep", action="store_true", help="threshold grid on held-out")
    args = parser.parse_args()
    today = dt.date.fromisoformat(args.tanggal) if args.tanggal else dt.date.today()

    start = time.perf_counter()
    from bot.answers import answer_question  # imported here to time start-up
    from bot.nlu.model_store import default_model

    model = default_model()
    answer_question("halo", lang="id", today=today, model=model)
    startup = time.perf_counter() - start
    print(f"Start-up (imports, cached classifier, answer tables): {startup * 1000:.0f} ms")
    print(f"Classifier: {len(model.topics)} topics, {len(model.space.idf)} features\n")

    for path in (EVAL_FILE, HELDOUT_FILE, HELDOUT_2_FILE, HELDOUT_3_FILE):
        report = evaluate(load_questions(path), answer_verdicts("id", today, model))
        print(f"{path.name}: {summary(report)}")
    report = evaluate(load_held_out(), answer_verdicts("id", today, model))
    print(f"ALL HELD-OUT: {summary(report)}\n")
    per_topic(report)
    print(
        f"Time per question:   p50 {report.percentile_ms(50):.2f} ms, "
        f"p99 {report.percentile_ms(99):.2f} ms, max {report.percentile_ms(100):.2f} ms\n"
    )
    if report.confusions:
        print("Confusions (label -> answered topic):")
        for (label, got), count in report.confusions.most_common(25):
            print(f"  {count:>3}  {label} -> {got}")
    if args.sweep:
        print("\nThreshold grid on the held-out set (answer_at, offer_at):")
        grid(lambda policy: evaluate(load_held_out(), _verdicts(model, policy, today)))
    if args.cv:
        print("\nOut-of-fold grid on the training phrasings (where thresholds are chosen):")
        cross_validated_grid()
    return 0


def summary(report: Report) -> str:
    return (
        f"{report.total} questions; top-1 {report.accuracy:.1%}; on-topic answered right "
        f"{report.answered_right_rate:.1%}, wrong {report.answered_wrong_rate:.1%} (outright "
        f"{report.confidently_wrong_rate:.1%}); off-topic "
        f"answered as a topic {report.off_topic_answered_wrongly}/{report.off_topic}"
    )


def per_topic(report: Report) -> None:
    print(f"{'topic':<24} {'n':>4} {'right':>6} {'top-1':>7}")
    for topic in sorted(report.per_topic):
        n, right = report.per_topic[topic], report.per_topic_correct[topic]
        print(f"{topic:<24} {n:>4} {right:>6} {right / n:>7.1%}")
    print()


def _verdicts(model, policy, today):  # type: ignore[no-untyped-def]
    from bot.answers import answer_question
    from bot.nlu.evaluate import Verdict

    def decide(question: str) -> Verdict:
        answer = answer_question(question, lang="id", today=today, model=model, policy=policy)
        return Verdict(answer.topic, answer.answered, answer.tier == "answer")

    return decide


def grid(run) -> None:  # type: ignore[no-untyped-def]
    from bot.nlu.policy import AnswerPolicy

    for answer_at, offer_at, margin in GRID:
        r = run(AnswerPolicy(answer_at=answer_at, offer_at=offer_at, min_margin=margin))
        print(
            f"  {answer_at:.2f}/{offer_at:.2f}/{margin:.2f}: right {r.answered_right_rate:.1%}, "
            f"wrong {r.answered_wrong_rate:.1%} (outright {r.confidently_wrong_rate:.1%}), "
            f"off-topic answered {r.off_topic_rate:.1%}"
        )


def cross_validated_grid(folds: int = 5) -> None:
    import random

    from bot.nlu.evaluate import Verdict
    from bot.nlu.policy import AnswerPolicy
    from bot.nlu.training import load_examples, train

    examples = load_examples()
    random.Random(0).shuffle(examples)
    predictions = []
    for k in range(folds):
        held = examples[k::folds]
        model = train([e for i, e in enumerate(examples) if i % folds != k])
        predictions += [(e, model.predict(e.text)) for e in held]
    for answer_at, offer_at, margin in GRID:
        policy = AnswerPolicy(answer_at=answer_at, offer_at=offer_at, min_margin=margin)
        decided = {
            e.text: Verdict(d.topic, d.answered, d.tier == "answer")
            for e, p in predictions
            for d in (policy.decide(p),)
        }
        r = evaluate([(e.text, e.topic) for e, _ in predictions], decided.__getitem__)
        print(
            f"  {answer_at:.2f}/{offer_at:.2f}/{margin:.2f}: right {r.answered_right_rate:.1%}, "
            f"wrong {r.answered_wrong_rate:.1%} (outright {r.confidently_wrong_rate:.1%}), "
            f"off-topic answered {r.off_topic_rate:.1%}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
