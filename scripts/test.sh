#!/usr/bin/env bash
# `make test`: lint, then the whole suite against real PostgreSQL/PostGIS and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
bash scripts/dotenv.sh
# Tests use Redis databases of their own, so a `make run` worker never takes their tasks.
export REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/14}
export CACHE_URL=${TEST_CACHE_URL:-redis://127.0.0.1:6379/15}
bash scripts/system.sh --browser
$VENV/bin/ruff check .
$VENV/bin/ruff format --check .
$VENV/bin/python manage.py makemigrations --check --dry-run -v 0
$VENV/bin/pytest "$@"
