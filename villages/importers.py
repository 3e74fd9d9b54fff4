"""Import the official registry and its figures from published files.

Three importers, each behind a thin management command:

- `import_regions`: the Kemendagri codes and names (idn-area-data CSV files) into Province,
  Regency, District and Village;
- `import_boundaries`: simplified boundaries (GeoJSON) and centroids (GeoJSON properties or a
  centroid CSV) of units already in the registry;
- `import_stats`: population, area and postal codes.

`import_regions` stages the raw files with COPY while a thread checks them, and merges them in
PostgreSQL (see "import_regions: staging and merging in PostgreSQL" below), falling back to the
Python reader to word any problem. The other importers read and validate every file in Python
first (the csv and json modules, streaming where it matters), collect up to `MAX_PROBLEMS`
problems each naming its file and line (or GeoJSON feature), and write nothing unless the input is
clean. Writes then happen in one transaction: the validated rows are copied (`COPY ... FROM
STDIN`) into temporary staging tables and merged with set-based SQL that only touches rows whose
values differ, which makes every import idempotent and fast enough for the national files (83,762
villages).

Geometry is never built from user-supplied spatial-reference text: GeoJSON is parsed with the json
module, its `crs` member is compared as a plain string with the WGS84 names allowed, and geometries
are rebuilt from their coordinates alone with a fixed SRID of 4326.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import math
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pgtrigger
from django.db import DatabaseError, connection, transaction
from django.db.models.expressions import RawSQL

from .models import RegencyKind, RegistryImport, VillageKind

#: How many problems an importer lists before it stops counting them one by one.
MAX_PROBLEMS = 20

#: A level is loaded in bulk (secondary indexes and foreign keys dropped and rebuilt, as the
#: PostgreSQL manual's "Populating a Database" advises) when it gets at least this many new rows
#: and more new rows than the table holds already.
BULK_LOAD_MIN_ROWS = 5_000

#: How many codes a report lists by default (renamed, missing, unknown...).
REPORT_SAMPLE = 10


# --- Problems -----------------------------------------------------------------------------------


class ImportDataError(Exception):
    """The input files are not importable; nothing was written.

    `problems` lists the first `MAX_PROBLEMS` problems, each naming its file and line (or feature);
    `total` counts them all.
    """

    def __init__(self, problems: Sequence[str], *, total: int | None = None):
        self.problems = list(problems)
        self.total = len(self.problems) if total is None else total
        super().__init__(self.message)

    @property
    def message(self) -> str:
        count = self.total
        head = (
            f"Nothing was imported: {count} problem{'s' if count != 1 else ''} in the input."
            if count
            else "Nothing was imported."
        )
        lines = [head, *self.problems]
        if self.total > len(self.problems):
            lines.append(f"... and {self.total - len(self.problems)} more.")
        return "\n".join(lines)


class Problems:
    """Collects problems found while reading input files, keeping the first `limit` messages."""

    def __init__(self, *, limit: int = MAX_PROBLEMS):
        self.limit = limit
        self.messages: list[str] = []
        self.total = 0

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def full(self) -> bool:
        return self.total >= self.limit

    def add(
        self, *, path: Path | str, message: str, line: int | None = None, where: str = ""
    ) -> None:
        """Record a problem of `path`, at `line` (as a human counts, header = 1) or `where`."""
        self.total += 1
        if len(self.messages) < self.limit:
            name = Path(path).name
            place = f"line {line}" if line is not None else where
            self.messages.append(f"{name}, {place}: {message}" if place else f"{name}: {message}")

    def raise_if_any(self) -> None:
        if self.total:
            raise ImportDataError(self.messages, total=self.total)


# --- Reading files ------------------------------------------------------------------------------


def _decode(raw: bytes, *, path: Path, problems: Problems) -> str:
    """The text of a file's bytes as UTF-8, a leading BOM dropped.

    Bytes that are not UTF-8 are reported with the line they are on (decoding the whole file at
    once only tells a byte offset, so the bad lines are then found one by one) and replaced, so
    that reading can go on and report further problems.
    """
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.add(
                path=path,
                line=number,
                message=(
                    f"bytes that are not UTF-8 (byte 0x{line[exc.start]:02X} at column "
                    f"{exc.start + 1}); save the file as UTF-8"
                ),
            )
    return raw.decode("utf-8", "replace")


def read_csv(
    path: Path, *, columns: Sequence[str], problems: Problems
) -> Iterator[tuple[int, list[str]]]:
    """Yield `(line, values)` for each data row of the CSV file `path`.

    `values` holds the cells of `columns`, in that order, whatever the file's column order; extra
    columns are ignored. `line` is the row's first line as a human counts it (the header is line
    1). Files saved by Excel (UTF-8 with a BOM, CRLF line ends) read like any other; blank lines
    are skipped. A missing file or column, a row with the wrong number of cells or bytes that are
    not UTF-8 are recorded in `problems`.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.add(path=path, message=f"file not found ({path})")
        return
    except OSError as exc:
        problems.add(path=path, message=f"cannot read the file ({exc.strerror})")
        return
    reader = csv.reader(io.StringIO(_decode(raw, path=path, problems=problems), newline=""))
    del raw
    try:
        header = next(reader)
    except StopIteration:
        problems.add(path=path, line=1, message="the file is empty (no header line)")
        return
    except csv.Error as exc:
        problems.add(path=path, line=1, message=f"unreadable CSV ({exc})")
        return
    header = [cell.strip() for cell in header]
    missing = [column for column in columns if column not in header]
    if missing:
        for column in missing:
            problems.add(
                path=path,
                line=1,
                message=f"missing column '{column}' (the header has: {', '.join(header)})",
            )
        return
    indexes = [header.index(column) for column in columns]
    as_is = indexes == list(range(len(header)))
    width = len(header)
    line = reader.line_num + 1
    try:
        for row in reader:
            if len(row) == width:
                yield line, (row if as_is else [row[index] for index in indexes])
            elif row and (len(row) > 1 or row[0].strip()):  # blank lines are skipped
                problems.add(
                    path=path,
                    line=line,
                    message=(
                        f"expected {width} values ({', '.join(header)}), found {len(row)}"
                        + (" (quote a name that contains a comma)" if len(row) > width else "")
                    ),
                )
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.add(path=path, line=line, message=f"unreadable CSV ({exc})")


# --- Writing ------------------------------------------------------------------------------------

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    return str(value).translate(_COPY_ESCAPES)


def copy_rows(cursor, *, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Copy `rows` into `table` (`COPY ... FROM STDIN`, text format) through `cursor`.

    `table` and `columns` are trusted identifiers chosen by this module, never user input.
    """
    buffer = io.StringIO()
    write = buffer.write
    for row in rows:
        write("\t".join([_copy_value(value) for value in row]))
        write("\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def _create_staging(cursor, name: str, columns: str) -> None:
    """A temporary staging table, dropped at commit (and first if an earlier run in the same
    transaction left one behind)."""
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns}) ON COMMIT DROP")


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _sample(codes: Sequence[str], *, limit: int = REPORT_SAMPLE) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f", ... ({len(codes) - limit} more)" if len(codes) > limit else "")


# --- Registry levels ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One level of the Kemendagri registry and where it lives."""

    depth: int  # number of code segments
    singular: str
    plural: str
    filename: str
    table: str
    shape: str  # the code shape, for messages
    pattern: re.Pattern
    parent_column: str | None = None  # column of the CSV file naming the parent
    parent_fk: str | None = None  # FK column of the table
    kind: type | None = None  # RegencyKind or VillageKind

    def count(self, number: int) -> str:
        return _plural(number, self.singular, self.plural)


PROVINCE = Level(
    1, "province", "provinces", "provinces.csv", "villages_province", "NN",
    re.compile(r"[0-9]{2}"),
)  # fmt: skip
REGENCY = Level(
    2, "regency", "regencies", "regencies.csv", "villages_regency", "NN.NN",
    re.compile(r"[0-9]{2}\.[0-9]{2}"), "province_code", "province_id", RegencyKind,
)  # fmt: skip
DISTRICT = Level(
    3, "district", "districts", "districts.csv", "villages_district", "NN.NN.NN",
    re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}"), "regency_code", "regency_id",
)  # fmt: skip
VILLAGE = Level(
    4, "village", "villages", "villages.csv", "villages_village", "NN.NN.NN.NNNN",
    re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}"), "district_code", "district_id",
    VillageKind,
)  # fmt: skip
LEVELS: tuple[Level, ...] = (PROVINCE, REGENCY, DISTRICT, VILLAGE)

