"""The load benchmark's workload (bench/load.py): the mix of issue #14 drawn from the database."""

import math
import random
import sys

import psycopg2

MIX = (  # (kind, weight in %)
    ("dashboard", 15),
    ("kecamatan", 20),
    ("village_api", 20),
    ("kiosk_list", 15),
    ("map_z12", 10),
    ("finder", 20),
)
ANONYMOUS = {"finder", "healthz"}
# A zoom-12 view of a 1366×900 window (as bench/coverage_map.py's "z12 kecamatan"), in degrees.
Z12_WIDTH, Z12_HEIGHT = 0.24, 0.17


def workload(dsn: str, province: str, count: int, seed: int) -> dict[str, list[tuple[str, str]]]:
    """For each target, `count` (kind, path) pairs drawn with `seed` from the database."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT code, ST_X(centroid), ST_Y(centroid) FROM villages_district "
            "WHERE code LIKE %s AND centroid IS NOT NULL ORDER BY code",
            [province + ".%"],
        )
        districts = cur.fetchall()
        cur.execute(
            "SELECT code FROM villages_village WHERE code LIKE %s AND centroid IS NOT NULL "
            "ORDER BY code",
            [province + ".%"],
        )
        villages = [code for (code,) in cur.fetchall()]
        cur.execute("SELECT code FROM payments_servicecategory WHERE is_active ORDER BY code")
        categories = [code for (code,) in cur.fetchall()]
        cur.execute("SELECT count(*) FROM villages_village")
        village_pages = max(1, math.ceil(cur.fetchone()[0] / 100))
    if not districts or not villages or not categories:
        sys.exit(f"No kecamatan, village or service of province {province} in the database.")
    rng = random.Random(seed)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]

    def path(kind: str) -> str:
        if kind == "dashboard":
            return "/"
        if kind == "kecamatan":
            return f"/registry/districts/{rng.choice(districts)[0]}/"
        if kind == "village_api":
            return f"/api/v1/villages/?page_size=100&page={rng.randint(1, village_pages)}"
        if kind == "kiosk_list":
            return f"/warkop/?page={rng.randint(1, 5)}"
        if kind == "map_z12":
            _code, x, y = rng.choice(districts)
            x += rng.uniform(-0.05, 0.05)
            y += rng.uniform(-0.05, 0.05)
            w, h = Z12_WIDTH / 2, Z12_HEIGHT / 2
            box = f"{x - w:.4f},{y - h:.4f},{x + w:.4f},{y + h:.4f}"
            return f"/api/v1/coverage/map/?bbox={box}&zoom=12"
        return f"/layanan/?layanan={rng.choice(categories)}&desa={rng.choice(villages)}"

    mix = []
    for _ in range(count):
        kind = rng.choice(kinds)
        mix.append((kind, path(kind)))
    return {"mix": mix, "healthz": [("healthz", "/healthz/")] * count}
