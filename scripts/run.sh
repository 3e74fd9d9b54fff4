#!/usr/bin/env bash
# `make run`: set everything up (idempotently) and start the portal with a Celery worker and beat.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${VENV:-.venv}/bin/python
PORT=${PORT:-8000}
HOST=${HOST:-127.0.0.1}
DATA=villages/data/bengkulu

bash scripts/dotenv.sh
bash scripts/system.sh
$PY scripts/ensure_db.py
$PY manage.py migrate --noinput -v 0
$PY manage.py compilemessages --ignore=.venv -v 0 2>/dev/null || true
echo "==> loading the Bengkulu registry (idempotent)"
$PY manage.py import_regions "$DATA"
$PY manage.py import_boundaries "$DATA/geo"
$PY manage.py import_stats "$DATA/stats"
$PY manage.py create_demo_users
if $PY manage.py help seed_demo >/dev/null 2>&1; then $PY manage.py seed_demo; fi

mkdir -p var/run var/log
stop_bg() {
  for name in worker beat; do
    if [ -f "var/run/$name.pid" ]; then
      kill "$(cat "var/run/$name.pid")" 2>/dev/null || true
      rm -f "var/run/$name.pid"
    fi
  done
}
stop_bg
trap stop_bg EXIT INT TERM
echo "==> starting Celery worker and beat (logs in var/log/)"
${VENV:-.venv}/bin/celery -A portal worker --loglevel=INFO --concurrency=2 \
  --pidfile=var/run/worker.pid --logfile=var/log/worker.log --detach
${VENV:-.venv}/bin/celery -A portal beat --loglevel=INFO --schedule=var/run/celerybeat-schedule \
  --pidfile=var/run/beat.pid --logfile=var/log/beat.log --detach

echo
echo "  Portal: http://$HOST:$PORT/   (API docs: http://$HOST:$PORT/api/docs/)"
echo
$PY manage.py runserver "$HOST:$PORT"