#: Longest name the registry stores (AdministrativeUnit.name).
NAME_MAX_LENGTH = 120


def level_of(code: str) -> Level | None:
    """The level a well-formed code belongs to, by its number of segments; None if malformed."""
    depth = code.count(".") + 1
    if depth > len(LEVELS):
        return None
    level = LEVELS[depth - 1]
    return level if level.pattern.fullmatch(code) else None


# --- import_regions -----------------------------------------------------------------------------


@dataclass
class LevelChanges:
    """What an import did to one level of the registry."""

    level: Level
    in_files: int = 0
    created: int = 0
    updated: int = 0
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # code, old, new name
    missing: list[tuple[str, str]] = field(default_factory=list)  # code, name (DB, not in files)

    @property
    def unchanged(self) -> int:
        return self.in_files - self.created - self.updated


@dataclass
class RegionsReport:
    """The outcome of `import_regions`."""

    levels: list[LevelChanges]
    scope: list[str]  # the province codes the import covered

    @property
    def changed(self) -> bool:
        return any(level.created or level.updated for level in self.levels)

    def summary(self, *, sample: int = REPORT_SAMPLE) -> list[str]:
        """Human-readable report lines; `sample` codes are listed per list (0 lists them all)."""
        limit = sample or None
        lines = []
        counts = ", ".join(level.level.count(level.in_files) for level in self.levels)
        if not self.changed:
            lines.append(f"No changes: {counts} already up to date.")
        else:
            if any(level.created for level in self.levels):
                lines.append(
                    "Created "
                    + ", ".join(level.level.count(level.created) for level in self.levels)
                    + "."
                )
            if any(level.updated for level in self.levels):
                lines.append(
                    "Updated "
                    + ", ".join(level.level.count(level.updated) for level in self.levels)
                    + "."
                )
            if any(level.unchanged for level in self.levels):
                lines.append(
                    "Unchanged "
                    + ", ".join(level.level.count(level.unchanged) for level in self.levels)
                    + "."
                )
        for level in self.levels:
            if level.renamed:
                lines.append(f"Renamed {level.level.count(len(level.renamed))}:")
                lines += [f"  {c}: {old!r} -> {new!r}" for c, old, new in level.renamed[:limit]]
                if limit and len(level.renamed) > limit:
                    lines.append(f"  ... and {len(level.renamed) - limit} more")
        missing = [level for level in self.levels if level.missing]
        if missing:
            lines.append(
                "In the database but not in the files (kept, not deleted): "
                + ", ".join(level.level.count(len(level.missing)) for level in missing)
                + "."
            )
            for level in missing:
                lines += [f"  {c} {name}" for c, name in level.missing[:limit]]
                if limit and len(level.missing) > limit:
                    lines.append(
                        f"  ... and {len(level.missing) - limit} more {level.level.plural}"
                    )
        return lines


@dataclass
class _LevelRows:
    """Validated rows of one level: code -> line, and the rows to stage (code, name, parent,
    kind)."""

    lines: dict[str, int] = field(default_factory=dict)
    rows: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    # parent code -> first line that names it
    parents: dict[str, int] = field(default_factory=dict)


def _read_level(
    level: Level, *, directory: Path, prefix: str | None, problems: Problems
) -> _LevelRows:
    """Read and validate the CSV file of `level` (only codes under `prefix` if given).

    The loop is the hot path of a national import (83,762 villages): the common case costs a
    strip, a regular expression match and a few dictionary operations per row.
    """
    path = directory / level.filename
    parent_level = LEVELS[level.depth - 2] if level.parent_column else None
    columns = ["code", level.parent_column, "name"] if parent_level else ["code", "name"]
    result = _LevelRows()
    lines, rows, parents = result.lines, result.rows, result.parents
    kind_of = level.kind.from_code if level.kind else None
    scope_code = prefix[:-1] if prefix else None
    for line, values in read_csv(path, columns=columns, problems=problems):
        code = values[0].strip()
        if prefix and not (code.startswith(prefix) or code == scope_code):
            continue
        name = values[-1].strip()
        parent = values[1].strip() if parent_level else None
        if code not in lines and _row_is_clean(level, code, name, parent):
            lines[code] = line
            if parent is not None and parent not in parents:
                parents[parent] = line
            rows.append((code, name, parent, kind_of(code).value if kind_of else None))
            continue
        _row_problems(level, path, line, code, name, parent, lines=lines, problems=problems)
        if problems.full:
            break
    return result


def _row_is_clean(level: Level, code: str, name: str, parent: str | None) -> bool:
    """The quick checks of a row (values already stripped): a code of the level's shape, a name of
    1 to NAME_MAX_LENGTH characters, a parent that is the code's prefix."""
    return bool(
        level.pattern.fullmatch(code)
        and name
        and len(name) <= NAME_MAX_LENGTH
        and (parent is None or code.rpartition(".")[0] == parent)
    )


def _row_problems(
    level: Level,
    path: Path,
    line: int,
    code: str,
    name: str,
    parent: str | None,
    *,
    lines: dict[str, int],
    problems: Problems,
) -> None:
    """Record what is wrong with a registry row that failed the quick checks."""
    if not level.pattern.fullmatch(code):
        problems.add(
            path=path,
            line=line,
            message=f"malformed {level.singular} code {code!r} (expected {level.shape})",
        )
    elif code in lines:
        problems.add(
            path=path, line=line, message=f"duplicate code {code} (also on line {lines[code]})"
        )
    if not name:
        problems.add(path=path, line=line, message=f"empty name for {code or 'a unit'}")
    elif len(name) > NAME_MAX_LENGTH:
        problems.add(
            path=path, line=line, message=f"name longer than {NAME_MAX_LENGTH} characters ({code})"
        )
    if parent is not None:
        parent_level = LEVELS[level.depth - 2]
        if not parent_level.pattern.fullmatch(parent):
            problems.add(
                path=path,
                line=line,
                message=(
                    f"malformed {level.parent_column} {parent!r} (expected {parent_level.shape})"
                ),
            )
        elif level.pattern.fullmatch(code) and code.rpartition(".")[0] != parent:
            problems.add(
                path=path,
                line=line,
                message=f"code {code} does not belong to {level.parent_column} {parent}",
            )


def read_region_files(*, directory: Path, province: str | None = None) -> dict[Level, _LevelRows]:
    """Read and validate the four idn-area-data files of `directory`; raise ImportDataError.

    Checks needing no database: file and columns present, UTF-8, code shapes, duplicates, names,
    parent codes that match the code's prefix. Parents are checked against the database later.
    """
    directory = Path(directory)
    problems = Problems()
    if province is not None and not PROVINCE.pattern.fullmatch(province):
        raise ImportDataError([f"--province: malformed province code {province!r} (expected NN)"])
    if not directory.is_dir():
        raise ImportDataError([f"{directory}: not a directory"])
    prefix = f"{province}." if province else None
    data = {}
    for level in LEVELS:
        data[level] = _read_level(level, directory=directory, prefix=prefix, problems=problems)
        if problems.full:
            break
    problems.raise_if_any()
    return data


