"""Shared fixtures. Tests run against real PostgreSQL/PostGIS and Redis (see README.md)."""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

from portal.core.roles import Role
from tests.factories import UserFactory

REPO = Path(__file__).resolve().parent.parent
BENGKULU = REPO / "villages" / "data" / "bengkulu"


def load_registry() -> None:
    call_command("import_regions", str(BENGKULU), verbosity=0)
    call_command("import_boundaries", str(BENGKULU / "geo"), verbosity=0)
    call_command("import_stats", str(BENGKULU / "stats"), verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the real Bengkulu registry (codes, boundaries, figures) once per
    session; each test runs in a transaction that is rolled back, so it stays pristine."""
    with django_db_blocker.unblock():
        load_registry()
    yield
    # A browser test's ORM calls run inside Playwright's event loop, where Django keeps a
    # connection of their own that nothing closes; it would stop the test database from being
    # dropped at the end ("is being accessed by other users"). End such sessions first.
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            """SELECT pg_terminate_backend(pid) FROM pg_stat_activity
               WHERE datname = current_database() AND pid <> pg_backend_pid()"""
        )


@pytest.fixture
def committed_registry(transactional_db):
    """For tests whose data another process must see (live_server, a real Celery worker): they
    run outside a rolled-back transaction, and the teardown of each empties every table, role
    groups included. Put the registry and the roles back when a previous such test emptied them.
    Mark these tests `browser` or `worker`: they run last (see pytest_collection_modifyitems)."""
    from django.contrib.auth.models import Group, Permission

    from portal.core.roles import sync_roles
    from villages.models import Village

    if not Village.objects.exists():
        load_registry()
    sync_roles(Group, Permission)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Every factory user gets a hashed password: tests hash with MD5 instead of the production
    Argon2 (portal/settings.py), which is slow by design. Tests only; a test of the production
    hashers sets PASSWORD_HASHERS back itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def bengkulu_portal(settings):
    """The session's registry is Bengkulu's: the tests run a Bengkulu portal whatever
    PORTAL_PROVINCE the environment sets (tests/villages/test_other_province.py runs another)."""
    settings.PORTAL_PROVINCE = "17"


@pytest.fixture
def staff_user():
    """A member of the provincial team (role Provincial staff)."""
    return UserFactory(username="staff", role=Role.PROVINCIAL_STAFF)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def pytest_collection_modifyitems(config, items):
    """Browser and Celery-worker tests (and any other test on `committed_registry`, such as the
    schemathesis run against a live server) commit their data, and their transactional teardown
    empties every table: run them last so the registry loaded once per session serves every
    other test (they restore what they need with the `committed_registry` fixture)."""

    def commits(item) -> bool:
        return any(item.get_closest_marker(m) for m in ("browser", "worker")) or (
            "committed_registry" in getattr(item, "fixturenames", ())
        )

    items.sort(key=commits)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """API throttling and portal.core.ratelimit counters live in Redis and outlive a test: start
    every test without them, so one test's requests never throttle another's. Cached figures
    (portal/core/datacache.py) too: every test rolls the data back to the same version, and a
    test may change settings (the province, the stale days) that figures depend on."""
    client = cache._cache.get_client(None, write=True)
    patterns = ("*throttle_*", "*ratelimit:*", "*figures:*")
    keys = [key for pattern in patterns for key in client.scan_iter(pattern)]
    if keys:
        client.delete(*keys)
