"""Bulk loads: a table's keys and indexes dropped before a large load and rebuilt after it.

Building an index once from sorted rows is much cheaper than updating it row by row (the village
primary key alone costs a national import more than its heap), and re-adding a foreign key checks
it with one join instead of one trigger call per row (PostgreSQL's "Populating a Database").
BENCHMARKS.md says what this buys a national import.
"""

from __future__ import annotations

from django.db import connection

#: A table is loaded in bulk when it gets at least this many new rows and more new rows than it
#: holds already.
BULK_LOAD_MIN_ROWS = 5_000


def drop_for_bulk_load(cursor, tables: dict[str, int]) -> list[str]:
    """For each of `tables` (name: new rows) that holds fewer rows than it gets: drop its primary
    key, its indexes and the foreign keys from and to it, inside the caller's transaction; return
    the statements that recreate them, unchanged (same names and definitions, read from the
    catalogue), to run once the rows are in.

    Partial indexes stay: the spatial ones skip rows without geometry, as new rows are.
    """
    tables = [table for table, rows in tables.items() if _holds_fewer_rows(cursor, table, rows)]
    if not tables:
        return []
    quote = connection.ops.quote_name
    indexes, primary_keys, foreign_keys = [], [], []
    for table in tables:
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
               WHERE i.indrelid = %s::regclass AND i.indpred IS NULL
                 AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)
               ORDER BY 1""",
            [table],
        )
        indexes += cursor.fetchall()
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
               FROM pg_constraint WHERE contype = 'f'
                 AND (conrelid = %(table)s::regclass OR confrelid = %(table)s::regclass)
               ORDER BY 1, 2""",
            {"table": table},
        )
        foreign_keys += [row for row in cursor.fetchall() if row not in foreign_keys]
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
               FROM pg_constraint WHERE contype = 'p' AND conrelid = %s::regclass""",
            [table],
        )
        primary_keys += cursor.fetchall()
    # ALTER TABLE refuses a table with pending deferred checks: run them first.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for table, name, _definition in foreign_keys + primary_keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    if indexes:
        cursor.execute("DROP INDEX " + ", ".join(name for name, _definition in indexes))
    return (
        ["SET CONSTRAINTS ALL IMMEDIATE", "SET CONSTRAINTS ALL DEFERRED"]
        + [f"ALTER TABLE {t} ADD CONSTRAINT {quote(n)} {d}" for t, n, d in primary_keys]
        + [definition for _name, definition in indexes]
        + [f"ALTER TABLE {t} ADD CONSTRAINT {quote(n)} {d}" for t, n, d in foreign_keys]
    )


def _holds_fewer_rows(cursor, table: str, rows: int) -> bool:
    """Whether `table` (a trusted identifier) holds fewer than `rows` rows; reads at most `rows`
    rows, so a large table costs no full count."""
    cursor.execute(f"SELECT count(*) FROM (SELECT FROM {table} LIMIT %s) rows", [rows])  # noqa: S608
    return cursor.fetchone()[0] < rows