# --- import_regions: staging and merging in PostgreSQL -------------------------------------------
#
# A national import is 91,599 rows. Parsing and checking them one by one in Python, then formatting
# them again for COPY, cost more than PostgreSQL needs to load them, so the clean case is loaded by
# the server while a thread checks the bytes on the machine's other core:
#
# 1. Python reads each file's bytes and its header (BOM dropped, columns checked), starts
#    `_looks_clean` on them in a thread, and hands the rest of the file as it is to
#    `COPY ... FROM STDIN (FORMAT csv, ENCODING 'UTF8')` into the level's temporary staging table
#    (code, parent, name; no line numbers, no index: both would slow the copy down); with
#    --province, the rows of other provinces are deleted from it.
# 2. The thread vouches for every row (shape, parent prefix, name, each code once, values read
#    alike by PostgreSQL and Python) and returns the provinces the rows belong to: the scope.
# 3. Parents are checked with anti-joins against the staged parent level and its table.
# 4. What the merge would change is read first (units missing from the files, renamed units, the
#    number of new units); an import that changes nothing writes nothing. Otherwise it is recorded
#    as one RegistryImport, each level's renamed units are updated by one UPDATE (audited row by
#    row) and its new units inserted by one INSERT ... SELECT, linked to the import, with the
#    insert audit trigger off (see `villages.models.track_registry_unit`). A large load into a
#    (nearly) empty table drops its primary key, indexes and foreign keys first and rebuilds them
#    after, each in one pass (`_drop_for_bulk_load`).
#
# Anything the fast path cannot vouch for (a COPY error such as bytes that are not UTF-8 or a row
# with the wrong number of values, a record spanning several lines, a blank line, a missing column,
# a failed check, a duplicate code, an unknown parent) sends the whole import down the Python reader
# above (`read_region_files`), which words every problem exactly as it always has, with file and
# line; if it finds none (blank lines, padded names, say), its rows are staged instead, with line
# numbers and a primary key, and the merge goes on unchanged.

#: Number of characters of each level's parent code (the code's prefix before its last dot).
_PARENT_LENGTH = {2: 2, 3: 5, 4: 8}


class _FastPathRefused(Exception):
    """The input needs the Python reader (a problem to word, or an unusual layout)."""


def _staging_name(level: Level) -> str:
    return f"import_{level.singular}"


def _kind_sql(level: Level, *, code: str) -> str:
    """SQL for the kind the code column `code` implies, as RegencyKind.from_code (segment 7x is a
    kota) and VillageKind.from_code (segment 1xxx is a kelurahan) decide it."""
    if level is REGENCY:
        yes, no = RegencyKind.KOTA.value, RegencyKind.KABUPATEN.value
        return f"CASE WHEN substr({code}, 4, 1) = '7' THEN '{yes}' ELSE '{no}' END"
    if level is VILLAGE:
        yes, no = VillageKind.KELURAHAN.value, VillageKind.DESA.value
        return f"CASE WHEN substr({code}, 10, 1) = '1' THEN '{yes}' ELSE '{no}' END"
    return "NULL"


def _create_level_staging(cursor, level: Level) -> None:
    """The validated rows of `level`: line, code, parent code, name (codes in the C collation,
    like the registry, so joins and sorts compare bytes)."""
    _create_staging(
        cursor,
        _staging_name(level),
        'line int NOT NULL, code text COLLATE "C" PRIMARY KEY, parent text COLLATE "C", '
        "name text NOT NULL",
    )


@dataclass
class _RawFile:
    """A registry file as the fast path reads it: the bytes after the header line, the number of
    records and the staging column of each value (code, parent, name, or extraN)."""

    level: Level
    body: memoryview
    records: int
    columns: list[str]


def _read_raw(level: Level, *, directory: Path) -> _RawFile:
    """Read one file for the fast path; raise _FastPathRefused for the Python reader to take
    over (a missing file or column, a header that is not UTF-8...)."""
    path = directory / level.filename
    try:
        raw = path.read_bytes()
    except OSError:
        raise _FastPathRefused from None
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    end = raw.find(b"\n")
    if end < 0:
        raise _FastPathRefused
    try:
        header = next(csv.reader([raw[:end].rstrip(b"\r").decode("utf-8")]))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        raise _FastPathRefused from None
    header = [cell.strip() for cell in header]
    names = {"code": "code", "name": "name"}
    if level.parent_column:
        names[level.parent_column] = "parent"
    if any(header.count(column) != 1 for column in names):
        raise _FastPathRefused
    return _RawFile(
        level=level,
        body=memoryview(raw)[end + 1 :],
        records=raw.count(b"\n", end + 1) + (0 if raw.endswith(b"\n") else 1),
        columns=[names.get(cell, f"extra{number}") for number, cell in enumerate(header, 1)],
    )


def _copy_raw(cursor, raw: _RawFile, *, prefix: str | None) -> None:
    """COPY a file as it is into its level's staging table and keep the rows of the scope.

    The table has no line numbers and no primary key: `_looks_clean` checks the rows (codes
    once each) beside it, and only the Python reader's staging, which words problems, needs them.
    """
    staging = _staging_name(raw.level)
    _create_staging(
        cursor,
        staging,
        'code text COLLATE "C", parent text COLLATE "C", name text'
        + "".join(f", {column} text" for column in raw.columns if column.startswith("extra")),
    )
    try:
        with transaction.atomic():  # a savepoint: a COPY error must not end the transaction
            with connection.wrap_database_errors:
                cursor.copy_expert(
                    f"COPY {staging} ({', '.join(raw.columns)}) FROM STDIN "
                    "WITH (FORMAT csv, ENCODING 'UTF8')",
                    io.BytesIO(raw.body),
                )
            copied = cursor.rowcount
    except DatabaseError:
        raise _FastPathRefused from None
    if copied != raw.records:  # a blank line, a quoted line break, an end-of-data marker...
        raise _FastPathRefused
    if prefix:
        cursor.execute(
            f"""DELETE FROM {staging}
                WHERE NOT (starts_with(code, %(prefix)s) OR code = %(province)s)""",  # noqa: S608
            {"prefix": prefix, "province": prefix[:-1]},
        )


#: A name as the registry stores it, in a CSV line without quotes: 1 to NAME_MAX_LENGTH
#: characters, no comma, quote or line break, no whitespace at either end (str.isspace()).
_CLEAN_NAME = rf'[^\s,"](?:[^,"\r\n]{{0,{NAME_MAX_LENGTH - 2}}}[^\s,"])?'


def _clean_line_pattern(raw: _RawFile) -> re.Pattern:
    """A regular expression matching the lines of `raw` whose values need no check: a code of
    the level's shape, a parent equal to the code's prefix (a back-reference, whichever column
    comes first), a clean name, any extra values; no quote anywhere."""
    level = raw.level
    digits = [f"[0-9]{{{len(segment)}}}" for segment in _code_template(level).split(".")]
    prefix, last = r"\.".join(digits[:-1]), digits[-1]
    parent_first = "parent" in raw.columns and raw.columns.index("parent") < raw.columns.index(
        "code"
    )
    cells = []
    for column in raw.columns:
        if column == "code" and "parent" not in raw.columns:
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


