"""`import_regions`: the Kemendagri codes and names (idn-area-data CSV files) into Province,
Regency, District and Village.

1. The four files are staged in temporary tables, by the fast path (`fast.py`) or, for anything it
   cannot vouch for, by the Python reader (`reader.py`), which words every problem with its file
   and line; parents are checked against the staged level above and the database.
2. What the merge would change is read first (units missing from the files, renamed units, the
   number of new units); an import that changes nothing writes nothing.
3. Otherwise it is recorded as one RegistryImport, each level's renamed units are updated by one
   UPDATE (audited row by row) and its new units inserted by one INSERT ... SELECT, linked to the
   import, with the insert audit trigger ignored (see `villages.audit.track_registry_unit`). A
   large load into a (nearly) empty table drops its keys and indexes first and rebuilds them
   after (`bulk.py`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pgtrigger
from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from ..models import RegencyKind, RegistryImport, VillageKind
from .bulk import BULK_LOAD_MIN_ROWS, drop_for_bulk_load
from .fast import FastPathRefused, stage_raw_files
from .levels import LEVELS, REGENCY, VILLAGE, Level, counts
from .problems import REPORT_SAMPLE, ImportDataError
from .reader import check_arguments, stage_checked_rows


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
        if not self.changed:
            lines = [f"No changes: {counts(self.levels, 'in_files')} already up to date."]
        else:
            lines = [
                f"{word} {counts(self.levels, attribute)}."
                for word, attribute in (
                    ("Created", "created"),
                    ("Updated", "updated"),
                    ("Unchanged", "unchanged"),
                )
                if any(getattr(level, attribute) for level in self.levels)
            ]
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
    audit row (see `track_registry_unit`); renames are audited row by row as usual. A level that
    gets at least `bulk_min_rows` new units is loaded in bulk (`bulk.py`).
    """
    directory = Path(directory)
    check_arguments(directory=directory, province=province)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL client_min_messages = warning")
        try:
            scope = stage_raw_files(cursor, directory=directory, province=province)
        except FastPathRefused:
            scope = stage_checked_rows(cursor, directory=directory, province=province)
        report = RegionsReport(
            levels=[_plan_level(cursor, level, scope=scope) for level in LEVELS], scope=scope
        )
        if not any(level.in_files for level in report.levels):
            where = f" of province {province}" if province else ""
            raise ImportDataError([f"{directory}: the files hold no rows{where} to import"])
        if report.changed:
            record = _record_import(directory=directory, report=report)
            restore = drop_for_bulk_load(
                cursor,
                {c.level.table: c.created for c in report.levels if c.created >= bulk_min_rows},
            )
            insert_audit = [
                f"villages.{c.level.singular.title()}:insert_insert" for c in report.levels
            ]
            with pgtrigger.ignore(*insert_audit):
                for changes in report.levels:
                    _write_level(cursor, changes, record=record)
            for statement in restore:
                cursor.execute(statement)
    return report  # the staging tables go with the transaction (ON COMMIT DROP)


def _plan_level(cursor, level: Level, *, scope: list[str]) -> LevelChanges:
    """What merging the staged rows of `level` would change, read before anything is written:
    units of the scope the files lack, units whose name differs, and how many are new."""
    table, staging = level.table, level.staging
    cursor.execute(
        f"""SELECT (SELECT count(*) FROM {staging}),
                   (SELECT count(*) FROM {staging} s
                    WHERE NOT EXISTS (SELECT FROM {table} t WHERE t.code = s.code))"""  # noqa: S608
    )
    in_files, created = cursor.fetchone()
    changes = LevelChanges(level=level, in_files=in_files, created=created)
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
    units (one INSERT ... SELECT, linked to `record`)."""
    level = changes.level
    table, staging = level.table, level.staging
    if changes.updated:
        cursor.execute(
            f"""UPDATE {table} t SET name = s.name, updated_at = now() FROM {staging} s
                WHERE t.code = s.code AND t.name <> s.name"""  # noqa: S608
        )
    if not changes.created:
        return
    columns = ["code", "name", "updated_at", "imported_by_id"]
    selected = ["s.code", "s.name", "now()", "%s"]
    if level.parent_fk:
        columns.append(level.parent_fk)
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
