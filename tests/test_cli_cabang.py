"""``python -m bot cabang cari``: the routing check without Telegram.

Built on a fresh ArgumentParser with ``bot.cli.cabang.register``, as ``bot.cli`` does.
"""

from __future__ import annotations

import argparse
import json

import pytest

from bot.cli import cabang


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="python -m bot")
    cabang.register(parser.add_subparsers())
    args = parser.parse_args(["cabang", "cari", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_by_location_prints_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["--lat", "-7.12", "--lon", "112.42", "--json"], capsys)
    assert code == 0 and err == ""
    assert out.count("\n") == 1
    data = json.loads(out)
    assert {"code", "name", "address", "distance_km", "regency"} <= set(data)
    assert {"phone", "province", "regency_code", "provisional"} <= set(data)
    assert data["regency"] == "Kabupaten Lamongan"
    assert data["regency_code"] == "kab-lamongan"
    assert data["province"] == "Jawa Timur"
    assert data["code"] == "KC-LAMONGAN"
    assert data["provisional"] is False  # named in the campaign's seed news
    assert data["worker_reads"] == "Kantor Cabang Lamongan"
    assert data["phone"] == ""
    assert isinstance(data["distance_km"], float)


def test_by_typed_place(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--wilayah", "Lamongan", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["regency_code"] == "kab-lamongan"
    assert data["code"] == "KC-LAMONGAN"
    assert data["matched"] == "Kabupaten Lamongan, Jawa Timur"
    assert data["via"] == "regency"


@pytest.mark.parametrize(
    ("text", "regency"),
    [("lamongn", "kab-lamongan"), ("kab bogor", "kab-bogor"), ("kota pasuruan", "kota-pasuruan")],
)
def test_typos_and_prefixes(capsys: pytest.CaptureFixture[str], text: str, regency: str) -> None:
    code, out, _ = run(["--wilayah", text, "--json"], capsys)
    assert code == 0
    assert json.loads(out)["regency_code"] == regency


def test_ambiguous_place_lists_candidates_with_exit_3(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(["--wilayah", "Bogor", "--json"], capsys)
    assert code == cabang.EXIT_AMBIGUOUS == 3
    data = json.loads(out)
    assert data["ambiguous"] is True and data["total"] == 2
    assert {c["regency_code"] for c in data["candidates"]} == {"kab-bogor", "kota-bogor"}
    assert all(c["branch_code"] for c in data["candidates"])
    assert "--kode-wilayah" in err


def test_candidate_code_resolves_the_ambiguity(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--kode-wilayah", "kota-bogor", "--json"], capsys)
    assert code == 0
    assert json.loads(out)["regency"] == "Kota Bogor"


def test_ambiguous_place_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--wilayah", "Desa Sukamaju"], capsys)
    assert code == 3
    assert "more: add the district or regency" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["--lat", "1.29", "--lon", "103.85"],  # Singapore
        ["--lat", "0", "--lon", "0", "--json"],
        ["--wilayah", "Atlantis"],
        ["--kode-wilayah", "kab-atlantis"],
    ],
)
def test_not_found_is_exit_1_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = run(argv, capsys)
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("cabang cari: ")


def test_outside_indonesia_message_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run(["--lat", "1.29", "--lon", "103.85"], capsys)
    assert "outside Indonesia" in err


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--lat", "-7.1"],
        ["--lat", "-7.1", "--lon", "112.4", "--wilayah", "Lamongan"],
        ["--lat", "95", "--lon", "112"],
    ],
)
def test_usage_errors_are_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2 and err


def test_text_output_names_the_call_centre(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--lat", "-7.26", "--lon", "112.75"], capsys)
    assert code == 0
    assert "Kantor Cabang Surabaya [KC-SURABAYA]" in out
    assert "call center 175" in out
    assert "provisional" in out
    assert "worker reads: kantor BPJS Ketenagakerjaan yang melayani Kota Surabaya" in out


def test_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot")
    cabang.register(parser.add_subparsers())
    with pytest.raises(SystemExit):
        parser.parse_args(["cabang", "cari", "--help"])
    out = capsys.readouterr().out
    assert "exit status" in out and "--kode-wilayah" in out


# The places the trial found routed to the wrong or an invented office (issue #13).
@pytest.mark.parametrize(
    ("text", "branch", "provisional", "worker_reads"),
    [
        # The campaign's seed news names "BPJS Ketenagakerjaan Cabang Lamongan".
        ("Lamongan", "KC-LAMONGAN", False, "Kantor Cabang Lamongan"),
        ("Bojonegoro", "KC-BOJONEGORO", False, "Kantor Cabang Bojonegoro"),
        # Not Depok; the Bogor branch is derived, so it is not named to the worker.
        (
            "kab bogor",
            "KC-BOGOR",
            True,
            "kantor BPJS Ketenagakerjaan yang melayani Kabupaten Bogor",
        ),
        # Served by a derived placeholder ("Kantor Cabang Batauga"), which the worker never reads.
        (
            "Muna Barat",
            "KC-BATAUGA",
            True,
            "kantor BPJS Ketenagakerjaan yang melayani Kabupaten Muna Barat",
        ),
    ],
)
def test_trial_places_route_and_read_as_sourced(
    capsys: pytest.CaptureFixture[str], text: str, branch: str, provisional: bool,
    worker_reads: str,
) -> None:
    code, out, _ = run(["--wilayah", text, "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert (data["code"], data["provisional"]) == (branch, provisional)
    assert data["worker_reads"] == worker_reads
    assert "Batauga" not in data["worker_reads"] and "Depok" not in data["worker_reads"]