def _looks_clean(raw: _RawFile) -> frozenset[str] | None:
    """Whether every row of a file the fast path copies is already as the registry stores it, so
    that the staged rows need no check of their own: the right number of values, a well-formed
    code found once, a parent that is the code's prefix, a non-empty name of at most
    NAME_MAX_LENGTH characters with no whitespace around it, and values that PostgreSQL's CSV
    reader reads exactly as Python's does. Returns the province codes the rows belong to, or
    None: then the Python reader takes the files over and words the problem, or trims and
    imports what is only untidy.

    Runs in a thread beside the COPY statements (the database driver releases the GIL), so a
    national import checks its rows on the second core. Lines without a quote are matched by one
    regular expression over the whole file; a line with a quote must be in canonical CSV form
    (PostgreSQL also reads quotes in the middle of an unquoted value, Python's csv module does
    not) and is checked value by value.
    """
    try:
        text = raw.body.tobytes().decode("utf-8")
    except UnicodeDecodeError:
        return None
    codes = [match["code"] for match in _clean_line_pattern(raw).finditer(text)]
    if len(codes) != raw.records:
        quoted = re.findall(r'^[^\n]*"[^\n]*$', text, re.MULTILINE)
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
    return frozenset(code[:2] for code in unique)


def _quoted_line_code(raw: _RawFile, line: str) -> str | None:
    """The code of a clean line with quotes (see `_looks_clean`), or None."""
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
        not _row_is_clean(raw.level, code, name, parent)
        or name != name.strip()
        or any(character in name for character in "\r\n")
    ):
        return None
    return code


def _code_template(level: Level) -> str:
    """The code shape with every digit as 0, e.g. `00.00.00.0000` for a village."""
    template = level.pattern.pattern.replace("[0-9]{2}", "00").replace("[0-9]{4}", "0000")
    template = template.replace("\\.", ".")
    assert set(template) <= {"0", "."}, template
    return template


def _stage_python_rows(cursor, data: dict[Level, _LevelRows]) -> None:
    """Stage the rows the Python reader validated (the slow path)."""
    for level in LEVELS:
        rows = data[level]
        _create_level_staging(cursor, level)
        copy_rows(
            cursor,
            table=_staging_name(level),
            columns=("line", "code", "parent", "name"),
            rows=((rows.lines[code], code, parent, name) for code, name, parent, _ in rows.rows),
        )


def _stage_region_files(cursor, *, directory: Path, province: str | None) -> list[str]:
    """Stage the validated rows of the four files (one temporary table per level) and return the
    import's scope: `province`, or else every province the files mention. Raise ImportDataError,
    worded by the Python reader, when any file has a problem or names a parent that is neither
    in the files nor in the database.

    The fast path copies the files as they are while a thread checks them (`_looks_clean`); the
    Python reader takes over when a file is not clean or a parent is unknown.
    """
    prefix = f"{province}." if province else None
    try:
        files = [_read_raw(level, directory=directory) for level in LEVELS]
        with ThreadPoolExecutor(max_workers=1) as checker, _short_thread_switches():
            checks = [checker.submit(_looks_clean, raw) for raw in reversed(files)]
            try:
                for raw in files:
                    _copy_raw(cursor, raw, prefix=prefix)
            except _FastPathRefused:
                for check in checks:
                    check.cancel()
                raise
            provinces = [check.result() for check in checks]
        if any(found is None for found in provinces) or _parents_unknown(cursor):
            raise _FastPathRefused
        return [province] if province else sorted(frozenset().union(*provinces))
    except _FastPathRefused:
        data = read_region_files(directory=directory, province=province)  # raises if any problem
        _stage_python_rows(cursor, data)
        _check_staged_parents(cursor, directory=directory)
        if province:
            return [province]
        cursor.execute(
            " UNION ".join(
                f"SELECT left(code, 2) FROM {_staging_name(level)}"  # noqa: S608
                for level in LEVELS
            )
            + " ORDER BY 1"
        )
        return [code for (code,) in cursor.fetchall()]


@contextmanager
def _short_thread_switches(seconds: float = 0.0002):
    """While the checking thread runs, the main thread, back from each SQL statement, waits for
    the GIL up to the interpreter's switch interval (5 ms): shorten it meanwhile."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def _unknown_parents_sql(level: Level) -> str:
    """Staged rows of `level` whose parent is neither staged nor in the database."""
    parent_level = LEVELS[level.depth - 2]
    return f"""FROM {_staging_name(level)} s
        WHERE NOT EXISTS (SELECT FROM {_staging_name(parent_level)} p WHERE p.code = s.parent)
          AND NOT EXISTS (SELECT FROM {parent_level.table} t WHERE t.code = s.parent)"""  # noqa: S608


def _parents_unknown(cursor) -> bool:
    """Whether any staged row names a parent that is neither staged nor in the database."""
    cursor.execute(
        "SELECT "
        + " OR ".join(f"EXISTS (SELECT {_unknown_parents_sql(level)})" for level in LEVELS[1:])
    )
    return cursor.fetchone()[0]


def _check_staged_parents(cursor, *, directory: Path) -> None:
    """Every parent code must be in the files (the staged parent level) or in the database; the
    problems name the file and line (the Python reader's staging has line numbers)."""
    problems = Problems()
    for level in LEVELS[1:]:
        parent_level = LEVELS[level.depth - 2]
        cursor.execute(
            f"SELECT s.line, s.code, s.parent {_unknown_parents_sql(level)} ORDER BY s.line"
        )
        for line, code, parent in cursor.fetchall():
            problems.add(
                path=directory / level.filename,
                line=line,
                message=(
                    f"{level.parent_column} {parent} of {code} is neither in "
                    f"{parent_level.filename} nor in the database"
                ),
            )
    problems.raise_if_any()


def import_regions(
    *,
    directory: Path | str,
    province: str | None = None,
    bulk_min_rows: int = BULK_LOAD_MIN_ROWS,
) -> RegionsReport:
    """Create or update the registry from the idn-area-data CSV files of `directory`.

    Idempotent: rows are only written where the name differs, or where the unit is new. Units of
    the imported scope (`province`, or else every province the files mention) that are in the
    database but not in the files are reported, never deleted. Raises ImportDataError, with
    nothing written, when a file is missing or malformed.

    An import that changes anything is recorded as one RegistryImport (files and their SHA-256,
    scope, counts, audit context); the units it creates point to it instead of each writing an
    audit row (see `track_registry_unit`); renames are audited row by row as usual.
    """
    directory = Path(directory)
    if province is not None and not PROVINCE.pattern.fullmatch(province):
        raise ImportDataError([f"--province: malformed province code {province!r} (expected NN)"])
    if not directory.is_dir():
        raise ImportDataError([f"{directory}: not a directory"])
    with transaction.atomic(), connection.cursor() as cursor:
        # Room in memory for the merge's hash joins and for building indexes in one sort.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        # The staging tables have neither statistics nor indexes: joins against them are hash or
        # merge joins (a nested loop over an unindexed table is quadratic). That setting prices
        # the plans that must loop (the audit triggers' one-row joins) so high that PostgreSQL
        # would compile them with JIT, for a tenth of a second each: JIT is off too.
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL client_min_messages = warning")
        scope = _stage_region_files(cursor, directory=directory, province=province)
        counts = {}
        for level in LEVELS:
            cursor.execute(f"SELECT count(*) FROM {_staging_name(level)}")  # noqa: S608
            counts[level] = cursor.fetchone()[0]
        if not any(counts.values()):
            where = f" of province {province}" if province else ""
            raise ImportDataError([f"{directory}: the files hold no rows{where} to import"])
        report = RegionsReport(
            levels=[
                _plan_level(cursor, level, in_files=counts[level], scope=scope) for level in LEVELS
            ],
            scope=scope,
        )
        if report.changed:
            record = _record_import(directory=directory, report=report)
            # Pending deferred checks first: ALTER TABLE refuses a table with pending events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            restore = _drop_for_bulk_load(
                cursor, [c for c in report.levels if c.created >= bulk_min_rows]
            )
            restore += _disable_insert_audit(cursor, [c.level for c in report.levels if c.created])
            for changes in report.levels:
                _write_level(cursor, changes, record=record)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for statement in restore:
                cursor.execute(statement)
    return report  # the staging tables go with the transaction (ON COMMIT DROP)


