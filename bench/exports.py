"""An export of every village of Indonesia (83,762 rows) through `portal.core.exports`: time to
the first bytes, total time, size and the process's peak memory, CSV and XLSX, against a
quarter of the rows, to show that memory stays flat.

    .venv/bin/python bench/exports.py [--database bench_national] [--rounds 3]

Needs the national SYNTHETIC benchmark database of `bench/national.py` (83,762 villages; the
connectivity is synthetic). Each export runs in a fresh process (so its peak RSS is its own): the
village connectivity export's columns and rows (`coverage.exports`), over every village instead of
the portal's province, streamed by `export_response` exactly as the page's view does, read chunk
by chunk as a client would. Reported: medians over the rounds.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def child(database: str, host: str, fmt: str, limit: int | None) -> dict:
    os.environ["DATABASE_URL"] = f"postgis://postgres@{host}:5432/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.utils import translation

    from coverage import exports, selectors
    from portal.core.exports import export_response
    from villages.models import Village

    translation.activate("id")
    queryset = (
        selectors.with_connectivity(Village.objects.all())
        .select_related("district__regency", "pilot")
        .defer("boundary", "district__boundary", "district__regency__boundary")
        .order_by("code")
    )
    if limit:
        queryset = queryset.filter(code__in=Village.objects.order_by("code").values("code")[:limit])
    rows = exports.village_rows(queryset)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = export_response(
        fmt=fmt, filename="bench", sheet="Desa", columns=exports.VILLAGE_COLUMNS, queryset=rows
    )
    first = None
    size = 0
    for chunk in response.streaming_content:
        if first is None and chunk:
            first = time.perf_counter() - started
        size += len(chunk)
    total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "fmt": fmt,
        "rows": limit or Village.objects.count(),
        "first_bytes_s": first,
        "total_s": total,
        "bytes": size,
        "rss_before_mb": baseline / 1024,
        "rss_peak_mb": peak / 1024,
        "growth_mb": (peak - baseline) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_national")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("FMT", "LIMIT"))
    args = parser.parse_args()
    if args.child:
        fmt, limit = args.child
        print(json.dumps(child(args.database, args.host, fmt, int(limit) or None)))
        return
    results = {}
    for _round in range(args.rounds):
        for fmt in ("csv", "xlsx"):
            for limit in (20_940, 0):
                out = (
                    subprocess.run(
                        [
                            sys.executable,
                            __file__,
                            "--database",
                            args.database,
                            "--host",
                            args.host,
                            "--child",
                            fmt,
                            str(limit),
                        ],
                        capture_output=True,
                        text=True,
                        check=True,
                        cwd=REPO,
                    )
                    .stdout.strip()
                    .splitlines()[-1]
                )
                row = json.loads(out)
                results.setdefault((fmt, row["rows"]), []).append(row)
    print(
        "| format | rows | first bytes (s) | total (s) | size (MB) | peak RSS (MB) "
        "| RSS growth during the export (MB) |"
    )
    print("|---|---|---|---|---|---|---|")
    for (fmt, rows), runs in sorted(results.items()):
        med = {
            k: statistics.median(r[k] for r in runs)
            for k in ("first_bytes_s", "total_s", "bytes", "rss_peak_mb", "growth_mb")
        }
        print(
            f"| {fmt.upper()} | {rows:,} | {med['first_bytes_s']:.3f} | {med['total_s']:.2f} | "
            f"{med['bytes'] / 1e6:.1f} | {med['rss_peak_mb']:.0f} | {med['growth_mb']:.1f} |"
        )


if __name__ == "__main__":
    main()
