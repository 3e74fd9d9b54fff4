"""Benchmark: `import_regions` on the national files against PostgreSQL's own COPY.

Usage (from the repository root; DIR is the data folder of an idn-area-data checkout, e.g.
unpacked from `npm pack idn-area-data@4.0.1`)::

    .venv/bin/python bench/import_vs_copy.py DIR [--rounds 7] [--database bench_import]
        [--keep-audit] [--without TRICK ...]

Creates (once) a scratch database with PostGIS and the Django migrations, then alternates, N
rounds: (a) the importer called in-process on empty registry tables and empty audit event tables
(TRUNCATE between rounds, as on a fresh deployment; --keep-audit keeps the event rows),
timed from the call to its return, then a second call with nothing to change; (b) CREATE TABLE
with text columns + COPY ... FROM STDIN (FORMAT csv, HEADER true) of the same four files + commit.
Prints per-round times, medians and the ratio import/COPY. The Python/Django start is excluded:
the database connection is opened before timing.

`--without TRICK` (repeatable) adds, to every round, the first import again with one of the
importer's speed tricks switched off for the measurement (by patching the running module, not by
a setting): `fast-path` (every file through the Python reader), `bulk-load` (no keys, indexes
and foreign keys dropped and rebuilt), `bulk-indexes` (the bulk load keeps the secondary indexes
and maintains them row by row). It prints the median of each variant and of its difference from
the import of the same round, i.e. what the trick buys.
"""

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TRICKS = ("fast-path", "bulk-load", "bulk-indexes")
FILES = (
    ("provinces", ("code", "name")),
    ("regencies", ("code", "province_code", "name")),
    ("districts", ("code", "regency_code", "name")),
    ("villages", ("code", "district_code", "name")),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "directory",
        type=Path,
        help="Folder with provinces.csv, regencies.csv, districts.csv and villages.csv.",
    )
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--database", default="bench_import", help="Scratch database (created on first use)."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        choices=TRICKS,
        metavar="TRICK",
        help=f"Also time the import without this trick ({', '.join(TRICKS)}); repeatable.",
    )
    parser.add_argument(
        "--keep-audit",
        action="store_true",
        help="Keep the audit event tables between rounds (they then grow by ~92,000 rows a round).",
    )
    args = parser.parse_args()

    server = f"-h {args.host} -U postgres"
    exists = subprocess.run(
        f"psql {server} -Atc \"SELECT 1 FROM pg_database WHERE datname = '{args.database}'\"",
        shell=True, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not exists:
        subprocess.run(f"createdb {server} {args.database}", shell=True, check=True)
    subprocess.run(
        f'psql {server} -q -d {args.database} -c "CREATE EXTENSION IF NOT EXISTS postgis"',
        shell=True, check=True,
    )  # fmt: skip
    os.environ["DATABASE_URL"] = f"postgis://postgres@{args.host}:5432/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from villages.importers import regions

    call_command("migrate", verbosity=0)
    directory = args.directory
    connection.ensure_connection()

    def empty_registry() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE villages_pilot, villages_village, villages_district, "
                "villages_regency, villages_province, villages_registryimport CASCADE"
            )
            if not args.keep_audit:
                # TRUNCATE is not audited: without this, every round would leave ~92,000 event
                # rows describing units that no longer exist, and each round would start from a
                # different (ever larger) audit trail.
                cursor.execute(
                    "TRUNCATE villages_pilotevent, villages_villageevent, villages_districtevent, "
                    "villages_regencyevent, villages_provinceevent, villages_registryimportevent"
                )

    @contextlib.contextmanager
    def without(trick: str | None):
        """The importer's keyword arguments, with `trick` switched off meanwhile."""
        stage, drop = regions.stage_raw_files, regions.drop_for_bulk_load

        def refuse(*args, **kwargs):
            raise regions.FastPathRefused

        def keep_indexes(cursor, tables):
            restore = drop(cursor, tables)
            for statement in [s for s in restore if s.startswith("CREATE")]:
                cursor.execute(statement)  # before the load, which then maintains them
            return [s for s in restore if not s.startswith("CREATE")]

        if trick == "fast-path":
            regions.stage_raw_files = refuse
        elif trick == "bulk-indexes":
            regions.drop_for_bulk_load = keep_indexes
        try:
            yield {"bulk_min_rows": 10**9} if trick == "bulk-load" else {}
        finally:
            regions.stage_raw_files, regions.drop_for_bulk_load = stage, drop

    def run_import(trick: str | None = None) -> float:
        with without(trick) as options:
            start = time.perf_counter()
            regions.import_regions(directory=directory, **options)
            return time.perf_counter() - start

    def run_copy() -> float:
        with connection.cursor() as cursor:
            for name, _columns in FILES:
                cursor.execute(f"DROP TABLE IF EXISTS bare_{name}")
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for name, columns in FILES:
                cursor.execute(
                    f"CREATE TABLE bare_{name} ({', '.join(f'{c} text' for c in columns)})"
                )
                with (directory / f"{name}.csv").open(encoding="utf-8") as handle:
                    cursor.copy_expert(
                        f"COPY bare_{name} FROM STDIN WITH (FORMAT csv, HEADER true)", handle
                    )
        return time.perf_counter() - start

    imports, again, copies = [], [], []
    variants = {trick: [] for trick in args.without}
    print(
        f"{'round':>5} {'import':>9} {'no-change':>10} {'COPY':>9} {'ratio':>7}"
        + "".join(f" {'w/o ' + trick:>17}" for trick in variants)
    )
    for number in range(1, args.rounds + 1):
        empty_registry()
        first = run_import()
        second = run_import()
        copy = run_copy()
        imports.append(first)
        again.append(second)
        copies.append(copy)
        for trick, times in variants.items():
            empty_registry()
            times.append(run_import(trick))
        print(
            f"{number:>5} {first:>8.3f}s {second:>9.3f}s {copy:>8.3f}s {first / copy:>7.1f}"
            + "".join(f" {times[-1]:>16.3f}s" for times in variants.values())
        )
    median_import = statistics.median(imports)
    median_again = statistics.median(again)
    median_copy = statistics.median(copies)
    print(
        f"median {median_import:.3f}s import, {median_again:.3f}s no-change import, "
        f"{median_copy:.3f}s COPY; ratio import/COPY {median_import / median_copy:.1f}"
    )
    for trick, times in variants.items():
        gain = statistics.median(b - a for a, b in zip(imports, times, strict=True))
        print(
            f"without {trick}: median {statistics.median(times):.3f}s; the trick buys "
            f"{gain:+.3f}s ({100 * gain / median_import:+.0f} % of the import; median of the "
            "per-round differences)"
        )


if __name__ == "__main__":
    main()