def _plan_level(cursor, level: Level, *, in_files: int, scope: list[str]) -> LevelChanges:
    """What merging the staged rows of `level` would change, read before anything is written:
    units of the scope the files lack, units whose name differs, and how many are new."""
    changes = LevelChanges(level=level, in_files=in_files)
    table, staging = level.table, _staging_name(level)
    cursor.execute(
        f"""SELECT t.code, t.name FROM {table} t
            WHERE left(t.code, 2) = ANY(%s)
              AND NOT EXISTS (SELECT FROM {staging} s WHERE s.code = t.code)
            ORDER BY t.code""",  # noqa: S608
        [scope],
    )
    changes.missing = cursor.fetchall()
    # Only the name can differ: a code embeds its parent's code and its kind (the database checks
    # the first), so a unit with another parent or kind is another unit.
    cursor.execute(
        f"""SELECT s.code, t.name, s.name FROM {staging} s JOIN {table} t ON t.code = s.code
            WHERE t.name <> s.name
            ORDER BY s.code"""  # noqa: S608
    )
    changes.renamed = cursor.fetchall()
    changes.updated = len(changes.renamed)
    # Every staged code starts with a province of the scope: if the table holds none of the scope,
    # every staged row is new (a first load counts nothing more).
    cursor.execute(
        f"SELECT EXISTS (SELECT FROM {table} WHERE left(code, 2) = ANY(%s))",  # noqa: S608
        [scope],
    )
    if not cursor.fetchone()[0]:
        changes.created = in_files
        return changes
    cursor.execute(
        f"""SELECT count(*) FROM {staging} s
            WHERE NOT EXISTS (SELECT FROM {table} t WHERE t.code = s.code)"""  # noqa: S608
    )
    (changes.created,) = cursor.fetchone()
    return changes


