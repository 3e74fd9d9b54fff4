"""Figures read, not recomputed (issue #14): the data's version and the figures cache.

Every cached figure must change with the write that changes it, at once: each write below is
made, then the cached dashboard is compared with one computed from scratch (cache emptied). The
version itself is tested as PostgreSQL sees it: raised at COMMIT (not before, not by a rolled
back write), by any writer (SQL, COPY-like bulk writes, TRUNCATE), without holding other
writers back during a long transaction.
"""

import datetime
import re
import threading

import psycopg2
import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from pghistory.models import Event

from coverage.models import ConnectivityStatus
from portal.core import dataversion
from portal.core.datacache import cache_key, cached
from portal.core.roles import Role
from portal.core.scopes import scope_key
from tests.coverage.factories import verified_survey
from tests.factories import UserFactory
from tests.warkop.factories import WarkopFactory, village
from villages.models import Village
from villages.services import pilot_decide, pilot_propose
from warkop.services import checkin_record, warkop_change_status

TRACKED_APPS = ("villages", "portal", "warkop", "payments", "coverage", "programme", "reports")
CSRF = re.compile(r'value="[A-Za-z0-9]{32,64}"|content="[A-Za-z0-9]{32,64}"')


def page(client, url="/") -> str:
    """The page's HTML without its CSRF tokens (masked afresh for every answer)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return CSRF.sub("", response.content.decode())


def fresh_page(client, url="/") -> str:
    """The page computed from scratch (the figures cache emptied first)."""
    cache.clear()
    return page(client, url)


def dsn() -> str:
    settings = connection.settings_dict
    return (
        f"dbname={settings['NAME']} host={settings['HOST'] or '127.0.0.1'} "
        f"port={settings['PORT'] or 5432} user={settings['USER']}"
    )


@pytest.mark.django_db
def test_every_table_of_the_data_raises_the_version():
    """A model added without `track_changes` in its migration would be cached for ever."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'portal_data_changed'"
        )
        tracked = {name for (name,) in cursor.fetchall()}
    tables = {
        model._meta.db_table
        for label in TRACKED_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.managed and not model._meta.proxy and not issubclass(model, Event)
    }
    assert tables - dataversion.UNTRACKED - tracked == set()
    assert "villages_village" in tracked and "warkop_checkin" in tracked


@pytest.mark.django_db(transaction=True)
def test_the_version_rises_at_commit_and_not_for_a_rollback(committed_registry):
    with psycopg2.connect(dsn()) as reader, reader.cursor() as read:
        read.execute("SELECT version FROM portal_data_version")
        (before,) = read.fetchone()
        writer = psycopg2.connect(dsn())
        cursor = writer.cursor()
        cursor.execute("UPDATE villages_village SET population = population WHERE false")
        # Not committed: the others still see the old version; the writer sees its own mark.
        read.execute("SELECT version FROM portal_data_version")
        assert read.fetchone()[0] == before
        cursor.execute(dataversion.VERSION_SQL)
        version, txid, statements = cursor.fetchone()
        assert (version, statements) == (before, 1) and txid
        cursor.execute("UPDATE villages_pilot SET status = status WHERE false")
        cursor.execute(dataversion.VERSION_SQL)
        assert cursor.fetchone()[2] == 2
        writer.rollback()
        read.execute("SELECT version FROM portal_data_version")
        assert read.fetchone()[0] == before
        cursor.execute("TRUNCATE coverage_mapcell")
        writer.commit()
        read.execute(
            "SELECT version, (SELECT count(*) FROM portal_data_change) FROM portal_data_version"
        )
        assert read.fetchone() == (before + 1, 0)
        writer.close()


