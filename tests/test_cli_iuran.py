"""``python -m bot iuran``: arguments, JSON contract, human output, bad input.

Most tests call ``register()`` on a fresh ArgumentParser and run the handler in-process. The
subprocess tests at the end run the real ``python -m bot iuran`` and are SKIPPED until
``bot/__main__.py`` exists and ``bot/cli`` registers this module.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.calculator import calculate, to_json_dict
from bot.cli import iuran

ROOT = Path(__file__).resolve().parent.parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot")
    iuran.register(parser.add_subparsers())
    return parser


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Parse ``iuran <argv>`` and call the handler: (exit code, stdout, stderr)."""
    try:
        args = _parser().parse_args(["iuran", *argv])
        code = args.func(args)
    except SystemExit as exit_:  # argparse's own usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_defaults() -> None:
    args = _parser().parse_args(["iuran", "2500000"])
    assert (args.income, args.jht, args.sektor, args.bulan, args.tanggal) == (
        "2500000",
        False,
        "lainnya",
        "1",
        None,
    )
    assert (args.json, args.bahasa, args.func) == (False, "id", iuran.run)


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        capsys, "2,5jt", "--jht", "--bulan", "3", "--tanggal", "2026-12-01", "--json"
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    # The field names are pinned in test_calculator; here: the CLI prints exactly that dict.
    expected = calculate(2_500_000, with_jht=True, months=3, start=dt.date(2026, 12, 1))
    assert data == to_json_dict(expected)
    assert data["penghasilan"] == data["dasar_penghasilan"] == 2_500_000
    assert (data["jkk"], data["jkm"], data["jht"], data["diskon_persen"]) == (
        12_500,
        3_400,
        50_000,
        50,
    )
    assert (data["per_bulan"], data["bulan"], data["total"]) == (65_900, 3, 229_500)
    assert [m["diskon_persen"] for m in data["rincian"]] == [50, 0, 0]
    assert data["dasar_hukum"][0].startswith("PP 44/2015")
    assert "JHT" in data["dasar_hukum"][1]  # --jht: the JHT rate's own source
    assert data["dasar_hukum"][2].startswith("PP 50/2025")
    assert out.count("\n") == 1  # one JSON object on one line


@pytest.mark.parametrize(
    "income", ["2500000", "2.500.000", "2,5jt", "2500rb", "Rp 2,5 juta", "Rp2.500.000,-"]
)
def test_income_forms(capsys: pytest.CaptureFixture[str], income: str) -> None:
    code, out, _ = run_cli(capsys, income, "--json", "--tanggal", "2025-12-01")
    assert code == 0
    assert json.loads(out)["penghasilan"] == 2_500_000


@pytest.mark.parametrize(
    ("sector", "day", "per_bulan"),
    [
        ("transportasi", "2026-01-01", 8_400),
        ("lainnya", "2026-01-01", 16_800),
        ("lainnya", "2026-04-01", 8_400),
        ("transportasi", "2027-04-01", 16_800),
    ],
)
def test_sector_and_date(
    capsys: pytest.CaptureFixture[str], sector: str, day: str, per_bulan: int
) -> None:
    code, out, _ = run_cli(capsys, "1000000", "--sektor", sector, "--tanggal", day, "--json")
    assert code == 0
    assert json.loads(out)["per_bulan"] == per_bulan


def test_human_output_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "2,5jt", "--jht", "--bulan", "3", "--tanggal", "2026-12-01")
    assert (code, err) == (0, "")
    assert "Rp2.500.000" in out
    assert "Desember 2026: JKK Rp12.500 + JKM Rp3.400 + JHT Rp50.000 = Rp65.900" in out
    assert "diskon 50%" in out
    assert "Januari 2027: JKK Rp25.000 + JKM Rp6.800 + JHT Rp50.000 = Rp81.800\n" in out
    assert "Total 3 bulan: Rp229.500" in out
    assert "PP 50/2025" in out
    assert "perkiraan" in out


def test_human_output_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "2500000", "--tanggal", "2026-06-10", "--bahasa", "en")
    out = out.replace("\u00a0", " ")  # whichever space Babel puts after IDR
    assert code == 0
    assert "June 2026: JKK IDR 12,500 + JKM IDR 3,400 = IDR 15,900 (50% discount" in out
    assert "JHT" not in out
    assert "Total" not in out  # a single month needs no total line
    assert "estimate" in out


def test_human_output_below_floor(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "500rb", "--tanggal", "2025-12-31")
    assert code == 0
    assert "di bawah Rp1.000.000" in out
    assert "= Rp16.800" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["abc"], "tidak terbaca"),
        (["2,5"], "tidak terbaca"),
        (["0"], "lebih dari nol"),
        (["-500000"], "lebih dari nol"),
        (["2 miliar"], "Rp1.000.000.000"),
        (["1000000", "--bulan", "2"], "1, 3, 6 atau 12"),
        (["1000000", "--bulan", "tiga"], "1, 3, 6 atau 12"),
        (["1000000", "--tanggal", "2026-02-30"], "YYYY-MM-DD"),
        (["1000000", "--tanggal", "01-12-2026"], "YYYY-MM-DD"),
        (["1000000", "--tanggal", "20261201"], "YYYY-MM-DD"),
        (["abc", "--bahasa", "en"], "Cannot read the income"),
        (["1000000", "--bulan", "2", "--bahasa", "en"], "1, 3, 6 or 12"),
    ],
)
def test_bad_input_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert fragment in err
    assert "Traceback" not in err


def test_unknown_sector_is_an_argparse_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "1000000", "--sektor", "ojol")
    assert code == 2
    assert "--sektor" in err


# --- the real command line ---------------------------------------------------------------------


def test_iuran_is_a_registered_subcommand() -> None:
    import bot.cli

    assert iuran in bot.cli.SUBCOMMAND_MODULES


def _python_m_bot(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "iuran", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_subprocess_json() -> None:
    result = _python_m_bot("1000000", "--bulan", "3", "--tanggal", "2026-12-01", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["per_bulan"], data["bulan"], data["total"]) == (8_400, 3, 42_000)


def test_subprocess_bad_input() -> None:
    result = _python_m_bot("0")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