def _record_import(*, directory: Path, report: RegionsReport) -> RegistryImport:
    """The RegistryImport row of this import, in the current pghistory context (the command or
    request, which the row's own audit trigger stores)."""
    files = []
    for level in LEVELS:
        raw = (directory / level.filename).read_bytes()
        files.append(
            {"name": level.filename, "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
        )
    changes = {
        c.level.singular: {
            "in_files": c.in_files,
            "created": c.created,
            "renamed": c.updated,
            "missing": len(c.missing),
        }
        for c in report.levels
    }
    return RegistryImport.objects.create(
        created_at=RawSQL("now()", []),  # the transaction's time, as in the audit events
        context_id=RawSQL("NULLIF(current_setting('pghistory.context_id', true), '')::uuid", []),
        scope=report.scope,
        files=files,
        changes=changes,
    )


def _write_level(cursor, changes: LevelChanges, *, record: RegistryImport) -> None:
    """Rename the changed units of one level (one UPDATE, audited row by row) and insert its new
    units (one INSERT ... SELECT, linked to `record`, with the insert audit trigger off)."""
    level = changes.level
    table, fk, staging = level.table, level.parent_fk, _staging_name(level)
    if changes.updated:
        cursor.execute(
            f"""UPDATE {table} t SET name = s.name, updated_at = now() FROM {staging} s
                WHERE t.code = s.code AND t.name <> s.name"""  # noqa: S608
        )
    if not changes.created:
        return
    columns = ["code", "name", "updated_at", "imported_by_id"]
    selected = ["s.code", "s.name", "now()", "%s"]
    if fk:
        columns.append(fk)
        selected.append("s.parent")
    if level.kind:
        columns.append("kind")
        selected.append(_kind_sql(level, code="s.code"))
    if level is VILLAGE:
        columns.append("postal_code")
        selected.append("''")
    cursor.execute(
        f"""INSERT INTO {table} ({", ".join(columns)})
            SELECT {", ".join(selected)} FROM {staging} s
            WHERE NOT EXISTS (SELECT FROM {table} t WHERE t.code = s.code)""",  # noqa: S608
        [record.pk],
    )


def _disable_insert_audit(cursor, levels: list[Level]) -> list[str]:
    """Switch off the insert audit trigger of the levels' tables (the import is their record,
    see `track_registry_unit`); return the statements that switch them back on.

    Inside the import's transaction: other writers wait for its commit and a rollback switches
    the triggers back on. Unlike pgtrigger.ignore(), this also spares PostgreSQL collecting the
    trigger's transition table.
    """
    restore = []
    for level in levels:
        ((model, trigger),) = pgtrigger.registered(
            f"villages.{level.singular.title()}:insert_insert"
        )
        name = connection.ops.quote_name(trigger.get_pgid(model))
        cursor.execute(f"ALTER TABLE {level.table} DISABLE TRIGGER {name}")
        restore.append(f"ALTER TABLE {level.table} ENABLE TRIGGER {name}")
    return restore


def _drop_for_bulk_load(cursor, loads: list[LevelChanges]) -> list[str]:
    """For each level getting a large load, when its table holds fewer rows than it gets: drop
    the table's primary key, its indexes and the foreign keys from and to it, inside the import's
    transaction; return the statements that recreate them, unchanged (same names and
    definitions, read from the catalogue), to run once the rows are in.

    Building an index once from sorted rows is much cheaper than updating it row by row (the
    primary key alone costs a national import more than its heap), and re-adding a foreign key
    checks it with one join instead of one trigger call per row (PostgreSQL's "Populating a
    Database"). Partial indexes stay: the spatial ones skip rows without geometry, as new rows
    are.
    """
    levels = [c.level for c in loads if _holds_fewer_rows(cursor, c.level.table, than=c.created)]
    if not levels:
        return []
    quote = connection.ops.quote_name
    indexes, constraints, foreign_keys = [], [], []
    for level in levels:
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
               WHERE i.indrelid = %s::regclass AND i.indpred IS NULL
                 AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)
               ORDER BY 1""",
            [level.table],
        )
        indexes += cursor.fetchall()
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
               FROM pg_constraint WHERE contype = 'f'
                 AND (conrelid = %(table)s::regclass OR confrelid = %(table)s::regclass)
               ORDER BY 1, 2""",
            {"table": level.table},
        )
        foreign_keys += [row for row in cursor.fetchall() if row not in foreign_keys]
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
               FROM pg_constraint WHERE contype = 'p' AND conrelid = %s::regclass""",
            [level.table],
        )
        constraints += cursor.fetchall()
    for table, name, _definition in foreign_keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    for table, name, _definition in constraints:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    if indexes:
        cursor.execute("DROP INDEX " + ", ".join(name for name, _definition in indexes))
    return (
        [f"ALTER TABLE {t} ADD CONSTRAINT {quote(n)} {d}" for t, n, d in constraints]
        + [definition for _name, definition in indexes]
        + [f"ALTER TABLE {t} ADD CONSTRAINT {quote(n)} {d}" for t, n, d in foreign_keys]
    )


def _holds_fewer_rows(cursor, table: str, *, than: int) -> bool:
    """Whether `table` (a trusted identifier) holds fewer than `than` rows; reads at most `than`
    rows, so a large table costs no full count."""
    cursor.execute(f"SELECT count(*) FROM (SELECT FROM {table} LIMIT %s) rows", [than])  # noqa: S608
    return cursor.fetchone()[0] < than


def _unknown_codes(cursor, staging: str, *, depth_column: str = "depth") -> list[str]:
    """Codes of `staging` that are not in the registry table of their level."""
    selects = " UNION ALL ".join(
        f"""SELECT s.code FROM {staging} s WHERE s.{depth_column} = {level.depth}
            AND NOT EXISTS (SELECT 1 FROM {level.table} t WHERE t.code = s.code)"""
        for level in LEVELS
    )
    cursor.execute(f"SELECT code FROM ({selects}) unknown ORDER BY code")  # noqa: S608
    return [code for (code,) in cursor.fetchall()]


# --- import_boundaries --------------------------------------------------------------------------

#: The `crs` names a GeoJSON file may declare: WGS84 longitude/latitude only. They are compared as
#: plain strings and never handed to GDAL/PROJ.
ALLOWED_CRS_NAMES = frozenset(
    {
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "urn:ogc:def:crs:OGC:2:84",
        "urn:ogc:def:crs:EPSG::4326",
        "urn:ogc:def:crs:EPSG:6.6:4326",
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        "https://www.opengis.net/def/crs/OGC/1.3/CRS84",
        "http://www.opengis.net/def/crs/EPSG/0/4326",
        "https://www.opengis.net/def/crs/EPSG/0/4326",
        "OGC:CRS84",
        "CRS84",
        "EPSG:4326",
        "WGS84",
    }
)

#: Level names used by the boundary files (Indonesian) and the centroid CSV (English).
LEVEL_NAMES = {
    "provinsi": 1,
    "province": 1,
    "kabupaten_kota": 2,
    "kabupaten": 2,
    "kota": 2,
    "regency": 2,
    "kecamatan": 3,
    "district": 3,
    "desa_kelurahan": 4,
    "desa": 4,
    "kelurahan": 4,
    "village": 4,
}


class _Invalid(ValueError):
    """A malformed value; the message says what is wrong."""


def _coordinate(value, *, name: str) -> float:
    """A finite number from JSON (int or float) or CSV text."""
    if isinstance(value, bool) or value is None:
        raise _Invalid(f"{name} {value!r} is not a number")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise _Invalid(f"{name} {value!r} is not a number") from None
    elif not isinstance(value, int | float):
        raise _Invalid(f"{name} {value!r} is not a number")
    if not math.isfinite(value):
        raise _Invalid(f"{name} {value!r} is not a finite number")
    return float(value)


def _lon_lat(lng, lat, *, what: str = "coordinate") -> tuple[float, float]:
    lng = _coordinate(lng, name="longitude")
    lat = _coordinate(lat, name="latitude")
    if not (-180.0 <= lng <= 180.0 and -90.0 <= lat <= 90.0):
        raise _Invalid(
            f"{what} (lng {lng}, lat {lat}) outside longitude -180..180 / latitude -90..90"
        )
    return lng, lat


def _ring_wkt(ring) -> str:
    if not isinstance(ring, list) or len(ring) < 4:
        raise _Invalid("a polygon ring needs at least 4 positions")
    parts = []
    for position in ring:
        if not isinstance(position, list) or len(position) < 2:
            raise _Invalid(f"position {position!r} is not [longitude, latitude]")
        lng, lat = _lon_lat(position[0], position[1])
        parts.append(f"{lng!r} {lat!r}")
    if parts[0] != parts[-1]:
        raise _Invalid("a polygon ring is not closed (first and last positions differ)")
    return "(" + ",".join(parts) + ")"


def _polygon_wkt(rings) -> str:
    if not isinstance(rings, list) or not rings:
        raise _Invalid("a polygon needs at least one ring")
    return "(" + ",".join(_ring_wkt(ring) for ring in rings) + ")"


def geometry_wkt(geometry) -> str:
    """MULTIPOLYGON WKT (lon lat) of a GeoJSON Polygon or MultiPolygon geometry object.

    Only `type` and `coordinates` are read: any `crs` or other member is ignored, so no
    user-supplied spatial-reference text reaches GDAL or PostGIS; the SRID is fixed at 4326 by the
    caller. Raises _Invalid for anything else or for coordinates outside lon/lat ranges.
    """
    if not isinstance(geometry, dict):
        raise _Invalid("the geometry is not an object")
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        return "MULTIPOLYGON(" + _polygon_wkt(coordinates) + ")"
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise _Invalid("a MultiPolygon needs at least one polygon")
        return "MULTIPOLYGON(" + ",".join(_polygon_wkt(p) for p in coordinates) + ")"
    raise _Invalid(f"geometry type {kind!r} is not Polygon or MultiPolygon")


def _check_level(code: str, level_name, *, expected: str = "") -> Level:
    """The level of `code`; its declared `level_name` (if any) must agree."""
    level = level_of(code)
    if level is None:
        raise _Invalid(f"malformed code {code!r} (expected NN, NN.NN, NN.NN.NN or NN.NN.NN.NNNN)")
    if level_name not in (None, ""):
        depth = LEVEL_NAMES.get(str(level_name).strip().lower())
        if depth is None:
            raise _Invalid(f"unknown level {level_name!r}")
        if depth != level.depth:
            raise _Invalid(f"level {level_name!r} does not match code {code} (a {level.singular})")
    return level


@dataclass
class _GeoInput:
    boundaries: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # depth, wkt, place
    # code -> depth, lng, lat, place, from GeoJSON
    centroids: dict[str, tuple[int, float, float, str, bool]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def _read_geojson(path: Path, *, data: _GeoInput, problems: Problems) -> None:
    """Validate a GeoJSON FeatureCollection of boundaries and collect its rows into `data`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.add(path=path, message=f"cannot read the file ({exc.strerror})")
        return
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problems.add(path=path, line=line, message="bytes that are not UTF-8")
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.add(
            path=path, line=exc.lineno, message=f"invalid JSON ({exc.msg}, column {exc.colno})"
        )
        return
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        problems.add(path=path, message="not a GeoJSON FeatureCollection")
        return
    crs = document.get("crs")
    if crs is not None:
        name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
        if not isinstance(name, str) or name.strip() not in ALLOWED_CRS_NAMES:
            problems.add(
                path=path,
                message=(
                    f"coordinate reference system {name if isinstance(name, str) else crs!r} is "
                    "not accepted: only WGS84 longitude/latitude (CRS84 / EPSG:4326); reproject "
                    "the file first"
                ),
            )
            return
    features = document.get("features")
    if not isinstance(features, list):
        problems.add(path=path, message="the FeatureCollection has no 'features' list")
        return
    seen: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        where = f"feature {number}"
        try:
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise _Invalid("not a GeoJSON Feature")
            properties = feature.get("properties")
            if not isinstance(properties, dict) or "code" not in properties:
                raise _Invalid("missing property 'code'")
            code = str(properties["code"]).strip()
            where = f"feature {number} (code {code})"
            level = _check_level(code, properties.get("level"))
            if code in seen:
                raise _Invalid(f"duplicate code {code} (also feature {seen[code]})")
            seen[code] = number
            if code in data.boundaries:
                raise _Invalid(f"duplicate code {code} (also {data.boundaries[code][2]})")
            geometry = feature.get("geometry")
            if geometry is not None:
                wkt = geometry_wkt(geometry)
                data.boundaries[code] = (level.depth, wkt, f"{path.name}, {where}")
            lat = properties.get("centroid_lat")
            lng = properties.get("centroid_lng")
            if lat is not None or lng is not None:
                lng, lat = _lon_lat(lng, lat, what="centroid")
                data.centroids[code] = (level.depth, lng, lat, f"{path.name}, {where}", True)
        except _Invalid as exc:
            problems.add(path=path, where=where, message=str(exc))
            if problems.full:
                return


def _read_centroid_csv(path: Path, *, data: _GeoInput, problems: Problems) -> None:
    """Validate a centroid CSV (code,name,level,lat,lng) and collect its rows into `data`.

    A centroid given by a GeoJSON feature (more precise) wins over the CSV's for the same code.
    """
    lines: dict[str, int] = {}
    for line, (code, level_name, lat, lng) in read_csv(
        path, columns=("code", "level", "lat", "lng"), problems=problems
    ):
        code = code.strip()
        try:
            level = _check_level(code, level_name)
            if code in lines:
                raise _Invalid(f"duplicate code {code} (also on line {lines[code]})")
            lines[code] = line
            lng, lat = _lon_lat(lng, lat, what="centroid")
        except _Invalid as exc:
            problems.add(path=path, line=line, message=str(exc))
            if problems.full:
                return
            continue
        previous = data.centroids.get(code)
        if previous is None or not previous[4]:
            data.centroids[code] = (level.depth, lng, lat, f"{path.name}, line {line}", False)


