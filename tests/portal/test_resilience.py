"""Keep serving when PostgreSQL or Redis blink (docs/operations.md), with real services: the portal
under gunicorn, a closed port for a server that does not answer, pg_terminate_backend for a
PostgreSQL restart, private redis-server processes for Redis restarts, real Celery beat and worker
processes. The shared PostgreSQL and Redis are never stopped."""

import json
import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from redis import Redis

from coverage.models import Survey
from portal.core.roles import Role
from tests.coverage.test_import import ROW, csv_bytes
from tests.factories import UserFactory
from tests.servers import RedisServer, fetch, free_port, portal_server, stop

REPO = Path(__file__).resolve().parents[2]
FINDER_SEARCH = {"layanan": "pln_token", "desa": "17.71.01.1001"}


# --- PostgreSQL ---------------------------------------------------------------------------------


def test_unreachable_database_answers_503_with_retry_after_never_500(tmp_path):
    """Production settings, the database on a port where nothing listens: pages, the API, a
    session and the health check each answer 503 with Retry-After, and the log says why."""
    database = f"postgis://postgres@127.0.0.1:{free_port()}/nothing"
    with portal_server(tmp_path, DATABASE_URL=database) as (url, log):
        status, headers, body = fetch(f"{url}/layanan/")
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert headers["Content-Type"].startswith("text/html")
        assert "no-cache" in headers["Cache-Control"]
        assert "Basis data tidak menjawab" in body  # Indonesian first
        assert "Traceback" not in body
        assert "Content-Security-Policy" in headers  # still under the portal's headers

        status, _, body = fetch(f"{url}/layanan/", headers={"Cookie": "django_language=en"})
        assert status == 503
        assert "The database is not answering" in body

        status, headers, body = fetch(
            f"{url}/api/v1/villages/",
            headers={"Authorization": "Bearer bkl_abcdefgh_xyz", "Accept-Language": "en"},
        )
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body) == {
            "detail": "The database is not answering. Please try again in a minute."
        }

        # A signed-in browser: the session is read from the database before any view runs.
        status, headers, _ = fetch(f"{url}/", headers={"Cookie": "sessionid=" + "a1" * 16})
        assert (status, headers["Retry-After"]) == (503, "30")

        status, _, body = fetch(f"{url}/healthz/")
        assert status == 503
        assert json.loads(body) == {"status": "unavailable", "down": ["database"]}
    text = log.read_text()
    assert "Service Unavailable: /layanan/" in text
    assert "Internal Server Error" not in text


def test_unreachable_database_answers_503_in_development_too(tmp_path):
    """With DEBUG on Django would show its debug page (a 500): the middleware answers 503."""
    database = f"postgis://postgres@127.0.0.1:{free_port()}/nothing"
    with portal_server(tmp_path, DATABASE_URL=database, DEBUG="1") as (url, _log):
        status, headers, body = fetch(f"{url}/layanan/")
        assert (status, headers["Retry-After"]) == (503, "30")
        assert "Basis data tidak menjawab" in body
        status, _, body = fetch(f"{url}/api/v1/villages/", headers={"Authorization": "Bearer x"})
        assert status == 503
        assert "detail" in json.loads(body)


