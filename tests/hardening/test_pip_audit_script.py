"""The verdict of .ci/pip-audit.sh on pip-audit reports: findings fail CI, a report where nothing
could be looked up is an unreachable database (skipped, not a pass), a clean one passes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.harness import ROOT

SCRIPT = ROOT / ".ci" / "pip-audit.sh"
VULN = {"id": "PYSEC-2023-120", "fix_versions": ["3.8.5"], "aliases": ["CVE-2023-37276"]}


def _verdict(tmp_path: Path, dependencies: list[dict]) -> subprocess.CompletedProcess[str]:
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"dependencies": dependencies, "fixes": []}))
    return subprocess.run([str(SCRIPT), "--report", str(report)], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


pytestmark = pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "python").exists(),
                                reason="the script runs with the project's .venv")


def test_a_finding_fails(tmp_path: Path) -> None:
    result = _verdict(tmp_path, [
        {"name": "aiohttp", "version": "3.8.0", "vulns": [VULN]},
        {"name": "yarl", "version": "1.9.0", "vulns": []},
    ])
    assert result.returncode == 1
    assert "VULNERABLE aiohttp 3.8.0: PYSEC-2023-120 (CVE-2023-37276); fixed in: 3.8.5" in (
        result.stdout
    )


def test_nothing_looked_up_is_an_unreachable_database(tmp_path: Path) -> None:
    result = _verdict(tmp_path, [{"name": n, "skip_reason": "Dependency not found on PyPI"}
                                 for n in ("aiohttp", "yarl")])
    assert result.returncode == 3  # the script then tries the next service, or skips with 0
    assert "none of 2 packages could be looked up" in result.stdout


def test_a_clean_report_passes(tmp_path: Path) -> None:
    result = _verdict(tmp_path, [{"name": "yarl", "version": "1.9.0", "vulns": []}])
    assert result.returncode == 0
    assert result.stdout.strip().endswith("no known vulnerabilities")
