"""``cabang import`` / ``export`` through the real command line, on the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)


GOOD = """code,name,address,phone,lat,lon,province_code
KC-LAMONGAN,Kantor Cabang Lamongan,"Jl. Contoh 1, Lamongan",,-7.1167,112.4167,ID-JI
KC-SURABAYA,Kantor Cabang Surabaya,,,-7.2492,112.7508,ID-JI
KC-JAKARTA,Kantor Cabang Jakarta,,,-6.2,106.8167,ID-JK
"""


def test_import_routes_with_the_new_list_and_export_round_trips(database_url: str,
                                                                tmp_path: Path) -> None:
    source = tmp_path / "cabang.csv"
    source.write_text(GOOD, encoding="utf-8")
    result = cli(database_url, "cabang", "import", str(source))
    assert result.returncode == 0, result.stderr
    assert "imported 3 branches" in result.stdout
    found = cli(database_url, "cabang", "cari", "--lat", "-7.12", "--lon", "112.42", "--json")
    assert json.loads(found.stdout)["code"] == "KC-LAMONGAN"
    typed = cli(database_url, "cabang", "cari", "--wilayah", "kab lamongan", "--json")
    assert json.loads(typed.stdout)["code"] == "KC-LAMONGAN"
    exported = cli(database_url, "cabang", "export")
    assert exported.returncode == 0
    lines = exported.stdout.strip().splitlines()
    assert len(lines) == 4 and lines[0].startswith("code,name,address,phone,lat,lon")


def test_a_bad_row_rejects_the_whole_file(database_url: str, tmp_path: Path) -> None:
    before = cli(database_url, "cabang", "export").stdout
    source = tmp_path / "bad.csv"
    source.write_text(GOOD + "KC-X,Kantor X,,,not-a-number,110,ID-JT\n", encoding="utf-8")
    result = cli(database_url, "cabang", "import", str(source))
    assert result.returncode == 1
    assert "row 5" in result.stderr and "nothing imported" in result.stderr
    assert cli(database_url, "cabang", "export").stdout == before
