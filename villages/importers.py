"""Import the official registry and its figures from published files.

Three importers, each behind a thin management command:

- `import_regions`: the Kemendagri codes and names (idn-area-data CSV files) into Province,
  Regency, District and Village;
- `import_boundaries`: simplified boundaries (GeoJSON) and centroids (GeoJSON properties or a
  centroid CSV) of units already in the registry;
- `import_stats`: population, area and postal codes.

`import_regions` stages the raw files with COPY and validates and merges them in PostgreSQL
(see "import_regions: staging and merging in PostgreSQL" below), falling back to the Python reader
to word any problem. The other importers read and validate every file in Python first (the csv
and json modules, streaming where it matters), collect up to `MAX_PROBLEMS` problems each naming
its file and line (or GeoJSON feature), and write nothing unless the input is clean. Writes then
happen in one transaction: the validated rows are copied (`COPY ... FROM STDIN`) into temporary
staging tables and merged with set-based SQL that only touches rows whose values differ, which makes
every import idempotent and fast enough for the national files (83,762 villages).

Geometry is never built from user-supplied spatial-reference text: GeoJSON is parsed with the json
module, its `crs` member is compared as a plain string with the WGS84 names allowed, and geometries
are rebuilt from their coordinates alone with a fixed SRID of 4326.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import DatabaseError, IntegrityError, connection, transaction

from .models import RegencyKind, VillageKind

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
    fullmatch = level.pattern.fullmatch
    kind_of = level.kind.from_code if level.kind else None
    scope_code = prefix[:-1] if prefix else None
    for line, values in read_csv(path, columns=columns, problems=problems):
        code = values[0].strip()
        if prefix and not (code.startswith(prefix) or code == scope_code):
            continue
        name = values[-1].strip()
        parent = values[1].strip() if parent_level else None
        if (
            fullmatch(code)
            and code not in lines
            and name
            and len(name) <= NAME_MAX_LENGTH
            and (parent is None or code.rpartition(".")[0] == parent)
        ):
            lines[code] = line
            if parent is not None and parent not in parents:
                parents[parent] = line
            rows.append((code, name, parent, kind_of(code).value if kind_of else None))
            continue
        _row_problems(level, path, line, code, name, parent, lines=lines, problems=problems)
        if problems.full:
            break
    return result


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
# them again for COPY, cost more than PostgreSQL needs to load them, so the clean case runs in the
# server:
#
# 1. Python reads each file's bytes and its header only (BOM dropped, columns checked), then hands
#    the rest of the file as it is to `COPY ... FROM STDIN (FORMAT csv, ENCODING 'UTF8')` into a
#    temporary table whose identity column numbers the records from 2 (the header is line 1).
# 2. One statement per level trims the cells, keeps the rows of the imported scope and stages them
#    with a primary key on the code; one query counts the rows that fail a check (code shape, name,
#    parent prefix). A duplicate code breaks the primary key.
# 3. Parents are checked with anti-joins against the staged parent level and its table.
# 4. The registry tables are merged with one SELECT (changed rows, for the report), one UPDATE,
#    one INSERT ... SELECT and one SELECT (units missing from the files) per level, so the audit
#    triggers (statement level) fire once per statement and record every changed or created row.
#
# Anything the fast path cannot vouch for (a COPY error such as bytes that are not UTF-8 or a row
# with the wrong number of values, a record spanning several lines, a blank line, a missing column,
# a failed check, a duplicate code) sends the whole import down the Python reader above
# (`read_region_files`), which words every problem exactly as it always has; if it finds none
# (blank lines, say), its rows are staged instead and the merge goes on unchanged.

#: The characters `str.strip()` removes, so that SQL's btrim() trims cells exactly like Python.
_WHITESPACE = "".join(chr(point) for point in range(0x110000) if chr(point).isspace())

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


def _stage_file(cursor, level: Level, *, directory: Path, prefix: str | None) -> None:
    """Fast path for one file: COPY it as it is, then stage and check its rows in SQL.

    Raises _FastPathRefused when the Python reader must take over.
    """
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
    wanted = ["code", level.parent_column, "name"] if level.parent_column else ["code", "name"]
    if any(column not in header for column in wanted):
        raise _FastPathRefused
    body = memoryview(raw)[end + 1 :]
    records = raw.count(b"\n", end + 1) + (0 if raw.endswith(b"\n") else 1)

    width = len(header)
    cells = [f"c{number}" for number in range(1, width + 1)]
    _create_staging(
        cursor,
        "import_raw",
        "line int GENERATED ALWAYS AS IDENTITY (START 2), "
        + ", ".join(f"{cell} text" for cell in cells),
    )
    try:
        with transaction.atomic():  # a savepoint: a COPY error must not end the transaction
            with connection.wrap_database_errors:
                cursor.copy_expert(
                    f"COPY import_raw ({', '.join(cells)}) FROM STDIN "
                    "WITH (FORMAT csv, ENCODING 'UTF8')",
                    io.BytesIO(body),
                )
            copied = cursor.rowcount
    except DatabaseError:
        raise _FastPathRefused from None
    if copied != records:  # a blank line, a quoted line break, an end-of-data marker...
        raise _FastPathRefused

    def cell(column: str, *, spaces_only: bool = False) -> str:
        # Codes are trimmed of spaces only: any other whitespace left around a code fails its
        # shape check and hands the file to the Python reader, which strips like str.strip().
        value = f"coalesce(c{header.index(column) + 1}, '')"
        return f"btrim({value})" if spaces_only else f"btrim({value}, %(ws)s)"

    staging = _staging_name(level)
    parent = cell(level.parent_column, spaces_only=True) if level.parent_column else "NULL"
    scope = "WHERE starts_with(code, %(prefix)s) OR code = %(province)s" if prefix else ""
    params = {"ws": _WHITESPACE, "prefix": prefix, "province": prefix and prefix[:-1]}
    try:
        with transaction.atomic():  # a duplicate code breaks the primary key
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{staging}")
            cursor.execute(
                f"""CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS
                    SELECT line, code, parent, name FROM (
                        SELECT line, {cell("code", spaces_only=True)} COLLATE "C" AS code,
                               ({parent}) COLLATE "C" AS parent, {cell("name")} AS name
                        FROM import_raw) raw
                    {scope}""",  # noqa: S608
                params,
            )
            cursor.execute(f"ALTER TABLE {staging} ADD PRIMARY KEY (code)")
    except IntegrityError:
        raise _FastPathRefused from None
    checks = [
        # translate() maps every digit to 0: the same shape as the regular expression, at a
        # fraction of the cost of PostgreSQL's regex engine on 83,762 rows.
        f"translate(code, '0123456789', '0000000000') = '{_code_template(level)}'",
        "name <> ''",
        f"char_length(name) <= {NAME_MAX_LENGTH}",
    ]
    if level.parent_column:
        checks.append(f"parent = left(code, {_PARENT_LENGTH[level.depth]})")
    cursor.execute(
        f"SELECT EXISTS (SELECT FROM {staging} WHERE NOT ({' AND '.join(checks)}))"  # noqa: S608
    )
    if cursor.fetchone()[0]:
        raise _FastPathRefused
    cursor.execute("DROP TABLE import_raw")


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


def _stage_region_files(cursor, *, directory: Path, province: str | None) -> None:
    """Stage the validated rows of the four files (one temporary table per level); raise
    ImportDataError, worded by the Python reader, when any file has a problem."""
    prefix = f"{province}." if province else None
    try:
        for level in LEVELS:
            _stage_file(cursor, level, directory=directory, prefix=prefix)
    except _FastPathRefused:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.import_raw")
        data = read_region_files(directory=directory, province=province)  # raises if any problem
        _stage_python_rows(cursor, data)


def _check_staged_parents(cursor, *, directory: Path) -> None:
    """Every parent code must be in the files (the staged parent level) or in the database."""
    problems = Problems()
    for level in LEVELS[1:]:
        parent_level = LEVELS[level.depth - 2]
        cursor.execute(
            f"""SELECT s.line, s.code, s.parent FROM {_staging_name(level)} s
                WHERE NOT EXISTS (SELECT FROM {_staging_name(parent_level)} p
                                  WHERE p.code = s.parent)
                  AND NOT EXISTS (SELECT FROM {parent_level.table} t WHERE t.code = s.parent)
                ORDER BY s.line"""  # noqa: S608
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

    Idempotent: rows are only written where the name, parent or kind differ. Units of the imported
    scope (`province`, or else every province the files mention) that are in the database but not
    in the files are reported, never deleted. Raises ImportDataError, with nothing written, when a
    file is missing or malformed.
    """
    directory = Path(directory)
    if province is not None and not PROVINCE.pattern.fullmatch(province):
        raise ImportDataError([f"--province: malformed province code {province!r} (expected NN)"])
    if not directory.is_dir():
        raise ImportDataError([f"{directory}: not a directory"])
    with transaction.atomic(), connection.cursor() as cursor:
        # Room in memory for the audit triggers' transition tables and the merge's hash joins.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL client_min_messages = warning")
        _stage_region_files(cursor, directory=directory, province=province)
        counts = {}
        for level in LEVELS:
            cursor.execute(f"SELECT count(*) FROM {_staging_name(level)}")  # noqa: S608
            counts[level] = cursor.fetchone()[0]
        if not any(counts.values()):
            where = f" of province {province}" if province else ""
            raise ImportDataError([f"{directory}: the files hold no rows{where} to import"])
        if province:
            scope = [province]
        else:
            cursor.execute(
                " UNION ".join(
                    f"SELECT DISTINCT left(code, 2) FROM {_staging_name(level)}" for level in LEVELS
                )
                + " ORDER BY 1"
            )
            scope = [code for (code,) in cursor.fetchall()]
        _check_staged_parents(cursor, directory=directory)
        report = RegionsReport(levels=[], scope=scope)
        for level in LEVELS:
            report.levels.append(
                _merge_level(
                    cursor, level, in_files=counts[level], scope=scope, bulk_min_rows=bulk_min_rows
                )
            )
        for level in LEVELS:
            cursor.execute(f"DROP TABLE {_staging_name(level)}")
    return report


