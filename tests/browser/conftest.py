"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's
live_server. Never run `playwright install`: the browser is the system's Chromium, found at
$CHROMIUM (default /usr/bin/chromium, Debian's package)."""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Everything that is not the live server: base-map tiles and anything else off-site.
OFF_SITE = re.compile(r"^https?://(?!(127\.0\.0\.1|localhost)[:/])")


@pytest.fixture
def static_files(settings):
    """Serve static files from the finders, without the manifest that only collectstatic makes."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
    # thread with a running loop unless told it is fine (the test thread never awaits anything).
    # Set for browser tests only: it must not leak into other tests' subprocesses.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def restore_migration_data(django_db_setup, django_db_blocker):
    """live_server's transactional teardown empties every table, the role groups that migrations
    create included; with --reuse-db the next session would start without them. Put them back at
    the end of the session (tests/conftest.py re-imports the registry at every session start)."""
    yield
    from django.contrib.auth.models import Group, Permission

    from portal.core.roles import sync_roles

    with django_db_blocker.unblock():
        sync_roles(Group, Permission)
