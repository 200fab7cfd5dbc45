#!/usr/bin/env bash
# Shared set-up for the quickstart commands: a virtualenv in .venv with the project installed,
# refreshed only when pyproject.toml changes, and the gettext catalogs compiled.
# Sourced by scripts/sandbox.sh and scripts/test.sh; safe to run again and again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON_BIN="${PYTHON_BIN:-}"
if [ -z "$PYTHON_BIN" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))' 2>/dev/null; then
      PYTHON_BIN="$candidate"; break
    fi
  done
fi
if [ -z "$PYTHON_BIN" ]; then
  echo "Python 3.11 or newer is needed (none found on PATH)." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $PYTHON_BIN ..."
  "$PYTHON_BIN" -m venv .venv
fi

EXTRAS="${SETUP_EXTRAS:-dev}"
stamp_value="$(cat pyproject.toml | sha256sum | cut -c1-16)-$EXTRAS"
if [ ! -f .venv/.setup-stamp ] || [ "$(cat .venv/.setup-stamp)" != "$stamp_value" ]; then
  echo "Installing Bebas Cemas and its dependencies into .venv ..."
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[$EXTRAS]"
  echo "$stamp_value" > .venv/.setup-stamp
fi

.venv/bin/python -m bot.catalogs >/dev/null
# Build the question classifier from the phrasings in bot/knowledge/questions/ (cached in
# data/nlu/ by fingerprint: a few seconds the first time, nothing afterwards).
.venv/bin/python -m bot.nlu.model_store