def read_geo_files(*, path: Path) -> _GeoInput:
    """Read and validate boundary/centroid files: `path` is a file or a folder of .geojson,
    .json and .csv files. Raises ImportDataError."""
    path = Path(path)
    if path.is_dir():
        files = sorted(
            p for p in path.iterdir() if p.suffix.lower() in {".geojson", ".json", ".csv"}
        )
        if not files:
            raise ImportDataError([f"{path}: no .geojson or .csv file in the folder"])
    elif path.is_file():
        files = [path]
    else:
        raise ImportDataError([f"{path.name}: file not found ({path})"])
    data = _GeoInput()
    problems = Problems()
    # GeoJSON first, so that its centroids take precedence over the CSV's.
    for file in sorted(files, key=lambda p: p.suffix.lower() == ".csv"):
        suffix = file.suffix.lower()
        if suffix in {".geojson", ".json"}:
            _read_geojson(file, data=data, problems=problems)
        elif suffix == ".csv":
            _read_centroid_csv(file, data=data, problems=problems)
        else:
            problems.add(path=file, message="not a .geojson, .json or .csv file")
        data.files.append(file.name)
        if problems.full:
            break
    problems.raise_if_any()
    return data


@dataclass
class GeoLevelChanges:
    """Boundaries and centroids set on one level."""

    level: Level
    boundaries: int = 0  # in the files and in the registry
    boundaries_updated: int = 0
    centroids: int = 0
    centroids_updated: int = 0


@dataclass
class BoundariesReport:
    """The outcome of `import_boundaries`."""

    levels: list[GeoLevelChanges]
    files: list[str]
    unknown: list[str]  # codes in the files but not in the registry (skipped)
    repaired: list[str]  # codes whose invalid polygon was repaired (ST_MakeValid)

    @property
    def changed(self) -> bool:
        return any(lv.boundaries_updated or lv.centroids_updated for lv in self.levels)

    def summary(self, *, sample: int = REPORT_SAMPLE) -> list[str]:
        def counts(attribute: str) -> str:
            return ", ".join(lv.level.count(getattr(lv, attribute)) for lv in self.levels)

        if self.changed:
            lines = [
                f"Updated boundaries of {counts('boundaries_updated')}; "
                f"centroids of {counts('centroids_updated')}.",
                f"Boundaries in the files: {counts('boundaries')}; "
                f"centroids: {counts('centroids')}.",
            ]
        else:
            lines = [
                f"No changes: boundaries of {counts('boundaries')} and centroids of "
                f"{counts('centroids')} already up to date."
            ]
        if self.repaired:
            lines.append(
                f"Repaired {len(self.repaired)} invalid polygon(s) (ST_MakeValid): "
                + (_sample(self.repaired, limit=sample) if sample else ", ".join(self.repaired))
            )
        if self.unknown:
            lines.append(
                f"Not in the registry, skipped: {len(self.unknown)} code(s): "
                + (_sample(self.unknown, limit=sample) if sample else ", ".join(self.unknown))
            )
        return lines


