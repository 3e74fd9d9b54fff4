"""The village and kiosk list APIs at 1,000 rows against their floor (issue #14).

    .venv/bin/python bench/api_lists.py [--database bench_national] [--rounds 5] [--repeat 10]

In-process, DEBUG=0, Django's test client logged in as `bench-staff` (bench/national.py). For
each list: "API" is a request computed afresh (its entry in the figures cache deleted before
each: what the first reader after a write pays, the user's role and permissions being read from
the cache as between writes; a cached answer costs ~6 ms whatever its size); "DRF" the same
request with the fast list path off (model instances serialised field by field, as before
issue #14); "floor" the same 1,000 rows fetched by ONE SQL query, with the list's count by
another (a window count over the whole table costs more than the two), written with orjson, in
the same process, checked byte for byte against the API's answer; the medians of --repeat, then
the median over --rounds rounds, taken side by side in each round.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
import inprocess  # noqa: E402

VILLAGES = "/api/v1/villages/?page_size=1000"
KIOSKS = "/api/v1/kiosks/?page_size=1000"

VILLAGE_SQL = """
SELECT v.code, v.name, v.kind, v.district_id, v.postal_code, p.status,
       ST_X(v.centroid::geometry), ST_Y(v.centroid::geometry)
FROM villages_village v LEFT JOIN villages_pilot p ON p.village_id = v.code
ORDER BY v.code LIMIT 1000
"""
KIOSK_SQL = """
SELECT w.id, w.name, w.village_id, v.name, w.organisation_id, w.owner_name, w.owner_phone,
       w.business_phone, w.publish_phone, ST_X(w.location::geometry), ST_Y(w.location::geometry),
       w.address, w.status, w.status_changed_on, w.connectivity, w.connectivity_provider,
       w.has_learning_room, w.learning_room_seats, w.learning_room_devices, w.opening_hours,
       w.last_check_in_at, w.is_stale, w.stale_since, w.is_sample
FROM warkop_warkop w JOIN villages_village v ON v.code = w.village_id
ORDER BY w.id LIMIT 1000
"""


def setup(args) -> None:
    inprocess.setup(args.database, args.host, cache_url=args.cache_url)


def envelope(rows, count, url_next):
    return {"count": count, "next": url_next, "previous": None, "results": rows}


def point(x, y):
    return None if x is None else {"lat": round(y, 6), "lng": round(x, 6)}


def floor_villages(cursor, orjson):
    cursor.execute("SELECT count(*) FROM villages_village")
    (count,) = cursor.fetchone()
    cursor.execute(VILLAGE_SQL)
    fetched = cursor.fetchall()
    rows = [
        {
            "code": r[0],
            "name": r[1],
            "kind": r[2],
            "district": r[3],
            "postal_code": r[4],
            "pilot_status": r[5],
            "centroid": point(r[6], r[7]),
        }
        for r in fetched
    ]
    return orjson.dumps(
        envelope(rows, count, "http://testserver/api/v1/villages/?page=2&page_size=1000")
    )


def floor_kiosks(cursor, orjson, zone):
    cursor.execute("SELECT count(*) FROM warkop_warkop")
    (count,) = cursor.fetchone()
    cursor.execute(KIOSK_SQL)
    fetched = cursor.fetchall()

    def when(value):
        if value is None:
            return None
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def day(value):
        return None if value is None else value.isoformat()

    rows = [
        {
            "id": r[0],
            "name": r[1],
            "village": r[2],
            "village_name": r[3],
            "organisation": r[4],
            "owner_name": r[5],
            "owner_phone": r[6],
            "business_phone": r[7],
            "publish_phone": r[8],
            "location": point(r[9], r[10]),
            "address": r[11],
            "status": r[12],
            "status_changed_on": day(r[13]),
            "connectivity": r[14],
            "connectivity_provider": r[15],
            "has_learning_room": r[16],
            "learning_room_seats": r[17],
            "learning_room_devices": r[18],
            "opening_hours": r[19],
            "last_check_in_at": when(r[20]),
            "is_stale": r[21],
            "stale_since": day(r[22]),
            "is_sample": r[23],
        }
        for r in fetched
    ]
    return orjson.dumps(
        envelope(rows, count, "http://testserver/api/v1/kiosks/?page=2&page_size=1000")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_national")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args()
    setup(args)
    import orjson
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from portal.core.datacache import cache_key
    from portal.core.dataversion import current
    from portal.core.scopes import scope_key
    from villages.api.views import VillageViewSet
    from warkop.api.views import KioskViewSet

    zone = ZoneInfo(settings.TIME_ZONE)
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-staff"))

    user = get_user_model().objects.get(username="bench-staff")

    def api(url):
        # The list's own entry forgotten (computed afresh), the user's role and permissions
        # read as they are between two writes (portal.core.roles.user_access).
        key = cache_key(f"api:application/json:http://testserver{url}", scope_key(user), current())
        cache.delete(key)
        response = client.get(url)
        assert response.status_code == 200
        return response.content

    def timed(make):
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            make()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    print(f"database {args.database}, {args.rounds} rounds of {args.repeat}")
    print("| list (1,000 rows) | API ms | floor ms | API / floor | DRF ms | DRF / floor | bytes |")
    print("|---|---|---|---|---|---|---|")
    for label, url, viewset, floor in (
        ("villages", VILLAGES, VillageViewSet, lambda c: floor_villages(c, orjson)),
        ("kiosks", KIOSKS, KioskViewSet, lambda c: floor_kiosks(c, orjson, zone)),
    ):
        with connection.cursor() as cursor:
            body = floor(cursor)
        answer = api(url)
        assert answer == body, f"{label}: the floor's bytes differ from the API's"
        fast, slow, low = [], [], []
        for _ in range(args.rounds):
            with connection.cursor() as cursor:
                low.append(timed(lambda c=cursor, f=floor: f(c)))
            fast.append(timed(lambda u=url: api(u)))
            viewset.fast_list = False
            slow.append(timed(lambda u=url: api(u)))
            viewset.fast_list = True
        f, s, floor_ms = (statistics.median(x) for x in (fast, slow, low))
        print(
            f"| {label} | {f:.1f} | {floor_ms:.1f} | {f / floor_ms:.2f} | {s:.1f} | "
            f"{s / floor_ms:.2f} | {len(body):,} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
