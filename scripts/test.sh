#!/usr/bin/env bash
# `make test`: lint, then the whole suite against real PostgreSQL/PostGIS and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
bash scripts/dotenv.sh
# Tests use Redis databases of their own, so a `make run` worker never takes their tasks.
# Their numbers come from the environment, else from .env (TEST_REDIS_URL, TEST_CACHE_URL).
REDIS_URL=$(bash scripts/dotenv_get.sh TEST_REDIS_URL redis://127.0.0.1:6379/14)
CACHE_URL=$(bash scripts/dotenv_get.sh TEST_CACHE_URL redis://127.0.0.1:6379/15)
export REDIS_URL CACHE_URL
bash scripts/system.sh --browser
$VENV/bin/ruff check .
$VENV/bin/ruff format --check .
# The layers (CONTRIBUTING.md): no module imports from a layer above its own (.importlinter).
$VENV/bin/lint-imports
$VENV/bin/python manage.py makemigrations --check --dry-run -v 0
$VENV/bin/pytest "$@"
