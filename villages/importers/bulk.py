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
    constraints = []  # (table, name, definition): per table, its foreign keys, then its primary key
    indexes = []  # (name, definition)
    for table in tables:
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
               FROM pg_constraint
               WHERE contype = 'f' AND %(table)s::regclass IN (conrelid, confrelid)
                  OR contype = 'p' AND conrelid = %(table)s::regclass
               ORDER BY contype, 1, 2""",
            {"table": table},
        )
        constraints += [row for row in cursor.fetchall() if row not in constraints]
        cursor.execute(
            """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
               WHERE indrelid = %s::regclass AND indpred IS NULL
                 AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = indexrelid)
               ORDER BY 1""",
            [table],
        )
        indexes += cursor.fetchall()
    # ALTER TABLE refuses a table with pending deferred checks: run them first.
    checks = "SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED"
    cursor.execute(checks)
    for table, name, _definition in constraints:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    if indexes:
        cursor.execute("DROP INDEX " + ", ".join(name for name, _definition in indexes))
    # Constraints in reverse: a primary key comes back before the foreign keys that refer to it.
    return (
        [checks]
        + [definition for _name, definition in indexes]
        + [
            f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"
            for table, name, definition in reversed(constraints)
        ]
    )


def _holds_fewer_rows(cursor, table: str, rows: int) -> bool:
    """Whether `table` (a trusted identifier) holds fewer than `rows` rows; reads at most `rows`
    rows, so a large table costs no full count."""
    cursor.execute(f"SELECT count(*) FROM (SELECT FROM {table} LIMIT %s) rows", [rows])  # noqa: S608
    return cursor.fetchone()[0] < rows
