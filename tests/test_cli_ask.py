"""``python -m bot ask``: arguments, the JSON-lines contract, human output, bad input.

Most tests call ``register()`` on a fresh ArgumentParser and run the handler in-process. The
subprocess test at the end runs the real ``python -m bot ask`` and is SKIPPED until ``bot/cli``
registers this module.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.answers import answer_question
from bot.cli import ask

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_KEYS = {"topic", "confidence", "answer", "alternatives", "answered"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot")
    ask.register(parser.add_subparsers())
    return parser


def run_cli(*argv: str, stdin: str = "") -> tuple[int, str]:
    args = _parser().parse_args(["ask", *argv])
    out = io.StringIO()
    code = args.func(args, stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


def test_one_question_as_json() -> None:
    code, out = run_cli("--json", "--tanggal", "2026-11-22", "brp iuran bpjs tk sebulan min")
    assert code == 0
    result = json.loads(out)
    assert set(result) == CONTRACT_KEYS
    assert result["topic"] == "iuran"
    assert 0.0 <= result["confidence"] <= 1.0
    assert isinstance(result["alternatives"], list)
    assert "Rp16.800" in result["answer"]


def test_stdin_gives_one_json_object_per_line_in_order() -> None:
    questions = ["halo min", "klo jatuh pas narik ditanggung ga", "", "bpjs kesehatan sy nunggak"]
    code, out = run_cli("--tanggal", "2026-11-22", stdin="\n".join(questions) + "\n")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == len(questions)
    results = [json.loads(line) for line in lines]
    assert all(set(r) == CONTRACT_KEYS for r in results)
    assert [r["topic"] for r in results] == [
        "salam",
        "manfaat_jkk",
        "di_luar_topik",
        "bpjs_kesehatan",
    ]


def test_json_matches_answer_question() -> None:
    import datetime as dt

    question = "gaji sy 2,5jt bayar brp"
    _, out = run_cli("--json", "--tanggal", "2026-02-01", question)
    expected = answer_question(question, lang="id", today=dt.date(2026, 2, 1))
    result = json.loads(out)
    assert result["answer"] == expected.text
    assert result["topic"] == expected.topic


def test_the_date_changes_the_answer() -> None:
    _, during = run_cli("--json", "--tanggal", "2026-11-22", "iuran brp sebulan")
    _, after = run_cli("--json", "--tanggal", "2027-06-01", "iuran brp sebulan")
    assert json.loads(during)["answer"] != json.loads(after)["answer"]


def test_english() -> None:
    _, out = run_cli("--json", "--bahasa", "en", "--tanggal", "2026-11-22", "how much per month")
    assert "IDR" in json.loads(out)["answer"]


def test_human_output_names_topic_and_buttons() -> None:
    code, out = run_cli("--tanggal", "2026-11-22", "cara klaim jkk gmn")
    assert code == 0
    assert out.startswith("[klaim ")
    assert "→" in out


def test_unsure_human_output_offers_staff() -> None:
    _, out = run_cli("😂😂")
    assert "unsure" in out and "Tanya petugas" in out


@pytest.mark.parametrize("bad", ["22-11-2026", "2026-13-01", "besok"])
def test_bad_date_exits_non_zero(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli("--tanggal", bad, "iuran")
    assert code == ask.EXIT_BAD_INPUT
    assert out == ""
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_bad_language_is_refused_by_argparse() -> None:
    with pytest.raises(SystemExit):
        _parser().parse_args(["ask", "--bahasa", "fr", "iuran"])


def test_real_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--tanggal", "2026-11-22"],
        input="brp iuran\nhalo\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["topic"] for line in lines] == ["iuran", "salam"]
