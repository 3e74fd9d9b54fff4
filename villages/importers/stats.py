"""`import_stats`: population and area of every level (the Bengkulu files give them for the
province and its kabupaten/kota; kecamatan and village rows are read the same way when a file
has them, e.g. from BPS's "Kecamatan Dalam Angka"), postal codes of villages.

Every file is read and checked first; then, in one transaction, its rows are copied into a
temporary staging table and only the units whose figures differ are updated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction

from .files import read_csv
from .levels import LEVELS, level_of
from .problems import REPORT_SAMPLE, ImportDataError, InvalidValue, Problems, listed
from .staging import copy_rows, create_staging, unknown_codes

#: Largest value of a PositiveIntegerField.
POPULATION_MAX = 2_147_483_647
#: Area: DecimalField(max_digits=10, decimal_places=3).
AREA_MAX = Decimal("9999999.999")
AREA_PLACES = Decimal("0.001")
_INTEGER = re.compile(r"[0-9]+")
_POSTAL_CODE = re.compile(r"[0-9]{5}")


def _integer(text: str, *, name: str) -> int:
    text = text.strip()
    if not _INTEGER.fullmatch(text):
        raise InvalidValue(f"{name} {text!r} is not a whole number")
    value = int(text)
    if value > POPULATION_MAX:
        raise InvalidValue(f"{name} {value} is too large")
    return value


def _population(male: str, female: str, total: str) -> tuple[int, int, int]:
    figures = [_integer(value, name=name) for value, name in zip(
        (male, female, total), ("male", "female", "total"), strict=True
    )]  # fmt: skip
    if figures[0] + figures[1] != figures[2]:
        raise InvalidValue(f"male {figures[0]} + female {figures[1]} is not total {figures[2]}")
    return tuple(figures)


def _area(text: str) -> tuple[Decimal]:
    text = text.strip()
    try:
        area = Decimal(text)
    except InvalidOperation:
        raise InvalidValue(f"area_km2 {text!r} is not a number") from None
    if not area.is_finite() or area < 0:
        raise InvalidValue(f"area_km2 {text!r} is not a positive number")
    area = area.quantize(AREA_PLACES)
    if area > AREA_MAX:
        raise InvalidValue(f"area_km2 {text} is too large")
    return (area,)


def _postal_code(text: str) -> tuple[str]:
    postal_code = text.strip()
    if not _POSTAL_CODE.fullmatch(postal_code):
        raise InvalidValue(f"postal_code {postal_code!r} is not 5 digits")
    return (postal_code,)


@dataclass(frozen=True)
class StatsFile:
    """One kind of figure file: how to find it, its values and how they are checked, staged and
    written."""

    key: str
    pattern: str  # glob in the folder
    what: str
    values: tuple[str, ...]  # the columns after `code`, staged under the same names
    parse: Callable[..., tuple]  # the checked values of a row, from its cells
    staged: str  # the staging table's definitions of `values`
    targets: dict[int, dict[str, str]] = field(hash=False)  # depth: {table column: value}

    @property
    def columns(self) -> tuple[str, ...]:
        return ("code", *self.values)


POPULATION = StatsFile(
    "population", "*penduduk.csv", "population", ("male", "female", "total"), _population,
    "male int, female int, total int",
    {
        1: {"population": "total"},
        2: {"population": "total", "population_male": "male", "population_female": "female"},
        3: {"population": "total"},
        4: {"population": "total"},
    },
)  # fmt: skip
AREA = StatsFile(
    "area", "*luas.csv", "area", ("area_km2",), _area, "area_km2 numeric(10, 3)",
    {depth: {"area_km2": "area_km2"} for depth in (1, 2, 3, 4)},
)  # fmt: skip
POSTAL = StatsFile(
    "postal", "*kodepos.csv", "postal code", ("postal_code",), _postal_code, "postal_code text",
    {4: {"postal_code": "postal_code"}},
)  # fmt: skip
STATS_FILES = (POPULATION, AREA, POSTAL)


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
                if level.depth not in kind.targets:
                    allowed = " and ".join(LEVELS[d - 1].plural for d in kind.targets)
                    raise InvalidValue(
                        f"{code} is a {level.singular}; this file gives figures for {allowed} only"
                    )
                if code in lines:
                    raise InvalidValue(f"duplicate code {code} (also on line {lines[code]})")
                lines[code] = line
                rows.append((code, level.depth, *kind.parse(*values[1:])))
            except InvalidValue as exc:
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
        lines += [
            f"{f.filename}: {len(f.unknown)} code(s) not in the registry, skipped: "
            + listed(f.unknown, sample=sample)
            for f in self.files
            if f.unknown
        ]
        return lines


def import_stats(*, directory: Path | str) -> StatsReport:
    """Set population and area (any level; male and female kept for kabupaten/kota) and
    postal codes (villages) from the figure files of `directory`.

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
            create_staging(
                cursor, staging, f"code text PRIMARY KEY, depth int NOT NULL, {kind.staged}"
            )
            copy_rows(cursor, table=staging, columns=("code", "depth", *kind.values), rows=rows)
            changes.unknown = unknown_codes(cursor, staging)
            for depth, columns in kind.targets.items():
                cursor.execute(
                    f"""UPDATE {LEVELS[depth - 1].table} t
                        SET {", ".join(f"{c} = s.{v}" for c, v in columns.items())},
                            updated_at = now()
                        FROM {staging} s WHERE s.depth = {depth} AND t.code = s.code
                          AND ({", ".join(f"t.{c}" for c in columns)})
                              IS DISTINCT FROM ({", ".join(f"s.{v}" for v in columns.values())})"""  # noqa: S608
                )
                changes.updated += cursor.rowcount
            cursor.execute(f"DROP TABLE {staging}")
    return report
