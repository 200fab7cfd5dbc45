#!/usr/bin/env bash
# Quickstart 2: set up, then run the whole test suite (unit, persistence, sandbox end-to-end).
# On SQLite by default; set TEST_DATABASE_URL=postgresql://user@host:port/db to run the
# persistence and end-to-end tests against PostgreSQL (a scratch database is created and dropped).
# Extra arguments go to pytest (e.g. -k calculator, -x).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
exec .venv/bin/python -m pytest "$@"
