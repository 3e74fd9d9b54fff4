"""/healthz/ reports the database and the broker, with real services: the status to anybody, the
details (each part, the PostGIS version, timings) to staff and to holders of HEALTH_TOKEN."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.core.roles import Role
from tests.factories import UserFactory

REPO = Path(__file__).resolve().parents[2]
BROKER_DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.mark.django_db
def test_anonymous_callers_get_the_status_only(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "postgis" not in response.content.decode().lower()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.PROVINCIAL_STAFF])
def test_staff_see_the_details(client, role):
    client.force_login(UserFactory(role=role))
    body = client.get("/healthz/").json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["postgis"].startswith("3.")
    assert body["database"]["ms"] >= 0
    assert body["broker"]["ok"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.PARTNER])
def test_other_roles_get_the_status_only(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get("/healthz/").json() == {"status": "ok"}


@pytest.mark.django_db
def test_the_health_token_shows_the_details(client, settings):
    settings.HEALTH_TOKEN = "monitor-7f3a9c"
    assert "database" in client.get("/healthz/", HTTP_X_HEALTH_TOKEN="monitor-7f3a9c").json()
    assert client.get("/healthz/", HTTP_X_HEALTH_TOKEN="monitor-7f3a9").json() == {"status": "ok"}
    settings.HEALTH_TOKEN = ""  # not configured: no header value opens the details
    assert client.get("/healthz/", HTTP_X_HEALTH_TOKEN="").json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_503_when_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = BROKER_DOWN
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "down": ["broker"]}
    client.force_login(UserFactory(role=Role.PROVINCIAL_STAFF))
    response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False


def run_healthz(**headers) -> dict:
    """/healthz/ of a portal process whose database does not answer (its own process, so the
    test database connection is untouched), through the whole middleware stack."""
    code = (
        "import django, json; django.setup();"
        "from django.test.utils import setup_test_environment; setup_test_environment();"
        "from django.test import Client; client = Client();"
        "client.cookies['sessionid'] = 'a' * 32;"  # a browser's session: the user is unknowable
        f"r = client.get('/healthz/', **{headers!r});"
        "print(json.dumps({'status': r.status_code, 'body': json.loads(r.content)}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": "postgis://postgres@127.0.0.1:1/nothing",
        "SECRET_KEY": "test",
        "HEALTH_TOKEN": "monitor-7f3a9c",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_healthz_503_when_database_is_down():
    result = run_healthz(HTTP_X_HEALTH_TOKEN="monitor-7f3a9c")
    assert result["status"] == 503
    assert result["body"]["database"]["ok"] is False
    assert result["body"]["broker"]["ok"] is True
    assert run_healthz() == {
        "status": 503,
        "body": {"status": "unavailable", "down": ["database"]},
    }