def _merge_level(
    cursor, level: Level, *, in_files: int, scope: list[str], bulk_min_rows: int
) -> LevelChanges:
    """Merge the staged rows of `level` into its table with set-based SQL; report what changed.

    Changed rows are read once (old and new values, for the report) and written by one UPDATE;
    new rows by one INSERT ... SELECT; an import without changes writes nothing.
    """
    changes = LevelChanges(level=level, in_files=in_files)
    table, fk, staging = level.table, level.parent_fk, _staging_name(level)
    kind = _kind_sql(level, code="s.code")
    # Units of the scope that the files lack (read before inserting: a first load finds an empty
    # table here).
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
    if changes.renamed:
        cursor.execute(
            f"""UPDATE {table} t SET name = s.name, updated_at = now() FROM {staging} s
                WHERE t.code = s.code AND t.name <> s.name"""  # noqa: S608
        )
        changes.updated = cursor.rowcount

    cursor.execute(
        f"""SELECT count(*) FROM {staging} s
            WHERE NOT EXISTS (SELECT FROM {table} t WHERE t.code = s.code)"""  # noqa: S608
    )
    (to_create,) = cursor.fetchone()
    if to_create:
        # A large load into a (nearly) empty table drops and rebuilds the secondary indexes of
        # the table and of its audit event table (whose rows the insert trigger writes).
        restore = []
        if to_create >= bulk_min_rows:
            for target in (table, f"{table}event"):
                if _holds_fewer_rows(cursor, target, than=to_create):
                    restore += _drop_secondary_structures(cursor, target)
        columns = ["code", "name", "updated_at"]
        selected = ["s.code", "s.name", "now()"]
        if fk:
            columns.append(fk)
            selected.append("s.parent")
        if level.kind:
            columns.append("kind")
            selected.append(kind)
        if level is VILLAGE:
            columns.append("postal_code")
            selected.append("''")
        cursor.execute(
            f"""INSERT INTO {table} ({", ".join(columns)})
                SELECT {", ".join(selected)} FROM {staging} s
                WHERE NOT EXISTS (SELECT FROM {table} t WHERE t.code = s.code)
                ORDER BY s.code"""  # noqa: S608
        )
        changes.created = cursor.rowcount
        for statement in restore:
            cursor.execute(statement)

    return changes


