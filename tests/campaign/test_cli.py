"""``sumber`` and ``siaran`` subcommands (registered here on a bare parser, as the CLI does)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import siaran, sumber


def run(module: object, argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    module.register(parser.add_subparsers())  # type: ignore[attr-defined]
    args = parser.parse_args(argv)
    return int(args.func(args))


@pytest.fixture
def env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "KampanyeBot")


@pytest.mark.usefixtures("env")
def test_sumber_tambah_writes_the_qr_code_and_prints_path_and_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            sumber,
            ["sumber", "tambah", "radio-sby", "Radio Suara Surabaya", "--keluar", str(tmp_path)],
        )
        == 0
    )
    path, link = capsys.readouterr().out.splitlines()
    assert link == "https://t.me/KampanyeBot?start=RADIO-SBY"
    assert Path(path) == (tmp_path / "RADIO-SBY.png").resolve()
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size[0] >= 200
    # Once only; the QR code can be written again.
    assert run(sumber, ["sumber", "tambah", "RADIO-SBY", "again"]) == 1
    assert "exists" in capsys.readouterr().err
    target = tmp_path / "poster.png"
    assert run(sumber, ["sumber", "qr", "radio-sby", "--keluar", str(target)]) == 0
    assert target.exists()
    assert run(sumber, ["sumber", "corong", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert [row["code"] for row in rows] == ["RADIO-SBY", None]


@pytest.mark.usefixtures("env")
def test_siaran_from_draft_to_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(siaran, ["siaran", "ukuran", "--belum-terdaftar"]) == 0
    assert capsys.readouterr().out.strip() == "0"
    assert (
        run(
            siaran,
            [
                "siaran",
                "buat",
                "--teks",
                "Halo!",
                "--oleh",
                "ani",
                "--pratinjau",
                "42",
                "--bahasa",
                "id",
            ],
        )
        == 0
    )
    assert "broadcast 1: draft for 0 workers" in capsys.readouterr().out
    assert run(siaran, ["siaran", "kirim", "1", "--oleh", "ani"]) == 1
    assert "preview" in capsys.readouterr().out
    assert run(siaran, ["siaran", "status", "1", "--json"]) == 0
    [view] = json.loads(capsys.readouterr().out)
    assert view["status"] == "draft" and view["segment"]["languages"] == ["id"]
    assert (
        run(
            siaran,
            ["siaran", "buat", "--teks", "x", "--oleh", "a", "--pratinjau", "1", "--tombol", "Go"],
        )
        == 1
    )
    assert "button" in capsys.readouterr().err


async def _worker_and_preview(database_url: str, broadcast_id: int) -> None:
    from bot import broadcasts
    from bot.clock import utcnow
    from bot.users import touch_user
    from db.engine import Database

    db = Database(database_url)
    try:
        await touch_user(db, 5150, "id", now=utcnow())
        async with db.transaction() as session:
            await broadcasts.record_preview(session, broadcast_id, utcnow())
    finally:
        await db.dispose()


@pytest.mark.usefixtures("env")
def test_siaran_buat_with_a_schedule_and_force(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    base = ["siaran", "buat", "--teks", "Halo!", "--oleh", "ani", "--pratinjau", "42"]
    # 10:00 WIB is outside the default quiet hours (21:00-07:00 WIB).
    assert run(siaran, [*base, "--jadwal", "2030-01-07 10:00"]) == 0
    out = capsys.readouterr().out
    assert "broadcast 1: draft" in out and "scheduled for 2030-01-07 10:00 WIB" in out
    assert run(siaran, ["siaran", "status", "1", "--json"]) == 0
    [view] = json.loads(capsys.readouterr().out)
    assert view["scheduled_at"] == "2030-01-07T03:00:00+00:00"  # stored in UTC
    assert view["ignore_quiet_hours"] is False

    # Inside the quiet hours: refused, saying why; forced: accepted.
    assert run(siaran, [*base, "--jadwal", "2030-01-07 22:00"]) == 1
    assert "quiet hours (21:00–07:00 WIB)" in capsys.readouterr().err
    assert run(siaran, [*base, "--jadwal", "2030-01-07 22:00", "--paksa"]) == 0
    out = capsys.readouterr().out
    assert "broadcast 2:" in out and "forced through the quiet hours" in out
    assert run(siaran, [*base, "--jadwal", "2020-01-07 10:00"]) == 1
    assert "already passed" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run(siaran, [*base, "--jadwal", "besok pagi"])
    assert "expected a WIB date and time like 2026-12-24 09:00" in capsys.readouterr().err

    # A worker in the segment; sending the previewed, scheduled draft schedules it.
    asyncio.run(_worker_and_preview(database_url, 1))
    assert run(siaran, ["siaran", "kirim", "1", "--oleh", "ani"]) == 0
    assert "scheduled: the bot starts sending it at its time" in capsys.readouterr().out
    assert run(siaran, ["siaran", "status", "1"]) == 0
    assert "#1 scheduled: 0/0 sent" in capsys.readouterr().out
