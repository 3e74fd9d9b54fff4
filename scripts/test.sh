#!/usr/bin/env bash
# `make test`: lint, then the whole suite against real PostgreSQL/PostGIS and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
bash scripts/dotenv.sh
bash scripts/system.sh --browser
$VENV/bin/ruff check .
$VENV/bin/ruff format --check .
$VENV/bin/python manage.py makemigrations --check --dry-run -v 0
$VENV/bin/pytest "$@"
