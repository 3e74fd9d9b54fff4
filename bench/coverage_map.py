"""Coverage map with 1,000,000 survey points: time and size of one map request at many zooms.

    .venv/bin/python bench/coverage_map.py [--points 1000000] [--repeat 30]
                                           [--database bench_coverage]

Uses its own database (default `bench_coverage`, created with PostGIS and the migrations on first
use) and loads the Bengkulu registry into it. The survey points are SYNTHETIC: every row is marked
`notes = 'SYNTHETIC BENCHMARK POINT'` and belongs to the user `bench-synthetic`; they are spread
around the village centroids (±0.02°, about 2 km) with a made-up mix of best signals, all verified
(the map shows verified surveys only). They are inserted in SQL with triggers off (no audit rows,
no measurements: the map reads neither), then the map grid and village connectivity are rebuilt
with `coverage.services.rebuild_derived()`, as `manage.py rebuild_coverage` does.

Each view is requested `--repeat` times (after one warm-up) through Django's test client as a
provincial staff user: the whole stack (middleware, session, permission, SQL, serialisation) but
no network, each computed (the figures cache emptied before each request). Reported: median
and 95th percentile in ms, body size in bytes as computed and as sent (gzip, as every browser
asks), mode and features.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# View boxes (west, south, east, north) as a 1366×900 browser window shows them at each zoom,
# centred on Bengkulu city or on a dense rural area, plus hostile requests.
VIEWS = [
    ("z5 Sumatra", 5, (90.0, -14.0, 120.0, 6.0)),
    ("z8 province", 8, (100.4, -5.7, 104.2, -2.0)),
    ("z10 Kota Bengkulu + Seluma", 10, (101.8, -4.2, 102.8, -3.5)),
    ("z12 kecamatan", 12, (102.22, -3.87, 102.46, -3.70)),
    ("z14 villages", 14, (102.28, -3.83, 102.34, -3.78)),
    ("z15 village", 15, (102.295, -3.815, 102.325, -3.795)),
    ("z16 village", 16, (102.302, -3.810, 102.317, -3.800)),
    ("z16 dense: near the 2,000-point cap", 16, (102.2965, -3.8165, 102.3235, -3.7985)),
    ("z18 street", 18, (102.3075, -3.8065, 102.3112, -3.8040)),
    ("phone z13 390×844", 13, (102.25, -3.86, 102.29, -3.76)),
    ("hostile: z18 over Indonesia", 18, (95.0, -11.0, 141.0, 6.0)),
]


def setup_database(name: str, host: str, cache_url: str) -> None:
    os.environ["DATABASE_URL"] = f"postgis://postgres@{host}:5432/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["CACHE_URL"] = cache_url  # emptied before each request: never a portal's
    subprocess.run([sys.executable, str(REPO / "scripts" / "ensure_db.py")], check=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from villages.models import Village

    if not Village.objects.exists():
        data = REPO / "villages" / "data" / "bengkulu"
        call_command("import_regions", str(data), verbosity=0)
        call_command("import_boundaries", str(data / "geo"), verbosity=0)
        call_command("import_stats", str(data / "stats"), verbosity=0)


def load_points(count: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from coverage import services
    from coverage.models import Survey

    user, _ = get_user_model().objects.get_or_create(username="bench-synthetic")
    have = Survey.objects.filter(officer=user).count()
    if have >= count:
        print(f"{have:,} synthetic points already loaded")
        return
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no audit triggers
        cursor.execute(
            """
            WITH v AS (
                SELECT array_agg(code ORDER BY code) AS codes,
                       array_agg(ST_X(centroid) ORDER BY code) AS xs,
                       array_agg(ST_Y(centroid) ORDER BY code) AS ys,
                       count(*) AS n
                FROM villages_village WHERE centroid IS NOT NULL
            ), p AS (
                SELECT g, 1 + floor(random() * v.n)::int AS i, random() AS r FROM v,
                       generate_series(1, %(count)s) AS g
            )
            INSERT INTO coverage_survey
                (client_uuid, officer_id, village_id, observed_at, location, accuracy_m,
                 place_type, fibre, fibre_distance_m, fibre_provider, electricity, notes,
                 best_technology, operators_with_signal, content_hash, source, review_status,
                 reviewed_by_id, reviewed_at, review_reason, created_at, updated_at)
            SELECT gen_random_uuid(), %(user)s, v.codes[p.i],
                   now() - (p.g %% 365) * interval '1 day',
                   ST_SetSRID(ST_MakePoint(v.xs[p.i] + (random() - 0.5) * 0.04,
                                           v.ys[p.i] + (random() - 0.5) * 0.04), 4326),
                   10, 'settlement', 'none', NULL, '', 'pln_24h', 'SYNTHETIC BENCHMARK POINT',
                   CASE WHEN p.r < 0.12 THEN 'none' WHEN p.r < 0.25 THEN '2g'
                        WHEN p.r < 0.40 THEN '3g' WHEN p.r < 0.97 THEN '4g' ELSE '5g' END,
                   CASE WHEN p.r < 0.12 THEN 0 ELSE 1 + floor(random() * 3)::int END,
                   'synthetic', 'import', 'verified', %(user)s, now(), '', now(), now()
            FROM p, v
            """,
            {"count": count - have, "user": user.pk},
        )
    print(f"loaded {count - have:,} synthetic points in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    result = services.rebuild_derived()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE coverage_survey; ANALYZE coverage_mapcell")
    print(
        f"rebuilt {result['cells']:,} grid cells and {result['villages']:,} villages in "
        f"{time.perf_counter() - started:.1f} s"
    )


#: A street-level view where the answer is at the 2,000-point cap (coverage.selectors.POINT_LIMIT):
#: the largest answer the map can give. Its points are added by `fill_cap_view`.
CAP_VIEW = ("z18 at the 2,000-point cap", 18, (102.2646, -3.8012, 102.2682, -3.7988))


def fill_cap_view() -> None:
    """Make CAP_VIEW hold exactly POINT_LIMIT surveys that count: SYNTHETIC points added in SQL
    around the box's centre (inside Kota Bengkulu), marked as the others."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from coverage.models import COUNTS_SQL
    from coverage.selectors import POINT_LIMIT

    west, south, east, north = CAP_VIEW[2]
    user = get_user_model().objects.get(username="bench-synthetic")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM coverage_survey s WHERE {COUNTS_SQL} AND s.location && "
            "ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
            [west, south, east, north],
        )
        (have,) = cursor.fetchone()
        if have >= POINT_LIMIT:
            return
        cursor.execute(
            """
            INSERT INTO coverage_survey
                (client_uuid, officer_id, village_id, observed_at, location, accuracy_m,
                 place_type, fibre, fibre_distance_m, fibre_provider, electricity, notes,
                 best_technology, operators_with_signal, content_hash, source, review_status,
                 reviewed_by_id, reviewed_at, review_reason, created_at, updated_at)
            SELECT gen_random_uuid(), %(user)s, v.code, now() - (g %% 365) * interval '1 day',
                   ST_SetSRID(ST_MakePoint(%(x)s + (random() - 0.5) * %(w)s,
                                           %(y)s + (random() - 0.5) * %(h)s), 4326),
                   10, 'settlement', 'none', NULL, '', 'pln_24h', 'SYNTHETIC BENCHMARK POINT',
                   '4g', 1 + g %% 3, 'synthetic', 'import', 'verified', %(user)s, now(), '',
                   now(), now()
            FROM generate_series(1, %(n)s) g,
                 (SELECT code FROM villages_village
                  WHERE ST_Contains(boundary, ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 4326))
                  LIMIT 1) v
            """,
            {
                "user": user.pk,
                "n": POINT_LIMIT - have,
                "x": (west + east) / 2,
                "y": (south + north) / 2,
                "w": (east - west) * 0.8,
                "h": (north - south) * 0.8,
            },
        )