def _backends(application_name: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s ORDER BY pid",
            [application_name],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_after_postgresql_drops_the_connections_the_next_request_succeeds(tmp_path):
    """A PostgreSQL restart ends every connection. The portal keeps its connection between
    requests (CONN_MAX_AGE); with CONN_HEALTH_CHECKS the next request replaces the dead one
    instead of failing on it."""
    settings_dict = connection.settings_dict
    application_name = f"resilience-{uuid.uuid4().hex[:8]}"
    database = (
        f"postgis://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
        f"?application_name={application_name}"
    )
    # DEBUG on: pages render without collectstatic's manifest (the connection handling is the
    # same; the 500 this test guards against would be Django's debug page).
    server = portal_server(tmp_path, DATABASE_URL=database, CONN_MAX_AGE="60", DEBUG="1")
    with server as (url, log):
        assert fetch(f"{url}/layanan/")[0] == 200
        assert fetch(f"{url}/layanan/")[0] == 200
        before = _backends(application_name)
        assert len(before) == 1, "the portal should keep one connection between requests"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", before)
        for _ in range(3):
            status, _, body = fetch(f"{url}/layanan/")
            assert status == 200, body[:500]
        after = _backends(application_name)
        assert len(after) == 1 and after != before
    assert "Error" not in log.read_text()


# --- Redis --------------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings, monkeypatch):
    """Every Redis the web process uses (cache aliases, broker) points at a closed port."""
    monkeypatch.setattr(
        "portal.core.ratelimit._last_warning", 0.0
    )  # warn at the first failure again
    closed = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {
        alias: {**config, "LOCATION": closed} for alias, config in settings.CACHES.items()
    }
    settings.CELERY_BROKER_URL = closed
    return closed


@pytest.mark.django_db
def test_pages_and_a_survey_import_work_while_redis_is_down(client, redis_down, caplog):
    officer = UserFactory(username="petugas-redis", role=Role.OFFICER, scope__regencies=["17.01"])
    staff = UserFactory(username="staf-redis", role=Role.PROVINCIAL_STAFF)

    # The public finder counts searches with portal.core.ratelimit: it answers, unthrottled.
    with caplog.at_level("WARNING", logger="portal.core.ratelimit"):
        for _ in range(3):
            assert client.get("/layanan/", FINDER_SEARCH).status_code == 200
    assert any("Redis is unreachable" in r.getMessage() for r in caplog.records)

    client.force_login(staff)
    assert client.get("/").status_code == 200
    assert client.get("/warkop/").status_code == 200

    client.force_login(officer)
    upload = SimpleUploadedFile("survei.csv", csv_bytes([ROW]))
    response = client.post("/coverage/import/", {"file": upload})
    assert response.status_code == 302
    assert Survey.objects.filter(officer=officer).count() == 1

    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "down": ["broker", "cache"]}
    client.force_login(staff)
    body = client.get("/healthz/").json()
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": False, "error": "OperationalError"}
    assert body["cache"] == {"ok": False, "error": "ConnectionError"}


@pytest.mark.django_db
def test_a_survey_posted_to_the_api_is_accepted_while_redis_is_down(client, redis_down):
    officer = UserFactory(username="petugas-api", role=Role.OFFICER, scope__regencies=["17.01"])
    client.force_login(officer)
    survey = {
        "client_uuid": str(uuid.uuid4()),
        "village": "17.01.01.2001",
        "observed_at": "2026-01-15T09:30:00+07:00",
        "latitude": -4.37,
        "longitude": 103.03,
        "place_type": "village_office",
        "electricity": "pln_24h",
        "measurements": [{"operator": "telkomsel", "technology": "4g", "signal_dbm": -95}],
    }
    response = client.post("/api/v1/surveys/", survey, content_type="application/json")
    assert response.status_code == 201


# --- Celery: one beat, and beat and worker coming back after Redis ------------------------------


def _celery_env(redis_url: str, **extra) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": "postgis://postgres@127.0.0.1:5432/" + connection.settings_dict["NAME"],
        "REDIS_URL": redis_url,
        "CACHE_URL": redis_url,
        "SECRET_KEY": "beat-test-" + "x" * 40,
        "DEBUG": "0",
        **extra,
    }


