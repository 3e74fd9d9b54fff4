"""The data's version: one number that every committed change of the portal's data raises.

Figures that are read far more often than the data changes (the dashboard, the lists, the map)
are cached under this version (portal/core/datacache.py), so a write makes every cached figure
unreachable at once, whoever made it and however: a page, the API, an import by COPY, a Celery
task or SQL typed into psql. Nothing has to remember to invalidate anything.

How (PostgreSQL, installed by migrations):

- every tracked table has a statement-level trigger `portal_data_changed` (INSERT, UPDATE,
  DELETE, TRUNCATE) that marks the writing transaction in `portal_data_change` (one row per
  transaction, its statement count raised by each further statement);
- that row's deferred constraint trigger runs once, at COMMIT, and raises the single row of
  `portal_data_version`. The row lock is held only from that moment to the end of the commit,
  so a long import does not hold back other writers, and the new version becomes visible in
  the same instant as the data it stands for: a reader never sees the new version with the old
  data, and a figure computed after reading version v is at least as new as v;
- a transaction that has written but not committed (a request inside `atomic`, or a test in
  Django's TestCase) sees its own mark: its version is "v.txid.n", so it never reads a figure
  cached before its own writes.

New tables join with `track_changes(...)` in their app's migration; `tests/portal/
test_data_cache.py` fails for a model of a tracked app whose table lacks the trigger.
"""

from django.db import connection, migrations

#: Tables whose writes never change a cached figure (API token bookkeeping, notifications and
#: digests sent, event tables written by the audit triggers alongside a tracked write).
UNTRACKED = frozenset({"portal_apitoken", "portal_notification", "portal_programmedigest"})

INSTALL_SQL = """
CREATE TABLE portal_data_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL,
    changed_at timestamptz NOT NULL
);
INSERT INTO portal_data_version VALUES (1, 1, now());
CREATE TABLE portal_data_change (
    txid bigint PRIMARY KEY,
    statements integer NOT NULL DEFAULT 1
);
CREATE FUNCTION portal_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO portal_data_change (txid) VALUES (txid_current())
    ON CONFLICT (txid) DO UPDATE SET statements = portal_data_change.statements + 1;
    RETURN NULL;
END $$;
CREATE FUNCTION portal_data_version_raise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE portal_data_version SET version = version + 1, changed_at = clock_timestamp()
    WHERE id = 1;
    DELETE FROM portal_data_change WHERE txid = NEW.txid;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER portal_data_version_raise AFTER INSERT ON portal_data_change
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION portal_data_version_raise();
"""

UNINSTALL_SQL = """
DROP TABLE portal_data_change;
DROP TABLE portal_data_version;
DROP FUNCTION portal_data_version_raise();
DROP FUNCTION portal_data_changed();
"""

#: The version as seen by this connection: the committed one, and this transaction's own mark.
VERSION_SQL = (
    "SELECT v.version, c.txid, c.statements FROM portal_data_version v "
    "LEFT JOIN portal_data_change c ON c.txid = txid_current_if_assigned() WHERE v.id = 1"
)


def track_changes(*tables: str) -> migrations.RunSQL:
    """The migration operation that adds the change trigger to `tables` (and removes it)."""
    create = "".join(
        f"CREATE TRIGGER portal_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION portal_data_changed();\n'
        for table in tables
    )
    drop = "".join(
        f'DROP TRIGGER IF EXISTS portal_data_changed ON "{table}";\n' for table in tables
    )
    return migrations.RunSQL(create, drop)


def current() -> str:
    """The version key for this connection: "v" outside a writing transaction, "v.txid.n"
    inside one. (`portal_data_version.changed_at` says when the data last changed, for
    whoever looks in psql.)"""
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        version, txid, statements = cursor.fetchone()
    return str(version) if txid is None else f"{version}.{txid}.{statements}"
