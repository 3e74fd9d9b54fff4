"""The Python reader of the registry files: every row checked, every problem worded with its file
and line.

`import_regions` loads clean files through the fast path (`fast.py`); whatever that path cannot
vouch for comes here, and so does every file with a problem to report.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from .files import read_csv
from .levels import LEVELS, NAME_MAX_LENGTH, PROVINCE, Level, row_is_clean
from .problems import ImportDataError, Problems
from .staging import copy_rows, create_staging, unknown_parents_sql


class Row(NamedTuple):
    """A checked row of a registry file (its code is the key it is filed under)."""

    line: int
    name: str
    parent: str | None


def check_arguments(*, directory: Path, province: str | None) -> None:
    """Raise ImportDataError unless `directory` is a folder and `province` a province code."""
    if province is not None and not PROVINCE.pattern.fullmatch(province):
        raise ImportDataError([f"--province: malformed province code {province!r} (expected NN)"])
    if not directory.is_dir():
        raise ImportDataError([f"{directory}: not a directory"])


def read_region_files(*, directory: Path, province: str | None = None) -> dict[Level, dict]:
    """Read and validate the four idn-area-data files of `directory` (only the rows of `province`
    if given): for each level, code -> Row. Raise ImportDataError.

    Checks needing no database: file and columns present, UTF-8, code shapes, duplicates, names,
    parent codes that match the code's prefix. Parents are checked against the database later.
    """
    directory = Path(directory)
    check_arguments(directory=directory, province=province)
    problems = Problems()
    data = {}
    for level in LEVELS:
        data[level] = _read_level(level, directory=directory, province=province, problems=problems)
        if problems.full:
            break
    problems.raise_if_any()
    return data


def _read_level(
    level: Level, *, directory: Path, province: str | None, problems: Problems
) -> dict[str, Row]:
    """Read and validate the CSV file of `level` (only codes of `province` if given).

    The loop is the hot path of a national import (83,762 villages): the common case costs a
    strip, a regular expression match and a few dictionary operations per row.
    """
    path = directory / level.filename
    has_parent = level.parent is not None
    columns = ["code", level.parent_column, "name"] if has_parent else ["code", "name"]
    prefix = f"{province}." if province else None
    rows: dict[str, Row] = {}
    for line, values in read_csv(path, columns=columns, problems=problems):
        code = values[0].strip()
        if prefix and not (code.startswith(prefix) or code == province):
            continue
        name = values[-1].strip()
        parent = values[1].strip() if has_parent else None
        if code not in rows and row_is_clean(level, code, name, parent):
            rows[code] = Row(line, name, parent)
            continue
        _row_problems(level, path, line, code, name, parent, rows=rows, problems=problems)
        if problems.full:
            break
    return rows


def _row_problems(
    level: Level,
    path: Path,
    line: int,
    code: str,
    name: str,
    parent: str | None,
    *,
    rows: dict[str, Row],
    problems: Problems,
) -> None:
    """Record what is wrong with a registry row that failed the quick checks."""
    if not level.pattern.fullmatch(code):
        problems.add(
            path=path,
            line=line,
            message=f"malformed {level.singular} code {code!r} (expected {level.shape})",
        )
    elif code in rows:
        problems.add(
            path=path, line=line, message=f"duplicate code {code} (also on line {rows[code].line})"
        )
    if not name:
        problems.add(path=path, line=line, message=f"empty name for {code or 'a unit'}")
    elif len(name) > NAME_MAX_LENGTH:
        problems.add(
            path=path, line=line, message=f"name longer than {NAME_MAX_LENGTH} characters ({code})"
        )
    if parent is not None:
        if not level.parent.pattern.fullmatch(parent):
            problems.add(
                path=path,
                line=line,
                message=(
                    f"malformed {level.parent_column} {parent!r} (expected {level.parent.shape})"
                ),
            )
        elif level.pattern.fullmatch(code) and code.rpartition(".")[0] != parent:
            problems.add(
                path=path,
                line=line,
                message=f"code {code} does not belong to {level.parent_column} {parent}",
            )


def stage_checked_rows(cursor, *, directory: Path, province: str | None) -> list[str]:
    """Read the files with the Python reader, stage their rows (with line numbers) and return the
    import's scope: `province`, or else every province the files mention. Raise ImportDataError,
    with file and line, for any problem, a parent neither in the files nor in the database
    included."""
    data = read_region_files(directory=directory, province=province)
    for level in LEVELS:
        create_staging(
            cursor,
            level.staging,
            'line int NOT NULL, code text COLLATE "C" PRIMARY KEY, parent text COLLATE "C", '
            "name text NOT NULL",
        )
        copy_rows(
            cursor,
            table=level.staging,
            columns=("line", "code", "parent", "name"),
            rows=((row.line, code, row.parent, row.name) for code, row in data[level].items()),
        )
    problems = Problems()
    for level in LEVELS[1:]:
        cursor.execute(f"SELECT s.line, s.code, s.parent {unknown_parents_sql(level)} ORDER BY 1")
        for line, code, parent in cursor.fetchall():
            problems.add(
                path=directory / level.filename,
                line=line,
                message=(
                    f"{level.parent_column} {parent} of {code} is neither in "
                    f"{level.parent.filename} nor in the database"
                ),
            )
    problems.raise_if_any()
    return [province] if province else sorted({code[:2] for rows in data.values() for code in rows})
