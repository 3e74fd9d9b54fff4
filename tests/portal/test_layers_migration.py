"""A database made by the code before the layers (programme models in the `portal` app) migrates
forward keeping every row, audit event, trigger, content type and role permission.

The test builds that database in a scratch database of its own: `migrate`, then back to the state
before the move (`programme zero`, `portal 0007`: the old triggers come back, the content types
return to `portal`), adds rows and audit events under the old triggers, and migrates forward.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.db import connections

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
TABLES = [
    "portal_programme",
    "portal_programmeevent",
    "portal_milestone",
    "portal_milestoneevent",
    "portal_programmesnapshot",
    "portal_nonworkingday",
    "portal_nonworkingdayevent",
    "portal_notification",
    "portal_programmedigest",
]
TRACKED = {"portal_programme": "Programme", "portal_milestone": "Milestone"}
TRACKED["portal_nonworkingday"] = "NonWorkingDay"


def pgid(label: str, trigger: str) -> str:
    """pgtrigger's name for a trigger of the model `label` (app.Model)."""
    digest = hashlib.sha1(f"{label}:{trigger}".encode(), usedforsecurity=False).hexdigest()
    return f"pgtrigger_{trigger}_{digest[:5]}"


@pytest.fixture
def scratch(django_db_blocker):
    default = connections["default"].settings_dict
    name = f"{default['NAME']}_pre_layers"
    with django_db_blocker.unblock(), connections["default"]._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = f"postgis://{default['USER']}@{default['HOST'] or '127.0.0.1'}:{default['PORT'] or 5432}"
    env = {**os.environ, "DATABASE_URL": f"{url}/{name}"}
    conn = psycopg2.connect(
        dbname=name,
        user=default["USER"],
        password=default["PASSWORD"] or None,
        host=default["HOST"] or "127.0.0.1",
        port=default["PORT"] or 5432,
    )
    conn.autocommit = True
    yield env, conn.cursor()
    conn.close()
    with django_db_blocker.unblock(), connections["default"]._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def triggers(cursor) -> set:
    cursor.execute(
        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE NOT t.tgisinternal AND c.relname = ANY(%s)"
        " AND t.tgname <> 'portal_data_changed'",  # the data's version: test_data_cache.py
        [list(TRACKED)],
    )
    return set(cursor.fetchall())


def counts(cursor) -> dict:
    found = {}
    for table in TABLES:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from TABLES
        found[table] = cursor.fetchone()[0]
    return found


def group_permissions(cursor, group: str) -> set:
    cursor.execute(
        "SELECT ct.app_label, p.codename FROM auth_group g"
        " JOIN auth_group_permissions gp ON gp.group_id = g.id"
        " JOIN auth_permission p ON p.id = gp.permission_id"
        " JOIN django_content_type ct ON ct.id = p.content_type_id WHERE g.name = %s",
        [group],
    )
    return set(cursor.fetchall())


