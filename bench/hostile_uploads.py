"""Benchmark: the coverage import on hostile files, in fresh worker-like processes.

Usage (from the repository root)::

    DEBUG=1 .venv/bin/python bench/hostile_uploads.py [--rounds 5] [--keep DIR]

Generates the hostile files of tests/hostile_files.py (a 1.6 kB XLSX declaring A1:XFD1048576
with a cell at row 1,048,576; a 10 MB CSV of blank lines; a 300 kB XLSX holding one 300 MB
shared string; a 1,000,000-row XLSX, and one of 500,000 rows that fits the unpacked limit; and
the largest files the limits accept: 5,000 rows of 37 distinct 210-character inline texts, 47.7
MB unpacked, and 200,000 distinct 200-character shared texts),
then, per round and file, starts a fresh Python process that sets Django up (all apps loaded,
as a gunicorn worker has them) and calls `coverage.importers.import_surveys` on the file.
The child reports the time of the call and its peak resident memory (VmHWM, from
/proc/self/status: the whole process, Django included). A child with no file gives the
baseline. Prints per-round figures and medians. No database is touched: every hostile file is
refused while it is read; the accepted ones are read and held (all their rows, as the import
holds them before it validates them), not validated.

`--child [FILE]` is that child (used by tests/coverage/test_import_hostile.py too).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def child(path: str | None, read_only: bool = False) -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from coverage import importers

    error, seconds = None, 0.0
    if path is not None:
        user = get_user_model()(username="bench")
        started = time.perf_counter()
        try:
            with open(path, "rb") as file, translation.override("en"):
                if read_only:  # what the import holds before it validates: every row, read
                    rows = list(importers.read_rows(Path(path).name, file))
                    error = f"accepted: {len(rows):,} rows read and held"
                else:
                    importers.import_surveys(name=Path(path).name, content=file, by=user)
        except importers.SurveyImportError as refused:
            error = "; ".join(
                f"line {line}: {message}" if line else message for line, message in refused.errors
            )
        seconds = time.perf_counter() - started
    print(json.dumps({"error": error, "seconds": seconds, "peak_rss_mb": peak_rss_mb()}))


def run_child(path, read_only=False) -> dict:
    command = [sys.executable, __file__, "--child"] + ([str(path)] if path else [])
    command += ["--read-only"] if read_only else []
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", help="write the files here (kept)")
    parser.add_argument("--child", nargs="?", const="", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--read-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child or None, args.read_only)
        return

    sys.path.insert(0, str(REPO))
    from tests import hostile_files

    folder = Path(args.keep or tempfile.mkdtemp(prefix="hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, make in hostile_files.HOSTILE.items():
        started = time.perf_counter()
        files[name] = make(folder / name)
        print(
            f"generated {name}: {files[name].stat().st_size:,} bytes "
            f"in {time.perf_counter() - started:.2f} s"
        )
    name = "half-million-rows.xlsx"
    files[name] = hostile_files.xlsx_million_rows(folder / name, rows=500_000)
    print(f"generated {name}: {files[name].stat().st_size:,} bytes")
    # The largest files the limits accept: read (not validated, no database) and held.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from coverage.importers import TEMPLATE_COLUMNS

    accepted = {
        "accepted-5000-rows-inline-texts.xlsx": hostile_files.xlsx_largest_inline,
        "accepted-200000-shared-texts.xlsx": hostile_files.xlsx_most_shared_strings,
    }
    for name, make in accepted.items():
        files[name] = make(folder / name, TEMPLATE_COLUMNS)
        print(f"generated {name}: {files[name].stat().st_size:,} bytes")

    results: dict[str, list[dict]] = {"(baseline: Django set up, no import)": []}
    for round_number in range(1, args.rounds + 1):
        results["(baseline: Django set up, no import)"].append(run_child(None))
        for name, path in files.items():
            figures = run_child(path, read_only=name.startswith("accepted"))
            results.setdefault(name, []).append(figures)
            print(
                f"round {round_number} {name}: {figures['seconds']:.3f} s, "
                f"peak RSS {figures['peak_rss_mb']:.1f} MB: {figures['error']}"
            )
    print("\n| file | size | refusal | time (median) | peak RSS (median, max) |")
    print("|---|---|---|---|---|")
    for name, rounds in results.items():
        size = f"{files[name].stat().st_size:,} B" if name in files else ""
        print(
            f"| {name} | {size} | {rounds[0]['error'] or ''} "
            f"| {statistics.median(r['seconds'] for r in rounds):.3f} s "
            f"| {statistics.median(r['peak_rss_mb'] for r in rounds):.1f} MB, "
            f"{max(r['peak_rss_mb'] for r in rounds):.1f} MB |"
        )
    if not args.keep:
        for path in files.values():
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
