"""A real Celery worker process for tests marked `worker`."""

import contextlib
import os
import socket
import subprocess
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def celery_worker(log_dir: Path, **env):
    """Start a worker on the test database and the test Redis, consuming a queue of its own (so
    no other worker on the same Redis takes the tests' tasks); yield the queue's name. `env` adds
    settings for the worker process (e.g. EMAIL_BACKEND)."""
    from portal.celery import app

    queue = f"test-{uuid.uuid4().hex[:10]}"
    hostname = f"{queue}@{socket.gethostname()}"
    environment = {
        **os.environ,
        "DATABASE_URL": "postgis://postgres@127.0.0.1:5432/" + connection.settings_dict["NAME"],
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "SECRET_KEY": "worker-test-" + "x" * 40,
        "DEBUG": "0",
        **env,
    }
    log_path = log_dir / "worker.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                str(REPO / ".venv" / "bin" / "celery"),
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--loglevel=INFO",
                f"--hostname={hostname}",
                f"--queues={queue}",
            ],
            cwd=REPO,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while not app.control.ping(destination=[hostname], timeout=1):
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "the worker did not answer in 60 s"
            yield queue
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
