#!/usr/bin/env bash
# `make run`: set everything up (idempotently) and start the portal with a Celery worker and beat.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${VENV:-.venv}/bin/python
DATA=villages/data/bengkulu

bash scripts/dotenv.sh
# The port, database and Redis come from the environment, else from .env (as the portal reads
# them); e-mail links (PORTAL_URL) follow the port unless .env names another address.
PORT=$(bash scripts/dotenv_get.sh PORT 8000)
HOST=$(bash scripts/dotenv_get.sh HOST 127.0.0.1)
portal_url=$(bash scripts/dotenv_get.sh PORTAL_URL)
case "$portal_url" in
  "" | http://127.0.0.1:* | http://localhost:* | "http://[::1]:"*) portal_url="http://$HOST:$PORT" ;;
esac
export PORT PORTAL_URL=$portal_url
database_url=$(bash scripts/dotenv_get.sh DATABASE_URL postgis://postgres@127.0.0.1:5432/bengkulu_portal)
echo "==> database ${database_url##*/}, broker $(bash scripts/dotenv_get.sh REDIS_URL redis://127.0.0.1:6379/0)," \
  "cache $(bash scripts/dotenv_get.sh CACHE_URL redis://127.0.0.1:6379/1), port $PORT"
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
# One beat per Redis: the beat's lock (RedBeat, docs/operations.md) keeps a second one waiting.
${VENV:-.venv}/bin/celery -A portal beat --loglevel=INFO \
  --pidfile=var/run/beat.pid --logfile=var/log/beat.log --detach

echo
echo "  Portal: http://$HOST:$PORT/   (API docs: http://$HOST:$PORT/api/docs/)"
echo "  Backups: $PY manage.py backup  /  $PY manage.py restore latest --check"
echo
$PY manage.py runserver "$HOST:$PORT"