@pytest.mark.django_db(transaction=True)
def test_a_long_transaction_does_not_hold_back_other_writers(committed_registry):
    """The version row is locked only during COMMIT: a writer that has not committed (a long
    import) does not make another writer wait."""
    long_import = psycopg2.connect(dsn())
    long_import.cursor().execute("UPDATE villages_village SET population = population WHERE false")
    other = psycopg2.connect(dsn())
    cursor = other.cursor()
    cursor.execute("SET statement_timeout = '2s'")
    cursor.execute("UPDATE villages_pilot SET status = status WHERE false")
    other.commit()  # would time out waiting for the long transaction's lock
    long_import.commit()
    cursor.execute("SELECT count(*) FROM portal_data_change")
    assert cursor.fetchone()[0] == 0
    other.close()
    long_import.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_commits_each_raise_the_version(committed_registry):
    version = int(dataversion.current())

    def write():
        with psycopg2.connect(dsn()) as conn, conn.cursor() as cursor:
            cursor.execute("UPDATE villages_pilot SET status = status WHERE false")

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert int(dataversion.current()) == version + 8


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("admin-cache", "a@example.org", "x-irr-123")


def select_pilot(admin, code="17.71.01.1001"):
    pilot = pilot_propose(
        village=Village.objects.get(code=code), proposed_by="Camat", reason="Siap.", by=admin
    )
    pilot_decide(pilot=pilot, status="selected", reason="Layak.", by=admin)


def new_kiosk(admin):
    WarkopFactory(status="preparing")


def kiosk_operational(admin):
    kiosk = WarkopFactory(status="preparing")
    warkop_change_status(warkop=kiosk, status="operational", reason="Buka.", by=admin)


def kiosk_checked_in(admin):
    kiosk = WarkopFactory()
    kiosk.__class__.objects.filter(pk=kiosk.pk).update(
        last_check_in_at=timezone.now() - datetime.timedelta(days=30)
    )
    return kiosk


def survey_verified(admin):
    officer = UserFactory(role=Role.OFFICER)
    verified_survey(officer, admin)