def _holds_fewer_rows(cursor, table: str, *, than: int) -> bool:
    """Whether `table` (a trusted identifier) holds fewer than `than` rows; reads at most `than`
    rows, so a large audit table costs no full count."""
    cursor.execute(f"SELECT count(*) FROM (SELECT FROM {table} LIMIT %s) rows", [than])  # noqa: S608
    return cursor.fetchone()[0] < than


def _drop_secondary_structures(cursor, table: str) -> list[str]:
    """Drop the foreign keys of `table` and its indexes that back no constraint, inside the
    import's transaction; return the statements that recreate them, unchanged (same names and
    definitions, read from the catalogue), to run once the rows are in.

    Building an index once is much cheaper than updating it row by row, and re-adding a foreign
    key checks it with one join instead of one trigger call per row. The primary key stays, and
    so do partial indexes (the spatial ones skip rows without geometry, as new rows are).
    Pending deferred checks are run first: ALTER TABLE refuses a table with pending events.
    """
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    cursor.execute(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname""",
        [table],
    )
    foreign_keys = cursor.fetchall()
    cursor.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
           WHERE i.indrelid = %s::regclass AND i.indpred IS NULL
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
           ORDER BY 1""",
        [table],
    )
    indexes = cursor.fetchall()
    quote = connection.ops.quote_name
    for name, _definition in foreign_keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    if indexes:
        cursor.execute("DROP INDEX " + ", ".join(name for name, _definition in indexes))
    return [definition for _name, definition in indexes] + [
        f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"
        for name, definition in foreign_keys
    ]


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
