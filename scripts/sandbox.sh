#!/usr/bin/env bash
# Quickstart 1: set up, then start the local Telegram sandbox (Bot API server + chat page + bot)
# on the embedded SQLite database (data/bebas_cemas.db unless DATABASE_URL says otherwise), with a
# demo worker and a staff group linked to the demo worker's branch. No Telegram token needed.
# Extra arguments go to `python -m bot sandbox` (e.g. --port 9000).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
exec .venv/bin/python -m bot sandbox "$@"
