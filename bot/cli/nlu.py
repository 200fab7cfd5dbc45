"""``python -m bot nlu``: the question classifier's learning loop.

    python -m bot nlu latih            # retrain with managers' labels; refuse a worse model
    python -m bot nlu ekspor [--keluar FILE] [--terlatih]
    python -m bot nlu evaluasi         # the current model on the held-out questions

``latih`` prints the held-out figures before and after and exits 0 when the new model is
accepted (the labels then count for every bot process started afterwards), 1 when it is refused.
``ekspor`` writes ``question<TAB>topic`` lines (with a header), ready to review and add to
``bot/knowledge/questions/<topic>.txt``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TextIO

from bot import learning
from bot.cli.common import DatabaseAction, database_error_line, run_with_database
from bot.clock import utcnow
from bot.nlu.classifier import IntentModel
from bot.nlu.evaluate import Report
from bot.nlu.model_store import default_model
from bot.settings import Settings, load_settings
from db import migrate
from db.engine import Database

EXIT_REFUSED = 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "nlu", help="the question classifier: retrain with managers' labels, export them"
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    train = actions.add_parser(
        "latih",
        help="retrain with the labels from the dashboard; a worse model is refused",
        description="Train on the shipped phrasings plus every label managers gave on the "
        "dashboard (Tak terjawab), compare with the current model on the held-out questions and "
        "keep the new one only if it is not worse. Restart the bot processes to use it.",
    )
    train.set_defaults(func=lambda args: run_with_database(_train()))

    export = actions.add_parser("ekspor", help="write the labels as question<TAB>topic lines")
    export.add_argument("--keluar", metavar="FILE", type=Path, help="file (default: stdout)")
    export.add_argument(
        "--terlatih", action="store_true", help="only labels already in the bot's training"
    )
    export.set_defaults(func=lambda args: run_with_database(_export(args.keluar, args.terlatih)))

    evaluation = actions.add_parser("evaluasi", help="the current model on the held-out questions")
    evaluation.set_defaults(func=lambda args: run_with_database(_evaluate()))


def _train() -> DatabaseAction:
    async def action(db: Database, _settings: Settings) -> int:
        now = utcnow()
        async with db.transaction() as uow:
            labels = await learning.export_labels(uow)
        outcome = learning.retrain(labels)
        if outcome.accepted:
            async with db.transaction() as uow:
                await learning.mark_labels_trained(uow, now)
        print(f"Label: {outcome.labels} ({outcome.new_labels} baru)")
        print(_figures("Sebelum", outcome.before))
        print(_figures("Sesudah", outcome.after))
        if outcome.accepted:
            print("Model baru DITERIMA. Mulai ulang proses bot agar dipakai.")
            return 0
        print("Model baru DITOLAK: lebih buruk pada pertanyaan uji; label tetap menunggu.")
        return EXIT_REFUSED

    return action


def _evaluate() -> DatabaseAction:
    async def action(db: Database, _settings: Settings) -> int:
        from bot.nlu.evaluate import evaluate, load_held_out

        async with db.transaction() as uow:
            accepted = await learning.export_labels(uow, trained_only=True)
        model = learning.load_model(accepted)
        report = evaluate(load_held_out(), learning.verdicts(model))
        print(_figures("Model sekarang", report))
        return 0

    return action


def _export(path: Path | None, trained_only: bool) -> DatabaseAction:
    async def action(db: Database, _settings: Settings) -> int:
        async with db.transaction() as uow:
            labels = await learning.export_labels(uow, trained_only=trained_only)
        lines = [
            "question\ttopic",
            *(f"{_one_line(label.text)}\t{label.topic}" for label in labels),
        ]
        if path is None:
            _write(sys.stdout, lines)
        else:
            with path.open("w", encoding="utf-8") as f:
                _write(f, lines)
            print(f"{len(labels)} label -> {path}", file=sys.stderr)
        return 0

    return action


def _write(out: TextIO, lines: list[str]) -> None:
    try:
        out.write("\n".join(lines) + "\n")
        out.flush()
    except BrokenPipeError:  # `... | head`: the reader has what it wanted
        sys.stderr.close()


def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def _figures(title: str, report: Report) -> str:
    return (
        f"{title}: {report.total} pertanyaan uji; top-1 {report.accuracy:.1%}; "
        f"dijawab benar {report.answered_right_rate:.1%}, dijawab salah "
        f"{report.answered_wrong_rate:.1%} (dari yang sesuai topik); di luar topik dijawab "
        f"{report.off_topic_answered_wrongly}/{report.off_topic}"
    )


def model_with_labels() -> IntentModel:
    """The model the bot answers with, for commands that answer questions (``ask``): with the
    accepted labels when the database has any, else the shipped phrasings alone."""
    settings = load_settings()
    if (
        settings.database_url.startswith("sqlite")
        and not Path(settings.database_url.split("///", 1)[-1]).exists()
    ):
        return default_model()  # no database yet, so no labels

    async def load() -> IntentModel:
        db = Database(settings.database_url)
        try:
            async with db.transaction() as uow:
                accepted = await learning.export_labels(uow, trained_only=True)
            return learning.load_model(accepted)
        finally:
            await db.dispose()

    try:
        migrate.upgrade(settings.database_url)
        return asyncio.run(load())
    except Exception as error:
        line = database_error_line(error)
        if line is None:
            raise
        print(f"{line} (answering without managers' labels)", file=sys.stderr)
        return default_model()