def sql_update(admin):
    """A write no Django code knows of (psql, a script): the trigger sees it all the same."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE villages_village SET kind = 'kelurahan' WHERE code LIKE '17.01.%'")


WRITES = [select_pilot, new_kiosk, kiosk_operational, kiosk_checked_in, survey_verified, sql_update]


@pytest.mark.django_db
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__)
def test_the_cached_dashboard_moves_with_each_write(staff_client, admin, write):
    before = page(staff_client)
    assert page(staff_client) == before  # served from the cache
    write(admin)
    after = page(staff_client)
    assert after != before
    assert after == fresh_page(staff_client)


@pytest.mark.django_db
def test_a_check_in_moves_the_stale_kiosks_at_once(staff_client, admin):
    kiosk = kiosk_checked_in(admin)
    assert kiosk.name in page(staff_client)
    checkin_record(warkop=kiosk, kind="visited", by=admin)
    assert kiosk.name not in page(staff_client)


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_reaches_every_reader(committed_registry, staff_client, admin):
    """Outside a transaction (as a running portal): one request caches, a committed write from
    elsewhere raises the version, the next request computes afresh."""
    response = staff_client.get("/")
    kelurahan = response.context["counts"]["villages"]["kelurahan"]
    version = dataversion.current()
    assert "." not in version
    with psycopg2.connect(dsn()) as conn, conn.cursor() as cursor:
        cursor.execute(
            "UPDATE villages_village SET kind = 'kelurahan' WHERE code LIKE '17.01.%%' "
            "AND kind = 'desa'"
        )
        changed = cursor.rowcount
    assert changed > 0
    response = staff_client.get("/")
    assert response.context["counts"]["villages"]["kelurahan"] == kelurahan + changed
    assert int(dataversion.current()) == int(version) + 1


@pytest.mark.django_db
def test_the_dashboard_is_kept_no_longer_than_its_next_stale_kiosk(staff_client, staff_user):
    """A kiosk turns stale by the clock alone: the cached figures expire at that instant."""
    kiosk = WarkopFactory()
    kiosk.__class__.objects.filter(pk=kiosk.pk).update(
        last_check_in_at=timezone.now()
        - datetime.timedelta(days=14)
        + datetime.timedelta(seconds=40)
    )
    staff_client.get("/")
    key = cache.make_key(cache_key("dashboard", scope_key(staff_user), dataversion.current()))
    ttl = cache._cache.get_client(key).ttl(key)
    assert 0 < ttl <= 40


@pytest.mark.django_db
def test_scopes_do_not_share_figures(client, staff_user):
    """An officer limited to Kota Bengkulu and provincial staff get different entries."""
    officer = UserFactory(role=Role.OFFICER, scope__regencies=["17.71"])
    assert scope_key(officer) != scope_key(staff_user)
    assert "17.71" in scope_key(officer)
    other = UserFactory(role=Role.OFFICER, scope__regencies=["17.01"])
    assert scope_key(other) != scope_key(officer)
    same = UserFactory(role=Role.OFFICER, scope__regencies=["17.71"])
    assert scope_key(same) == scope_key(officer)


@pytest.mark.django_db
def test_figures_are_computed_live_when_the_cache_is_down(settings, staff_client):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    calls = []
    assert cached("test", lambda: calls.append(1) or 42) == 42
    assert cached("test", lambda: calls.append(1) or 42) == 42
    assert calls == [1, 1]
    response = staff_client.get("/")
    assert response.status_code == 200
    assert response.context["coverage"]["counts"][0][0] in ConnectivityStatus.values
    assert village().name


@pytest.mark.django_db
def test_a_role_change_applies_at_once(django_user_model):
    """Roles and permissions are read from the figures cache too (portal.core.roles.user_role,
    portal.accounts.auth): a change of group applies to the next request."""
    from django.contrib.auth.models import Group

    from portal.core.roles import user_role

    user = UserFactory(role=Role.OFFICER)

    def fresh():
        return django_user_model.objects.get(pk=user.pk)

    assert user_role(fresh()) == Role.OFFICER
    assert not fresh().has_perm("portal.invite_user")
    assert user_role(fresh()) == Role.OFFICER  # read from the cache
    user.groups.set([Group.objects.get(name=Role.ADMIN.value)])
    assert user_role(fresh()) == Role.ADMIN
    assert fresh().has_perm("portal.invite_user")
    Group.objects.get(name=Role.ADMIN.value).permissions.remove(
        *Group.objects.get(name=Role.ADMIN.value).permissions.filter(codename="invite_user")
    )
    assert not fresh().has_perm("portal.invite_user")


# --- Every kept page, list and layer moves with the write that changes it -----------------------


@pytest.fixture
def anonymous(client):
    return client


@pytest.mark.django_db
def test_the_kept_kecamatan_page_moves_with_a_pilot(staff_client, admin):
    url = "/registry/districts/17.71.01/"
    before = page(staff_client, url)
    assert page(staff_client, url) == before
    select_pilot(admin, "17.71.01.1001")
    after = page(staff_client, url)
    assert after != before and after == fresh_page(staff_client, url)


@pytest.mark.django_db
def test_the_kept_kiosk_list_moves_with_a_new_kiosk(staff_client, admin):
    before = page(staff_client, "/warkop/")
    kiosk = WarkopFactory(name="Warkop Baru Sekali")
    after = page(staff_client, "/warkop/")
    assert kiosk.name not in before and kiosk.name in after
    assert after == fresh_page(staff_client, "/warkop/")


@pytest.mark.django_db
def test_the_kept_finder_search_moves_with_a_new_offering(anonymous):
    from tests.warkop.factories import OfferingFactory

    url = "/layanan/?layanan=pln_token&desa=17.71.01.1001"
    before = page(anonymous, url)
    OfferingFactory(warkop=WarkopFactory(name="Warkop Terdekat Baru"))
    after = page(anonymous, url)
    assert "Warkop Terdekat Baru" not in before and "Warkop Terdekat Baru" in after


@pytest.mark.django_db
def test_the_kept_layers_and_map_move_with_a_write(staff_client, admin):
    geojson = "/api/v1/districts/geojson/?province=17"

    def has_pilot():
        features = staff_client.get(geojson).json()["features"]
        return {f["properties"]["code"]: f["properties"]["has_pilot"] for f in features}

    assert has_pilot()["17.71.01"] is False
    select_pilot(admin, "17.71.01.1001")
    assert has_pilot()["17.71.01"] is True

    officer = UserFactory(role=Role.OFFICER)
    first = verified_survey(officer, admin)
    x, y = first.location.x, first.location.y
    url = f"/api/v1/coverage/map/?bbox={x - 0.005},{y - 0.003},{x + 0.005},{y + 0.003}&zoom=16"
    assert len(staff_client.get(url).json()["features"]) == 1
    verified_survey(officer, admin)
    assert len(staff_client.get(url).json()["features"]) == 2
