"""Server time of the load mix's pages, in-process: read from the figures cache and computed.

    .venv/bin/python bench/pages.py [--database bench_national] [--rounds 3] [--repeat 10]
        [--cache-url redis://127.0.0.1:6379/12] [--user bench-staff]

(`--database bengkulu_portal --user staf` measures the Bengkulu portal of `make run`.)

DEBUG=0, Django's test client (no network, no gzip: the client sends no Accept-Encoding),
logged in as `bench-staff` (bench/national.py) for the staff pages, anonymous for the finder.
For each page: "cached" is the median of --repeat requests after one that filled the figures
cache (portal/core/datacache.py); "computed" the median of --repeat requests each made right
after emptying that cache (what the first reader after a write pays); the median over --rounds
rounds of each, and the SQL queries of one request each way. The cache Redis database
(--cache-url) is emptied: never point it at a running portal's.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
import inprocess  # noqa: E402

PAGES = [
    ("dashboard", "/"),
    ("kecamatan", "/registry/districts/17.71.01/"),
    ("village API page", "/api/v1/villages/?page_size=100&page=10"),
    ("kiosk list", "/warkop/?page=2"),
    ("map z12", "/api/v1/coverage/map/?bbox=102.22,-3.87,102.46,-3.70&zoom=12"),
    ("finder", "/layanan/?layanan=pln_token&desa=17.71.01.1001"),
    ("kecamatan GeoJSON", "/api/v1/districts/geojson/?province=17"),
]


def setup(args) -> None:
    inprocess.setup(args.database, args.host, cache_url=args.cache_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_national")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--only", help="labels, comma-separated")
    parser.add_argument("--user", default="bench-staff", help="a provincial staff user")
    args = parser.parse_args()
    setup(args)
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    staff = Client()
    staff.force_login(get_user_model().objects.get(username=args.user))
    anonymous = Client()

    def one(client, url: str, empty: bool) -> float:
        if empty:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed

    print(f"database {args.database}")
    print("| page | cached ms | computed ms | ratio | queries cached / computed | bytes |")
    print("|---|---|---|---|---|---|")
    for label, url in PAGES:
        if args.only and label not in args.only.split(","):
            continue
        client = anonymous if label == "finder" else staff
        queries = []
        for empty in (True, False):
            if empty:
                cache.clear()
            with CaptureQueriesContext(connection) as captured:
                body = client.get(url).content
            queries.append(len(captured.captured_queries))
        hot, cold = [], []
        for _ in range(args.rounds):
            one(client, url, False)
            hot.append(statistics.median(one(client, url, False) for _ in range(args.repeat)))
            cold.append(statistics.median(one(client, url, True) for _ in range(args.repeat)))
        h, c = statistics.median(hot), statistics.median(cold)
        print(
            f"| {label} | {h:.1f} | {c:.1f} | {c / h:.1f} | {queries[1]} / {queries[0]} | "
            f"{len(body):,} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
