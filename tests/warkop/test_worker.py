"""The daily stale check through a real Celery worker against Redis and the test database."""

import datetime
import os
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from warkop.models import Warkop, WarkopStatus
from warkop.services import checkin_record
from warkop.tasks import mark_stale_warkops

from .factories import WarkopFactory

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue(committed_registry, tmp_path):
    """A worker process on the test database, consuming a queue of its own (a development worker
    on the same Redis never takes these tasks)."""
    from portal.celery import app

    name = f"warkop-test-{uuid.uuid4().hex[:8]}"
    hostname = f"{name}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DATABASE_URL": "postgis://postgres@127.0.0.1:5432/" + connection.settings_dict["NAME"],
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "SECRET_KEY": "worker-test-" + "x" * 40,
        "DEBUG": "0",
        "WARKOP_STALE_DAYS": "14",
    }
    log_path = tmp_path / "worker.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed in the finally below
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
            f"--queues={name}",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[hostname], timeout=1):
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the worker did not answer in 60 s"
        yield name
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def run(queue):
    return mark_stale_warkops.apply_async(queue=queue).get(timeout=120)


def test_worker_marks_stale_kiosks_once(queue):
    now = timezone.now()
    silent = WarkopFactory(name="Sunyi", last_check_in_at=now - datetime.timedelta(days=20))
    alive = WarkopFactory(name="Hidup", last_check_in_at=now - datetime.timedelta(days=2))
    WarkopFactory(
        name="Ditangguhkan",
        status=WarkopStatus.SUSPENDED,
        last_check_in_at=now - datetime.timedelta(days=60),
    )
    assert run(queue) == 1
    assert run(queue) == 0  # idempotent: a second run the same day changes nothing
    assert list(Warkop.objects.filter(is_stale=True).values_list("pk", flat=True)) == [silent.pk]
    silent.refresh_from_db()
    assert silent.stale_since == timezone.localdate()
    alive.refresh_from_db()
    assert not alive.is_stale
    checkin_record(warkop=silent, kind="visited", by=None)  # a check-in clears it
    assert run(queue) == 0
    assert not Warkop.objects.filter(is_stale=True).exists()


def test_beat_schedule_runs_the_task_daily_in_jakarta_time():
    entry = settings.CELERY_BEAT_SCHEDULE["warkop-mark-stale"]
    assert entry["task"] == mark_stale_warkops.name
    hour, minute = os.environ.get("WARKOP_STALE_CHECK_TIME", "06:00").split(":")
    assert entry["schedule"].hour == {int(hour)} and entry["schedule"].minute == {int(minute)}
    assert settings.CELERY_TIMEZONE == "Asia/Jakarta"