def import_boundaries(*, path: Path | str) -> BoundariesReport:
    """Set `boundary` (MultiPolygon, SRID 4326) and `centroid` (Point) of registry units from the
    GeoJSON/CSV files at `path` (a file or a folder).

    The unit is chosen by code (its number of segments gives the model). Invalid polygons are
    repaired with ST_MakeValid (and reported); codes not in the registry are reported and skipped.
    Idempotent: only rows whose geometry differs are written. Raises ImportDataError, with
    nothing written, on malformed input.
    """
    data = read_geo_files(path=Path(path))
    report = BoundariesReport(
        levels=[GeoLevelChanges(level=level) for level in LEVELS],
        files=data.files,
        unknown=[],
        repaired=[],
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL client_min_messages = warning")
        _create_staging(
            cursor,
            "import_boundary",
            "code text PRIMARY KEY, depth int NOT NULL, wkt text NOT NULL, place text, "
            "repaired boolean, geom geometry(MultiPolygon, 4326)",
        )
        copy_rows(
            cursor,
            table="import_boundary",
            columns=("code", "depth", "wkt", "place"),
            rows=((code, *values) for code, values in data.boundaries.items()),
        )
        data.boundaries.clear()
        cursor.execute(
            """UPDATE import_boundary SET repaired = NOT ST_IsValid(ST_GeomFromText(wkt, 4326))"""
        )
        cursor.execute(
            """UPDATE import_boundary SET geom = CASE WHEN repaired
                   THEN ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_GeomFromText(wkt, 4326)), 3))
                   ELSE ST_GeomFromText(wkt, 4326) END"""
        )
        cursor.execute("SELECT place FROM import_boundary WHERE ST_IsEmpty(geom) ORDER BY place")
        empty = [place for (place,) in cursor.fetchall()]
        if empty:
            raise ImportDataError(
                [
                    f"{place}: the polygon is degenerate (no area left after repair)"
                    for place in empty
                ]
            )
        cursor.execute("SELECT code FROM import_boundary WHERE repaired ORDER BY code")
        report.repaired = [code for (code,) in cursor.fetchall()]

        _create_staging(
            cursor,
            "import_centroid",
            "code text PRIMARY KEY, depth int NOT NULL, lng float8 NOT NULL, lat float8 NOT NULL",
        )
        copy_rows(
            cursor,
            table="import_centroid",
            columns=("code", "depth", "lng", "lat"),
            rows=(
                (code, d, repr(lng), repr(lat))
                for code, (d, lng, lat, *_) in data.centroids.items()
            ),
        )
        data.centroids.clear()
        cursor.execute("ANALYZE import_boundary")
        cursor.execute("ANALYZE import_centroid")
        _create_staging(cursor, "import_geo_codes", "code text PRIMARY KEY, depth int NOT NULL")
        cursor.execute(
            """INSERT INTO import_geo_codes
               SELECT code, depth FROM import_boundary
               UNION SELECT code, depth FROM import_centroid"""
        )
        report.unknown = _unknown_codes(cursor, "import_geo_codes")
        for changes in report.levels:
            table, depth = changes.level.table, changes.level.depth
            cursor.execute(
                f"""SELECT (SELECT count(*) FROM import_boundary s JOIN {table} t USING (code)
                            WHERE s.depth = %s),
                           (SELECT count(*) FROM import_centroid s JOIN {table} t USING (code)
                            WHERE s.depth = %s)""",  # noqa: S608
                [depth, depth],
            )
            changes.boundaries, changes.centroids = cursor.fetchone()
            cursor.execute(
                f"""UPDATE {table} t SET boundary = s.geom, updated_at = now()
                    FROM import_boundary s
                    WHERE s.depth = %s AND t.code = s.code
                      AND ST_AsEWKB(t.boundary) IS DISTINCT FROM ST_AsEWKB(s.geom)""",  # noqa: S608
                [depth],
            )
            changes.boundaries_updated = cursor.rowcount
            cursor.execute(
                f"""UPDATE {table} t
                    SET centroid = ST_SetSRID(ST_MakePoint(s.lng, s.lat), 4326),
                        updated_at = now()
                    FROM import_centroid s
                    WHERE s.depth = %s AND t.code = s.code
                      AND ST_AsEWKB(t.centroid) IS DISTINCT FROM
                          ST_AsEWKB(ST_SetSRID(ST_MakePoint(s.lng, s.lat), 4326))""",  # noqa: S608
                [depth],
            )
            changes.centroids_updated = cursor.rowcount
        for staging in ("import_boundary", "import_centroid", "import_geo_codes"):
            cursor.execute(f"DROP TABLE {staging}")
    return report


# --- import_stats -------------------------------------------------------------------------------

#: Largest value of a PositiveIntegerField.
POPULATION_MAX = 2_147_483_647
#: Area: DecimalField(max_digits=10, decimal_places=3).
AREA_MAX = Decimal("9999999.999")
AREA_PLACES = Decimal("0.001")
_INTEGER = re.compile(r"[0-9]+")
_POSTAL_CODE = re.compile(r"[0-9]{5}")


@dataclass(frozen=True)
class StatsFile:
    """One kind of figure file: how to find it, its columns, the levels it may name."""

    key: str
    pattern: str  # glob in the folder
    columns: tuple[str, ...]
    depths: tuple[int, ...]
    what: str


POPULATION = StatsFile(
    "population", "*penduduk.csv", ("code", "male", "female", "total"), (1, 2), "population"
)
AREA = StatsFile("area", "*luas.csv", ("code", "area_km2"), (1, 2), "area")
POSTAL = StatsFile("postal", "*kodepos.csv", ("code", "postal_code"), (4,), "postal code")
STATS_FILES = (POPULATION, AREA, POSTAL)


def _integer(text: str, *, name: str) -> int:
    text = text.strip()
    if not _INTEGER.fullmatch(text):
        raise _Invalid(f"{name} {text!r} is not a whole number")
    value = int(text)
    if value > POPULATION_MAX:
        raise _Invalid(f"{name} {value} is too large")
    return value


def _stats_row(kind: StatsFile, code: str, values: list[str]) -> tuple:
    """Validate one figure row (code already checked); the staged values after the code."""
    if kind is POPULATION:
        male, female, total = (
            _integer(value, name=name) for value, name in zip(values, kind.columns[1:], strict=True)
        )
        if male + female != total:
            raise _Invalid(f"male {male} + female {female} is not total {total}")
        return (male, female, total)
    if kind is AREA:
        text = values[0].strip()
        try:
            area = Decimal(text)
        except InvalidOperation:
            raise _Invalid(f"area_km2 {text!r} is not a number") from None
        if not area.is_finite() or area < 0:
            raise _Invalid(f"area_km2 {text!r} is not a positive number")
        area = area.quantize(AREA_PLACES)
        if area > AREA_MAX:
            raise _Invalid(f"area_km2 {text} is too large")
        return (area,)
    postal_code = values[0].strip()
    if not _POSTAL_CODE.fullmatch(postal_code):
        raise _Invalid(f"postal_code {postal_code!r} is not 5 digits")
    return (postal_code,)


def read_stats_files(*, directory: Path) -> dict[StatsFile, tuple[Path, list[tuple]]]:
    """Read and validate the figure files of `directory`: (path, [(code, depth, *values)])."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ImportDataError([f"{directory}: not a directory"])
    problems = Problems()
    result = {}
    for kind in STATS_FILES:
        matches = sorted(directory.glob(kind.pattern))
        if len(matches) != 1:
            problems.add(
                path=directory,
                message=(
                    f"expected one {kind.pattern} file ({kind.what}), found "
                    + (", ".join(p.name for p in matches) if matches else "none")
                ),
            )
            continue
        path = matches[0]
        rows: list[tuple] = []
        lines: dict[str, int] = {}
        for line, values in read_csv(path, columns=kind.columns, problems=problems):
            code = values[0].strip()
            try:
                level = level_of(code)
                if level is None:
                    raise _Invalid(f"malformed code {code!r}")
                if level.depth not in kind.depths:
                    allowed = " and ".join(LEVELS[d - 1].plural for d in kind.depths)
                    raise _Invalid(
                        f"{code} is a {level.singular}; this file gives figures for {allowed} only"
                    )
                if code in lines:
                    raise _Invalid(f"duplicate code {code} (also on line {lines[code]})")
                lines[code] = line
                rows.append((code, level.depth, *_stats_row(kind, code, values[1:])))
            except _Invalid as exc:
                problems.add(path=path, line=line, message=str(exc))
                if problems.full:
                    break
        result[kind] = (path, rows)
        if problems.full:
            break
    problems.raise_if_any()
    return result


@dataclass
class StatsFileChanges:
    """What one figure file did."""

    kind: StatsFile
    filename: str
    rows: int = 0
    updated: int = 0
    unknown: list[str] = field(default_factory=list)


@dataclass
class StatsReport:
    """The outcome of `import_stats`."""

    files: list[StatsFileChanges]

    @property
    def changed(self) -> bool:
        return any(f.updated for f in self.files)

    def summary(self, *, sample: int = REPORT_SAMPLE) -> list[str]:
        parts = [f"{f.kind.what} {f.updated} of {f.rows} ({f.filename})" for f in self.files]
        if self.changed:
            lines = ["Updated " + "; ".join(parts) + "."]
        else:
            lines = [
                "No changes: "
                + ", ".join(f"{f.kind.what} of {f.rows - len(f.unknown)} units" for f in self.files)
                + " already up to date."
            ]
        for f in self.files:
            if f.unknown:
                lines.append(
                    f"{f.filename}: {len(f.unknown)} code(s) not in the registry, skipped: "
                    + (_sample(f.unknown, limit=sample) if sample else ", ".join(f.unknown))
                )
        return lines


def import_stats(*, directory: Path | str) -> StatsReport:
    """Set population (provinces, regencies), area (provinces, regencies) and postal codes
    (villages) from the figure files of `directory`.

    Codes not in the registry are reported and skipped. Idempotent: only differing rows are
    written. Raises ImportDataError, with nothing written, on a missing or malformed file.
    """
    data = read_stats_files(directory=Path(directory))
    report = StatsReport(files=[])
    with transaction.atomic(), connection.cursor() as cursor:
        for kind, (path, rows) in data.items():
            changes = StatsFileChanges(kind=kind, filename=path.name, rows=len(rows))
            report.files.append(changes)
            staging = f"import_stats_{kind.key}"
            if kind is POPULATION:
                columns = ("code", "depth", "male", "female", "total")
                types = "male int, female int, total int"
            elif kind is AREA:
                columns = ("code", "depth", "area")
                types = "area numeric(10, 3)"
            else:
                columns = ("code", "depth", "postal_code")
                types = "postal_code text"
            _create_staging(cursor, staging, f"code text PRIMARY KEY, depth int NOT NULL, {types}")
            copy_rows(cursor, table=staging, columns=columns, rows=rows)
            changes.unknown = _unknown_codes(cursor, staging)
            if kind is POPULATION:
                statements = [
                    f"""UPDATE villages_province t SET population = s.total, updated_at = now()
                        FROM {staging} s WHERE s.depth = 1 AND t.code = s.code
                          AND t.population IS DISTINCT FROM s.total""",
                    f"""UPDATE villages_regency t SET population = s.total,
                            population_male = s.male, population_female = s.female,
                            updated_at = now()
                        FROM {staging} s WHERE s.depth = 2 AND t.code = s.code
                          AND (t.population, t.population_male, t.population_female)
                              IS DISTINCT FROM (s.total, s.male, s.female)""",
                ]
            elif kind is AREA:
                statements = [
                    f"""UPDATE {table} t SET area_km2 = s.area, updated_at = now()
                        FROM {staging} s WHERE s.depth = {depth} AND t.code = s.code
                          AND t.area_km2 IS DISTINCT FROM s.area"""
                    for table, depth in (("villages_province", 1), ("villages_regency", 2))
                ]
            else:
                statements = [
                    f"""UPDATE villages_village t SET postal_code = s.postal_code,
                            updated_at = now()
                        FROM {staging} s WHERE s.depth = 4 AND t.code = s.code
                          AND t.postal_code IS DISTINCT FROM s.postal_code"""
                ]
            for statement in statements:
                cursor.execute(statement)
                changes.updated += cursor.rowcount
            cursor.execute(f"DROP TABLE {staging}")
    return report
