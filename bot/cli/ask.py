"""``python -m bot ask``: ask the knowledge base a question, as campaign staff or an evaluation.

    python -m bot ask [--json] [--tanggal YYYY-MM-DD] [--bahasa id|en] "question"

With no question it reads one question per line from standard input and prints one JSON object
per line (blank lines included, so output line N always answers input line N)::

    {"topic": "...", "confidence": 0.0-1.0, "answer": "...", "alternatives": [...],
     "answered": true|false}

``answered`` is false when the worker would get only the menu of likeliest topics (the bot was
not sure, or the question is not about BPJS Ketenagakerjaan). With ``answered`` true,
``alternatives`` are the "Maksud Anda…?" buttons shown under a less certain answer.

With a question it prints the answer for a person, or that same JSON object with ``--json``.
The answer is the Telegram HTML text the bot would send; ``--tanggal`` picks the day the
date-dependent rules (PP 50/2025's discount) are applied for (default: today). Questions are
understood by the same classifier as the bot's, managers' accepted labels included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any, TextIO

from bot.answers import Answer, answer_question, topic_title
from bot.cli.nlu import model_with_labels
from bot.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

EXIT_BAD_INPUT = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``ask`` subcommand to the main parser's subcommands."""
    parser = subparsers.add_parser(
        "ask",
        help="jawab pertanyaan bebas seperti bot (tanpa pertanyaan: satu per baris dari stdin)",
        description="Jawab pertanyaan pekerja seperti bot Bebas Cemas menjawabnya.",
    )
    parser.add_argument(
        "question", nargs="?", metavar="QUESTION", help="pertanyaan; kosong = baca stdin"
    )
    parser.add_argument("--json", action="store_true", help="keluaran JSON")
    parser.add_argument(
        "--tanggal", metavar="YYYY-MM-DD", help="tanggal jawaban (bawaan: hari ini)"
    )
    parser.add_argument(
        "--bahasa", choices=SUPPORTED_LANGUAGES, default=DEFAULT_LANGUAGE, help="bahasa jawaban"
    )
    parser.set_defaults(func=run)


def run(
    args: argparse.Namespace, *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Handle ``ask``; returns the exit code."""
    out = stdout or sys.stdout
    try:
        today = dt.date.fromisoformat(args.tanggal) if args.tanggal else dt.date.today()
    except ValueError:
        print("Tanggal harus ditulis YYYY-MM-DD, mis. 2026-12-01.", file=sys.stderr)
        return EXIT_BAD_INPUT
    lang: str = args.bahasa
    model = model_with_labels()

    if args.question is None:
        for line in stdin or sys.stdin:
            answer = answer_question(line.rstrip("\r\n"), lang=lang, today=today, model=model)
            out.write(json.dumps(as_json(answer), ensure_ascii=False) + "\n")
            out.flush()
        return 0

    answer = answer_question(args.question, lang=lang, today=today, model=model)
    if args.json:
        out.write(json.dumps(as_json(answer), ensure_ascii=False) + "\n")
    else:
        out.write(_for_people(answer, lang) + "\n")
    return 0


def as_json(answer: Answer) -> dict[str, Any]:
    """The evaluation contract: exactly these five fields."""
    return {
        "topic": answer.topic,
        "confidence": round(answer.confidence, 3),
        "answer": answer.text,
        "alternatives": list(answer.alternatives),
        "answered": answer.answered,
    }


def _for_people(answer: Answer, lang: str) -> str:
    status = "" if answer.answered else " (belum yakin / unsure)"
    lines = [f"[{answer.topic} {answer.confidence:.2f}{status}]", answer.text]
    if answer.answered:
        buttons = list(dict.fromkeys([*answer.alternatives, *answer.followups]))
    else:
        buttons = [*answer.alternatives, "petugas"]
    if buttons:
        lines.append("→ " + " | ".join(topic_title(b, lang) for b in buttons))
    return "\n".join(lines)
