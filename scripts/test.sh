#!/usr/bin/env bash
# Quickstart 2: set up, then run the whole test suite (unit, persistence, sandbox end-to-end).
# On SQLite by default; set TEST_DATABASE_URL=postgresql://user@host:port/db to run the
# persistence and end-to-end tests against PostgreSQL (a scratch database is created and dropped).
# Extra arguments go to pytest (e.g. -k calculator, -x).
set -euo pipefail
source "$(dirname "$0")/setup.sh"

# The dashboard and sandbox page are tested in a real browser: Debian's headless Chromium.
# Installed here when missing and we may (root with apt); otherwise those tests are skipped
# with a message saying why.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Chromium for the browser tests (Debian package) ..."
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
      >/tmp/bebas-cemas-chromium-install.log 2>&1; then
    echo "Chromium could not be installed (see /tmp/bebas-cemas-chromium-install.log);" \
         "browser tests will be skipped." >&2
  fi
fi

exec .venv/bin/python -m pytest "$@"
