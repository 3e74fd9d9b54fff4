"""gunicorn's settings for the portal, from the environment (.env.example lists them):

    gunicorn -c portal/gunicorn.conf.py portal.wsgi:application

The defaults are the ones measured best on two cores with bench/load.py (docs/operations.md,
"Serving"; BENCHMARKS.md): GUNICORN_WORKERS sync processes (GUNICORN_THREADS above 1 gives each
that many threads, the gthread worker: it cost 5–10 ms more CPU per request), the application
loaded once before forking (GUNICORN_PRELOAD). Each process (thread) keeps its own database
connection for CONN_MAX_AGE seconds, so PostgreSQL sees up to workers × threads connections per
web container. Sync workers expect a buffering proxy in front (docs/operations.md).
"""

import os
from pathlib import Path

import environ

# Like the settings: the process environment wins over the repository's .env (when there is one).
ENV_FILE = Path(__file__).resolve().parent.parent / ".env"
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE, overwrite=False)


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"
workers = _int("GUNICORN_WORKERS", 4)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
preload_app = _bool("GUNICORN_PRELOAD", True)
# A request still running after this many seconds is killed with its worker (exports stream).
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Restart a worker after this many requests (0: never), plus up to the jitter, so that slow
# leaks cannot grow for ever; with preload the new worker is a cheap fork.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 0)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Heartbeat files in memory, not on a container's overlay disk (gunicorn's FAQ); gunicorn
# creates them itself, unlinked at once.
SHM = "/dev/shm"  # noqa: S108 - the heartbeat files' folder, not data
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or (SHM if os.path.isdir(SHM) else None)


def pre_fork(server, worker):
    """With preload the master has imported Django: a database connection it opened would be
    shared by every child. Close them all before forking; each worker opens its own."""
    if preload_app:
        from django.db import connections

        connections.close_all()