def test_a_database_of_the_portal_app_programme_migrates_forward(scratch):
    env, cursor = scratch
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "migrate", "programme", "zero", "--noinput", "-v", "0")
    manage(env, "migrate", "portal", "0007_default_programme", "--noinput", "-v", "0")
    # What the database of the code before the layers holds: no `programme` content type left
    # over by the `migrate` commands above, the old triggers and the old permissions.
    cursor.execute("DELETE FROM django_content_type WHERE app_label = 'programme'")
    old = {
        (table, pgid(f"portal.{model}", t))
        for table, model in TRACKED.items()
        for t in ("insert_insert", "update_update", "delete_delete")
    }
    assert triggers(cursor) == old
    staff_before = group_permissions(cursor, "Provincial staff")
    assert ("portal", "record_milestone") in staff_before
    # Rows and audit events written through the old triggers (0007 seeded the programme).
    cursor.execute(
        "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,"
        " is_staff, is_active, date_joined) VALUES ('!', false, 'rina', '', '', 'r@x.id', false,"
        " true, now()) RETURNING id"
    )
    user_id = cursor.fetchone()[0]
    cursor.execute("SELECT id FROM portal_programme WHERE is_current")
    programme_id = cursor.fetchone()[0]
    cursor.execute(
        "SELECT id FROM portal_milestone WHERE programme_id = %s LIMIT 1", [programme_id]
    )
    milestone_id = cursor.fetchone()[0]
    cursor.execute("UPDATE portal_milestone SET title = 'Renamed' WHERE id = %s", [milestone_id])
    cursor.execute(
        "INSERT INTO portal_nonworkingday (date, name, kind, source, created_at)"
        " VALUES ('2031-06-02', 'Libur daerah', 'regional', '', now())"
    )
    cursor.execute(
        "INSERT INTO portal_programmesnapshot (programme_id, date, day_number, is_working_day,"
        " milestones, done, on_track, at_risk, late, backfilled, evaluated_at)"
        " VALUES (%s, '2031-06-03', 1, true, '{}', 0, 1, 0, 0, false, now())",
        [programme_id],
    )
    cursor.execute(
        "INSERT INTO portal_notification (milestone_id, recipient_id, date, old_status, new_status,"
        " created_at) VALUES (%s, %s, '2031-06-03', '', 'at_risk', now())",
        [milestone_id, user_id],
    )
    cursor.execute(
        "INSERT INTO portal_programmedigest (programme_id, week, recipients)"
        " VALUES (%s, '2031-06-02', 0)",
        [programme_id],
    )
    before = counts(cursor)
    assert all(before[table] for table in TABLES if table != "portal_notification")
    cursor.execute(
        "SELECT pgh_label, title FROM portal_milestoneevent WHERE pgh_obj_id = %s ORDER BY pgh_id",
        [milestone_id],
    )
    history = cursor.fetchall()
    assert [label for label, _title in history] == ["insert", "update"]

    manage(env, "migrate", "--noinput", "-v", "0")

    assert counts(cursor) == before
    cursor.execute(
        "SELECT pgh_label, title FROM portal_milestoneevent WHERE pgh_obj_id = %s ORDER BY pgh_id",
        [milestone_id],
    )
    assert cursor.fetchall() == history
    new = {
        (table, pgid(f"programme.{model}", t))
        for table, model in TRACKED.items()
        for t in ("insert_insert", "update_update", "delete_delete")
    }
    assert triggers(cursor) == new
    # The new triggers record, into the same event tables.
    cursor.execute("UPDATE portal_milestone SET title = 'Again' WHERE id = %s", [milestone_id])
    cursor.execute("DELETE FROM portal_nonworkingday WHERE date = '2031-06-02'")
    cursor.execute(
        "SELECT pgh_label, title FROM portal_milestoneevent WHERE pgh_obj_id = %s ORDER BY pgh_id",
        [milestone_id],
    )
    assert cursor.fetchall() == [*history, ("update", "Again")]
    cursor.execute("SELECT pgh_label FROM portal_nonworkingdayevent ORDER BY pgh_id")
    assert [row[0] for row in cursor.fetchall()] == ["insert", "delete"]
    # Content types, so permissions and the groups holding them, moved with the models.
    cursor.execute(
        "SELECT app_label, count(*) FROM django_content_type"
        " WHERE model IN ('programme', 'milestone', 'milestoneevent', 'notification') GROUP BY 1"
    )
    assert dict(cursor.fetchall()) == {"programme": 4}
    staff_after = group_permissions(cursor, "Provincial staff")
    assert staff_after == {
        (
            "programme" if (label == "portal" and codename.endswith(programme_models())) else label,
            codename,
        )
        for label, codename in staff_before
    }
    assert ("programme", "record_milestone") in staff_after
    # pgtrigger agrees: every trigger of the programme is installed and current.
    listing = manage(env, "pgtrigger", "ls")
    rows = [line for line in listing.splitlines() if "programme." in line]
    assert len(rows) == 9, listing
    assert all("INSTALLED" in line and "OUTDATED" not in line for line in rows), listing
    assert "PRUNE" not in listing, listing


def programme_models() -> tuple:
    return ("_programme", "_milestone", "_programmesnapshot", "_nonworkingday", "_notification")
