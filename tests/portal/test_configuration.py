"""Configuration comes from the environment; the production files are checked as text."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def run_settings(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    # Variables given here win over the repository's .env (read with overwrite=False).
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_require_a_secret_key():
    result = run_settings({"DEBUG": "0", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_load_with_a_secret_key():
    result = run_settings({"DEBUG": "0", "SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_database_url_must_be_postgis():
    result = run_settings({"SECRET_KEY": "x", "DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "postgis://" in result.stderr


def test_env_example_lists_every_variable_the_settings_read():
    settings_src = (REPO / "portal" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_src))
    example = {
        line.split("=", 1)[0]
        for line in (REPO / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert read, "no variables found in settings.py"
    assert read <= example, f"missing from .env.example: {sorted(read - example)}"


def test_docker_compose_defines_the_production_stack():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgis", "redis", "web", "worker", "beat", "backup"}
    assert services["postgis"]["image"].startswith("postgis/postgis:")
    assert services["redis"]["image"].startswith("redis:")
    for name in ("web", "worker", "beat", "backup"):
        service = services[name]
        assert service["build"] == "."
        env = service["environment"]
        for key in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"):
            assert key in env, f"{name} lacks {key}"
        assert env["DATABASE_URL"].startswith("postgis://")
        assert env["DEBUG"] == "0"
        assert "${SECRET_KEY:?" in env["SECRET_KEY"], "production must not default the secret"
        assert service["depends_on"]["postgis"]["condition"] == "service_healthy"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"
    assert "gunicorn -c portal/gunicorn.conf.py portal.wsgi:application" in " ".join(
        services["web"]["command"]
    )
    assert "/healthz/" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]
    # One beat (RedBeat keeps its schedule in Redis, no schedule file); alive while it answers.
    assert not any("--schedule" in part for part in services["beat"]["command"])
    assert "celerybeat@" in " ".join(services["beat"]["healthcheck"]["test"])
    # Backups: the worker (beat's daily job) and the backup tool share media and backups.
    for name in ("worker", "backup"):
        assert {"media:/app/media", "backups:/app/var/backups"} <= set(services[name]["volumes"])
    assert services["backup"]["profiles"] == ["tools"]
    assert services["backup"]["command"] == ["python", "manage.py", "backup"]
    assert services["worker"]["environment"]["BACKUP_DIR"] == "/app/var/backups"
    assert "pgdata:/var/lib/postgresql/data" in services["postgis"]["volumes"]
    assert {"pgdata", "redisdata", "media", "backups"} <= set(compose["volumes"])
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "gdal-bin" in dockerfile and "collectstatic" in dockerfile
    assert "postgresql-client" in dockerfile  # pg_dump / pg_restore for manage.py backup


def test_no_asset_comes_from_a_cdn():
    """Every CSS/JS file is served by the portal itself."""
    pattern = re.compile(r'<(script|link)[^>]+(src|href)="(https?:)?//', re.I)
    offenders = [
        str(path.relative_to(REPO))
        for path in [*REPO.glob("templates/**/*.html"), *REPO.glob("*/templates/**/*.html")]
        if pattern.search(path.read_text())
    ]
    assert offenders == []


def test_gdal_warning_silenced_only_for_old_gdal():
    from django.conf import settings
    from django.contrib.gis.gdal import GDAL_VERSION

    assert ("gis.W001" in settings.SILENCED_SYSTEM_CHECKS) == (GDAL_VERSION < (3, 9))


def test_settings_load_with_env_example_values():
    """`make run` writes .env from .env.example: its values, empty ones included, must load."""
    values = dict(
        line.split("=", 1)
        for line in (REPO / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    values["SECRET_KEY"] = "x" * 50
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "assert settings.STATIC_ROOT != settings.MEDIA_ROOT, 'static and media roots collide';"
        "from django.core.management import call_command; call_command('check')"
    )
    env = {**os.environ, **values, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
