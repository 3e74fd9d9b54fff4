"""The daily stale check through a real Celery worker against Redis and the test database."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests.celery_worker import celery_worker
from warkop.models import Warkop, WarkopStatus
from warkop.services import checkin_record
from warkop.tasks import mark_stale_warkops

from .factories import WarkopFactory

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue(committed_registry, tmp_path):
    """A worker process on the test database, consuming a queue of its own."""
    with celery_worker(tmp_path, WARKOP_STALE_DAYS="14") as name:
        yield name


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