def measure(repeat: int) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.cache import cache
    from django.test import Client

    from portal.core.roles import Role

    user, _ = get_user_model().objects.get_or_create(username="bench-staff")
    user.groups.add(Group.objects.get(name=Role.PROVINCIAL_STAFF.value))
    client = Client()
    client.force_login(user)
    fill_cap_view()
    rows = []
    cap_label, cap_zoom, cap_box = CAP_VIEW
    views = [(f"{label} (as the map asks: rows)", zoom, bbox, True) for label, zoom, bbox in VIEWS]
    views += [(cap_label + " (as the map asks: rows)", cap_zoom, cap_box, True)]
    views += [(cap_label + " (GeoJSON, as API clients ask)", cap_zoom, cap_box, False)]
    for label, zoom, bbox, compact in views:
        url = "/api/v1/coverage/map/?bbox={},{},{},{}&zoom={}".format(*bbox, zoom)
        url += "&rows=true" if compact else ""
        response = client.get(url)  # warm-up
        assert response.status_code == 200, response.content[:200]
        times = []
        for _ in range(repeat):
            cache.clear()  # computed, not read from the figures cache (docs/figures-cache.md)
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        data = response.json()
        packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert packed["Content-Encoding"] == "gzip"
        times.sort()
        rows.append(
            {
                "view": label,
                "zoom": zoom,
                "median_ms": statistics.median(times),
                "p95_ms": times[max(0, int(round(0.95 * len(times))) - 1)],
                "bytes": len(response.content),
                "gzip_bytes": len(packed.content),
                "mode": data["mode"],
                "level": data["level"],
                "features": len(data.get("features") or data.get("rows") or []),
                "surveys": sum(f["properties"].get("n", 1) for f in data.get("features", []))
                + len(data.get("rows", [])),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database", default="bench_coverage")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args()
    setup_database(args.database, args.host, args.cache_url)
    load_points(args.points)
    from coverage.models import Survey

    print(f"verified survey points in {args.database}: {Survey.objects.verified().count():,}")
    rows = measure(args.repeat)
    print("| view | zoom | answer | features (surveys) | median ms | p95 ms | bytes | gzip bytes |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        answer = r["mode"] + (f" L{r['level']}" if r["level"] else "")
        print(
            f"| {r['view']} | {r['zoom']} | {answer} | {r['features']:,} ({r['surveys']:,}) | "
            f"{r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['bytes']:,} | {r['gzip_bytes']:,} |"
        )
    worst = max(rows, key=lambda r: r["p95_ms"])
    biggest = max(rows, key=lambda r: r["gzip_bytes"])
    print(
        f"worst p95 {worst['p95_ms']:.1f} ms ({worst['view']}); largest answer "
        f"{biggest['gzip_bytes']:,} bytes as sent (gzip; {biggest['bytes']:,} unpacked, "
        f"{biggest['view']}); targets: < 300 ms, <= 200,000 bytes as sent"
    )


if __name__ == "__main__":
    main()
