"""The fast path of `import_regions`: clean files checked whole, then copied as they are.

A national import is 91,599 rows. Parsing and checking them one by one in Python, then formatting
them again for COPY, costs more than PostgreSQL needs to load them, so clean files are checked by
one regular expression each and loaded by the server:

1. Python reads each file's bytes and its header (BOM dropped, columns checked).
2. `looks_clean` vouches for every row (shape, parent prefix, name, each code once, values read
   alike by PostgreSQL and Python) and returns the provinces the rows belong to: the scope.
3. The rest of each file goes as it is to `COPY ... FROM STDIN (FORMAT csv, ENCODING 'UTF8')` into
   the level's temporary staging table (code, parent, name; no line numbers, no index: both would
   slow the copy down). With --province, the rows of other provinces are then deleted from it.
4. Parents are checked with anti-joins against the staged parent level and its table.

Anything this path cannot vouch for (a COPY error such as bytes that are not UTF-8 or a row with
the wrong number of values, a record spanning several lines, a blank line, a missing column, a
failed check, a duplicate code, an unknown parent) raises `FastPathRefused`: the Python reader
(`reader.py`) then reads the files, words every problem with its file and line, or stages the rows
it finds merely untidy (blank lines, padded names).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, connection, transaction

from .files import without_bom
from .levels import LEVELS, NAME_MAX_LENGTH, Level, row_is_clean
from .staging import create_staging, unknown_parents_sql


class FastPathRefused(Exception):
    """The input needs the Python reader (a problem to word, or an unusual layout)."""


@dataclass
class RawFile:
    """A registry file as the fast path reads it: the bytes after the header line, the number of
    records and the staging column of each value (code, parent, name, or extraN)."""

    level: Level
    body: memoryview
    records: int
    columns: list[str]


def stage_raw_files(cursor, *, directory: Path, province: str | None) -> list[str]:
    """Stage the rows of the four files (one temporary table per level) and return the import's
    scope: `province`, or else every province the files mention. Raise FastPathRefused when a
    file or a row is not as the registry stores it, or a parent is unknown."""
    files = [read_raw(level, directory=directory) for level in LEVELS]
    provinces = [looks_clean(raw) for raw in files]
    if any(found is None for found in provinces):
        raise FastPathRefused
    for raw in files:
        create_staging(
            cursor,
            raw.level.staging,
            'code text COLLATE "C", parent text COLLATE "C", name text'
            + "".join(f", {c} text" for c in raw.columns if c.startswith("extra")),
        )
    _copy_raw_files(cursor, files)
    for raw in files if province else ():
        cursor.execute(
            f"""DELETE FROM {raw.level.staging}
                WHERE NOT (starts_with(code, %(prefix)s) OR code = %(province)s)""",  # noqa: S608
            {"prefix": f"{province}.", "province": province},
        )
    if _parents_unknown(cursor):
        raise FastPathRefused
    return [province] if province else sorted(set().union(*provinces))


def read_raw(level: Level, *, directory: Path) -> RawFile:
    """Read one file for the fast path; raise FastPathRefused for the Python reader to take
    over (a missing file or column, a header that is not UTF-8...)."""
    try:
        raw = without_bom((directory / level.filename).read_bytes())
    except OSError:
        raise FastPathRefused from None
    end = raw.find(b"\n")
    if end < 0:
        raise FastPathRefused
    try:
        header = next(csv.reader([raw[:end].rstrip(b"\r").decode("utf-8")]))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        raise FastPathRefused from None
    header = [cell.strip() for cell in header]
    names = {"code": "code", "name": "name"}
    if level.parent_column:
        names[level.parent_column] = "parent"
    if any(header.count(column) != 1 for column in names):
        raise FastPathRefused
    return RawFile(
        level=level,
        body=memoryview(raw)[end + 1 :],
        records=raw.count(b"\n", end + 1) + (0 if raw.endswith(b"\n") else 1),
        columns=[names.get(cell, f"extra{number}") for number, cell in enumerate(header, 1)],
    )


def _copy_raw_files(cursor, files: list[RawFile]) -> None:
    """COPY the files as they are into their staging tables, or raise FastPathRefused.

    The tables have no line numbers and no primary key: `looks_clean` has checked the rows (codes
    once each), and only the Python reader's staging, which words problems, needs them.
    """
    try:
        # A savepoint: a COPY error must not end the transaction.
        with transaction.atomic(), connection.wrap_database_errors:
            for raw in files:
                cursor.copy_expert(
                    f"COPY {raw.level.staging} ({', '.join(raw.columns)}) FROM STDIN "
                    "WITH (FORMAT csv, ENCODING 'UTF8')",
                    io.BytesIO(raw.body),
                )
                if cursor.rowcount != raw.records:  # a blank line, a quoted line break...
                    raise FastPathRefused
    except DatabaseError:
        raise FastPathRefused from None


#: A name as the registry stores it, in a CSV line without quotes: 1 to NAME_MAX_LENGTH
#: characters, no comma, quote or line break, no whitespace at either end (str.isspace()).
_CLEAN_NAME = rf'[^\s,"](?:[^,"\r\n]{{0,{NAME_MAX_LENGTH - 2}}}[^\s,"])?'


def clean_line_pattern(raw: RawFile) -> re.Pattern:
    """A regular expression matching the lines of `raw` whose values need no check: a code of
    the level's shape, a parent equal to the code's prefix (a back-reference, whichever column
    comes first), a clean name, any extra values; no quote anywhere."""
    digits = raw.level.segments
    prefix, last = r"\.".join(digits[:-1]), digits[-1]
    columns = raw.columns
    parent_first = "parent" in columns and columns.index("parent") < columns.index("code")
    cells = []
    for column in columns:
        if column == "code" and "parent" not in columns:
            cells.append(f"(?P<code>{last})")
        elif column == "code":
            cells.append(
                rf"(?P<code>(?P=p)\.{last})"
                if parent_first
                else rf"(?P<code>(?P<p>{prefix})\.{last})"
            )
        elif column == "parent":
            cells.append(f"(?P<p>{prefix})" if parent_first else "(?P=p)")
        elif column == "name":
            cells.append(_CLEAN_NAME)
        else:
            cells.append(r'[^,"\r\n]*')
    return re.compile("^" + ",".join(cells) + r"\r?$", re.MULTILINE)


def looks_clean(raw: RawFile) -> set[str] | None:
    """Whether every row of a file the fast path copies is already as the registry stores it, so
    that the staged rows need no check of their own: the right number of values, a well-formed
    code found once, a parent that is the code's prefix, a non-empty name of at most
    NAME_MAX_LENGTH characters with no whitespace around it, and values that PostgreSQL's CSV
    reader reads exactly as Python's does. Returns the province codes the rows belong to, or
    None: then the Python reader takes the files over and words the problem, or trims and
    imports what is only untidy.

    Lines without a quote are matched by one regular expression over the whole file; a line with
    a quote must be in canonical CSV form (PostgreSQL also reads quotes in the middle of an
    unquoted value, Python's csv module does not) and is checked value by value.
    """
    try:
        text = raw.body.tobytes().decode("utf-8")
    except UnicodeDecodeError:
        return None
    codes = [match["code"] for match in clean_line_pattern(raw).finditer(text)]
    if len(codes) != raw.records:
        quoted = [line for line in text.split("\n") if '"' in line]
        if len(codes) + len(quoted) != raw.records:
            return None
        for line in quoted:
            code = _quoted_line_code(raw, line.removesuffix("\r"))
            if code is None:
                return None
            codes.append(code)
    unique = set(codes)
    if len(unique) != len(codes):
        return None
    return {code[:2] for code in unique}


def _quoted_line_code(raw: RawFile, line: str) -> str | None:
    """The code of a clean line with quotes (see `looks_clean`), or None."""
    try:
        values = next(csv.reader([line], strict=True))
    except csv.Error:
        return None
    canonical = io.StringIO()
    csv.writer(canonical, lineterminator="").writerow(values)
    if canonical.getvalue() != line or len(values) != len(raw.columns):
        return None
    index = {column: number for number, column in enumerate(raw.columns)}
    code, name = values[index["code"]], values[index["name"]]
    parent = values[index["parent"]] if "parent" in index else None
    if (
        not row_is_clean(raw.level, code, name, parent)
        or name != name.strip()
        or any(character in name for character in "\r\n")
    ):
        return None
    return code


def _parents_unknown(cursor) -> bool:
    """Whether any staged row names a parent that is neither staged nor in the database.

    Counted, not asked with EXISTS: PostgreSQL plans an EXISTS for its first row, and over the
    staging tables, which have neither statistics nor indexes, that plan is a nested loop, 13 s
    for a national import instead of a hash anti-join's 20 ms.
    """
    cursor.execute(
        "SELECT "
        + " + ".join(f"(SELECT count(*) {unknown_parents_sql(level)})" for level in LEVELS[1:])
    )
    return cursor.fetchone()[0] > 0
