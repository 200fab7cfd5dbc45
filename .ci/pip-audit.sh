#!/usr/bin/env bash
# Known vulnerabilities in the installed dependencies (the project's .venv, as scripts/setup.sh
# built it; the editable project itself is left out), checked with pip-audit.
#
#   exit 0  no known vulnerabilities, or the vulnerability database cannot be reached from this
#           machine: then one line starting "skipped: vulnerability database unreachable" says so
#   exit 1  vulnerabilities found: one line per finding, with the versions that fix it
#   exit 2  the audit itself could not run (pip-audit not installable, an unexpected error)
#
# pip-audit lives in its own virtualenv (.venv/tools, ignored by git with .venv), so its own
# dependencies are neither audited nor mixed into the project's environment.
# Services tried in turn: PIP_AUDIT_SERVICES (default "pypi osv").
# For a check of the verdict logic: .ci/pip-audit.sh --report FILE (a pip-audit JSON report;
# exit 0/1 as above, 3 when nothing in it could be looked up).
set -uo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
TOOLS=.venv/tools
SERVICES="${PIP_AUDIT_SERVICES:-pypi osv}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

verdict() {  # verdict REPORT_JSON EXIT_CODE STDERR_FILE SERVICE -> prints; returns 0/1/2/3
  "$VENV/bin/python" - "$@" <<'PY'
import json
import re
import sys

report_path, code, errors_path, service = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
NETWORK = re.compile(
    r"ConnectionError|ConnectTimeout|ReadTimeout|Max retries exceeded|NameResolutionError|"
    r"Temporary failure in name resolution|Could not resolve|Network is unreachable|"
    r"Connection refused|ServiceError|SSLError|ProxyError|HTTP(?:Error)? 5\d\d",
)
try:
    errors = open(errors_path, encoding="utf-8", errors="replace").read()
except OSError:
    errors = ""
try:
    report = json.load(open(report_path, encoding="utf-8"))
except (OSError, ValueError):
    report = None
if report is None:
    if NETWORK.search(errors):
        print(NETWORK.search(errors).group(0))
        sys.exit(3)
    print(f"pip-audit failed (exit {code}) without a report:\n{errors.strip()}")
    sys.exit(2)

dependencies = report.get("dependencies", [])
skipped = [d for d in dependencies if d.get("skip_reason")]
audited = [d for d in dependencies if not d.get("skip_reason")]
findings = [(d, v) for d in audited for v in d.get("vulns", [])]
if findings:
    for dependency, vuln in findings:
        fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
        aliases = ", ".join(vuln.get("aliases") or [])
        print(f"VULNERABLE {dependency['name']} {dependency.get('version', '?')}: "
              f"{vuln.get('id')}{f' ({aliases})' if aliases else ''}; fixed in: {fixes}")
    print(f"{len(findings)} known vulnerabilit{'y' if len(findings) == 1 else 'ies'} "
          f"in {len({d['name'] for d, _ in findings})} package(s) ({service})")
    sys.exit(1)
if dependencies and not audited:
    # pip-audit reports "not found on PyPI" for every package when the JSON API it asks is
    # blocked or mirrored without it: nothing was checked, which is not a clean bill of health.
    print(f"none of {len(skipped)} packages could be looked up")
    sys.exit(3)
if skipped:
    names = ", ".join(sorted(d["name"] for d in skipped))
    print(f"note: not audited ({service} does not know them): {names}")
print(f"ok: {len(audited)} packages audited with {service}, no known vulnerabilities")
sys.exit(0)
PY
}

if [ "${1:-}" = "--report" ]; then
  verdict "$2" 0 /dev/null report
  exit $?
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "pip-audit: no $VENV; run scripts/setup.sh first" >&2
  exit 2
fi
if [ ! -x "$TOOLS/bin/pip-audit" ]; then
  echo "Installing pip-audit into $TOOLS ..."
  if ! { "$VENV/bin/python" -m venv "$TOOLS" &&
         "$TOOLS/bin/python" -m pip install --quiet pip-audit; } >"$WORK/install.log" 2>&1; then
    echo "pip-audit could not be installed:" >&2
    tail -5 "$WORK/install.log" >&2
    exit 2
  fi
fi

SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
unreachable=()
for service in $SERVICES; do
  "$TOOLS/bin/pip-audit" --path "$SITE" --skip-editable --vulnerability-service "$service" \
    --progress-spinner off --desc off --timeout 20 --format json \
    --output "$WORK/$service.json" >/dev/null 2>"$WORK/$service.err"
  code=$?
  message="$(verdict "$WORK/$service.json" "$code" "$WORK/$service.err" "$service")"
  result=$?
  case "$result" in
    3) unreachable+=("$service: $message") ;;
    *) echo "$message"; exit "$result" ;;
  esac
done
joined="$(printf '%s; ' "${unreachable[@]}")"
echo "skipped: vulnerability database unreachable (${joined%; }); dependencies NOT audited"
exit 0