def _start(args: list[str], env: dict, log_path: Path) -> subprocess.Popen:
    with open(log_path, "w") as log:
        return subprocess.Popen(
            [str(REPO / ".venv" / "bin" / "celery"), *args],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _beat(redis_url: str, queue: str, prefix: str, log_path: Path) -> subprocess.Popen:
    env = _celery_env(redis_url, BEAT_TEST_QUEUE=queue, BEAT_TEST_PREFIX=prefix)
    return _start(["-A", "tests.beat_app", "beat", "--loglevel=INFO"], env, log_path)


def _sent(log_path: Path) -> int:
    return log_path.read_text().count("Sending due task test-every-second")


def _wait(predicate, timeout: float, what: str, *logs: Path) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(what + "\n" + "\n".join(p.read_text()[-3000:] for p in logs))
        time.sleep(0.25)


@pytest.mark.worker
@pytest.mark.django_db
def test_a_second_beat_waits_for_the_lock_and_takes_over(tmp_path):
    """Two beat processes on the same Redis: the schedule's every-second entry is sent once a
    second, by the beat holding the lock; the other takes over when the first stops."""
    from django.conf import settings

    redis_url = settings.CELERY_BROKER_URL
    queue, prefix = f"beat-test-{uuid.uuid4().hex[:8]}", f"beat-test-{uuid.uuid4().hex[:8]}:"
    client = Redis.from_url(redis_url)
    first_log, second_log = tmp_path / "beat-1.log", tmp_path / "beat-2.log"
    first = _beat(redis_url, queue, prefix, first_log)
    second = None
    try:
        _wait(lambda: _sent(first_log) >= 1, 60, "the first beat sent nothing", first_log)
        second = _beat(redis_url, queue, prefix, second_log)
        _wait(lambda: "beat: Starting" in second_log.read_text(), 60, "no start", second_log)
        started, sent_before = time.monotonic(), _sent(first_log)
        time.sleep(6)
        elapsed, sent = time.monotonic() - started, _sent(first_log) - sent_before
        assert _sent(second_log) == 0, "the second beat sent tasks while the first held the lock"
        assert elapsed - 2 <= sent <= elapsed + 2, (sent, elapsed)
        queued = client.llen(queue)
        assert queued == _sent(first_log), "each due entry is queued once"

        stop(first)
        _wait(lambda: _sent(second_log) >= 2, 30, "the standby did not take over", second_log)
        assert "Releasing lock" in first_log.read_text()
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                stop(process)
        client.delete(queue, *client.keys(prefix + "*"))
        client.close()


@pytest.mark.worker
@pytest.mark.django_db
def test_beat_and_worker_resume_by_themselves_after_a_redis_restart(tmp_path):
    """A private Redis is stopped for a while and started again, empty (no persistence): the
    worker reconnects and runs a task sent afterwards; beat takes its lock again, reinstalls the
    schedule and sends again. Neither process stops in between."""
    redis = RedisServer(tmp_path)
    redis.start()
    queue = f"resume-{uuid.uuid4().hex[:8]}"
    beat_log, worker_log = tmp_path / "beat.log", tmp_path / "worker.log"
    beat = _beat(redis.url, f"{queue}-beat", "resume:", beat_log)
    hostname = f"{queue}@localhost"
    worker = _start(
        [
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            f"--hostname={hostname}",
            f"--queues={queue}",
        ],
        _celery_env(redis.url),
        worker_log,
    )
    # Not the current app: the tests after this one queue through the portal's app.
    app = Celery(broker=redis.url, backend=redis.url, set_as_current=False)
    try:
        _wait(lambda: _sent(beat_log) >= 1, 60, "beat sent nothing", beat_log)
        _wait(lambda: "ready." in worker_log.read_text(), 60, "worker not ready", worker_log)

        redis.stop()
        time.sleep(8)
        assert beat.poll() is None, beat_log.read_text()
        assert worker.poll() is None, worker_log.read_text()
        assert "Redis unreachable" in beat_log.read_text()
        sent_during_outage = _sent(beat_log)
        redis.start()

        result = app.send_task("portal.tasks.send_notifications", queue=queue)
        assert result.get(timeout=90) == 0
        _wait(
            lambda: _sent(beat_log) > sent_during_outage,
            60,
            "beat did not resume",
            beat_log,
        )
        assert "scheduling resumed" in beat_log.read_text()
        assert beat.poll() is None and worker.poll() is None
    finally:
        app.close()
        for process in (beat, worker):
            if process.poll() is None:
                stop(process)
        redis.stop()
