"""Temporary staging tables: rows copied in with `COPY ... FROM STDIN`, compared with the registry.

Table and column names in this module are trusted identifiers chosen by the importers, never
user input.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from .levels import LEVELS, Level

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    return str(value).translate(_COPY_ESCAPES)


def create_staging(cursor, name: str, columns: str) -> None:
    """A temporary staging table, dropped at commit (and first if an earlier run in the same
    transaction left one behind)."""
    cursor.execute(
        f"DROP TABLE IF EXISTS pg_temp.{name}; "
        f"CREATE TEMPORARY TABLE {name} ({columns}) ON COMMIT DROP"
    )


def copy_rows(cursor, *, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Copy `rows` into `table` (`COPY ... FROM STDIN`, text format) through `cursor`."""
    buffer = io.StringIO()
    write = buffer.write
    for row in rows:
        write("\t".join([_copy_value(value) for value in row]))
        write("\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def unknown_codes(cursor, staging: str) -> list[str]:
    """Codes of `staging` (columns `code` and `depth`) that are not in the registry table of their
    level, in order."""
    selects = " UNION ALL ".join(
        f"""SELECT s.code FROM {staging} s WHERE s.depth = {level.depth}
            AND NOT EXISTS (SELECT 1 FROM {level.table} t WHERE t.code = s.code)"""
        for level in LEVELS
    )
    cursor.execute(f"SELECT code FROM ({selects}) unknown ORDER BY code")  # noqa: S608
    return [code for (code,) in cursor.fetchall()]


def unknown_parents_sql(level: Level) -> str:
    """`FROM ... WHERE ...` of the staged rows of `level` whose parent is neither staged nor in
    the database."""
    parent = level.parent
    return f"""FROM {level.staging} s
        WHERE NOT EXISTS (SELECT FROM {parent.staging} p WHERE p.code = s.parent)
          AND NOT EXISTS (SELECT FROM {parent.table} t WHERE t.code = s.parent)"""  # noqa: S608
