"""The serving setup (docs/operations.md, "Serving"): gunicorn's settings from the environment,
compressed answers for the text types only, database connections without JIT."""

import gzip
import os
import re
import runpy
from pathlib import Path

import pytest
from django.db import connection

from tests.warkop.factories import OfferingFactory, WarkopFactory

REPO = Path(__file__).resolve().parents[2]
CONF = REPO / "portal" / "gunicorn.conf.py"
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def gunicorn_settings(monkeypatch, **env) -> dict:
    for name in [n for n in os.environ if n.startswith("GUNICORN_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_gunicorn_defaults_are_the_measured_ones(monkeypatch):
    conf = gunicorn_settings(monkeypatch, GUNICORN_BIND="127.0.0.1:8123")
    assert (conf["workers"], conf["threads"], conf["worker_class"]) == (4, 1, "sync")
    assert conf["preload_app"] is True
    assert conf["bind"] == "127.0.0.1:8123"
    assert conf["max_requests"] == 0


def test_gunicorn_threads_from_the_environment_use_gthread(monkeypatch):
    conf = gunicorn_settings(
        monkeypatch,
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="4",
        GUNICORN_PRELOAD="0",
        GUNICORN_ACCESS_LOG="",
    )
    assert (conf["workers"], conf["threads"], conf["worker_class"]) == (2, 4, "gthread")
    assert conf["preload_app"] is False
    assert conf["accesslog"] is None


def test_env_example_lists_every_gunicorn_variable():
    read = set(re.findall(r'"(GUNICORN_[A-Z_]+)"', CONF.read_text()))
    example = {
        line.split("=", 1)[0]
        for line in (REPO / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert read and read <= example, sorted(read - example)


def test_the_image_and_compose_start_gunicorn_with_the_config_file():
    command = "gunicorn -c portal/gunicorn.conf.py portal.wsgi:application"
    assert command.replace(" ", '", "') in (REPO / "Dockerfile").read_text()
    assert command in (REPO / "docker-compose.yml").read_text()


@pytest.mark.django_db
def test_database_connections_have_no_jit(settings):
    assert settings.DATABASES["default"]["OPTIONS"]["options"] == "-c jit=off"
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/", "text/html"),
        ("/api/v1/villages/?page_size=100", "application/json"),
        ("/api/v1/districts/geojson/?province=17", "application/geo+json"),
        ("/warkop/export/csv/", "text/csv"),
    ],
)
def test_text_answers_are_gzipped(staff_client, url, content_type):
    OfferingFactory(warkop=WarkopFactory())
    plain = staff_client.get(url)
    packed = staff_client.get(url, **GZIP)
    assert packed.status_code == plain.status_code == 200
    assert packed["Content-Type"].startswith(content_type)
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert not plain.has_header("Content-Encoding")
    body = b"".join(packed.streaming_content) if packed.streaming else packed.content
    original = b"".join(plain.streaming_content) if plain.streaming else plain.content
    if content_type != "text/html":  # a page's CSRF token and CSP nonce change every time
        assert gzip.decompress(body) == original
    assert len(body) < len(original)


@pytest.mark.django_db
def test_compressed_formats_are_sent_as_they_are(staff_client):
    WarkopFactory()
    response = staff_client.get("/warkop/export/xlsx/", **GZIP)
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    assert not response.has_header("Content-Encoding")
