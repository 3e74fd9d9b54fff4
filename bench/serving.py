"""Two serving choices measured in-process on the pages of the load mix: PostgreSQL's JIT on or
off per connection, and gzip (time to compress, bytes saved).

    .venv/bin/python bench/serving.py [--database bench_national] [--rounds 5] [--repeat 10]

DEBUG=0, Django's test client logged in as `bench-staff` (bench/national.py), no network. JIT:
for each page, rounds alternate a connection with `jit=on` and one with `jit=off` (SET jit);
each round takes the median of --repeat requests after one warm-up; the median over rounds is
reported, with the JIT's own time in the queries of one request (EXPLAIN ANALYZE's "JIT:
Timing" is not needed: the difference is the measure). gzip: the response body (as sent without
compression) compressed by Django's GZipMiddleware function (with its random bytes), median time
of 50 and the sizes.
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
    ("village API page", "/api/v1/villages/?page_size=100&page=300"),
    ("kiosk list", "/warkop/"),
    ("map z12", "/api/v1/coverage/map/?bbox=102.22,-3.87,102.46,-3.70&zoom=12"),
    ("finder", "/layanan/?layanan=pln_token&desa=17.71.01.1001"),
    ("kecamatan GeoJSON", "/api/v1/districts/geojson/?province=17"),
]


def setup(database: str, host: str) -> None:
    # JIT: the server default; each round SETs it
    inprocess.setup(database, host, DATABASE_JIT="1")


def timed(client, url: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_national")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    setup(args.database, args.host)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils.text import compress_string

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-staff"))
    print("| page | JIT on ms | JIT off ms | saved ms | body bytes | gzip bytes | gzip ms |")
    print("|---|---|---|---|---|---|---|")
    for label, url in PAGES:
        client.get(url)  # warm-up
        on, off = [], []
        for _ in range(args.rounds):
            for setting, into in (("on", on), ("off", off)):
                with connection.cursor() as cursor:
                    cursor.execute(f"SET jit = {setting}")
                client.get(url)
                into.append(timed(client, url, args.repeat))
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        body = client.get(url).content
        gzip_times = []
        for _ in range(50):
            started = time.perf_counter()
            packed = compress_string(body, max_random_bytes=100)
            gzip_times.append((time.perf_counter() - started) * 1000)
        jit_on, jit_off = statistics.median(on), statistics.median(off)
        print(
            f"| {label} | {jit_on:.1f} | {jit_off:.1f} | {jit_on - jit_off:.1f} | {len(body):,} | "
            f"{len(packed):,} | {statistics.median(gzip_times):.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
