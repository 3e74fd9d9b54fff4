"""The national SYNTHETIC benchmark database: the whole Kemendagri registry with made-up activity.

    .venv/bin/python bench/national.py [--database bench_national] [--host 127.0.0.1]
        [--kiosks 10000] [--surveys 1000000] [--areas DIR] [--centroids CSV] [--ready FILE]

Builds (or completes: every step reuses what exists, so a second run takes seconds) a PostgreSQL
database with PostGIS and the migrations (`scripts/ensure_db.py`, `migrate`) holding:

- the national registry: 38 provinces, 514 regencies, 7,285 districts, 83,762 villages, imported
  with `import_regions` from idn-area-data 4.0.1 (`../shared/data/idn-area-data`, or --areas);
- centroids of every unit from `indonesia_centroids.csv` (cahyadsn/wilayah_boundaries, MIT; read
  its SOURCE.md), set in SQL; the 359 villages without a row there get a SYNTHETIC
  centroid (their district's, moved by up to 0.01°), listed in the table
  `bench_synthetic_centroid`;
- Bengkulu's real boundaries and figures (villages/data/bengkulu: `import_boundaries`,
  `import_stats`), as in production;
- SYNTHETIC activity, all made up and labelled so: 10,000 kiosks named "SINTETIS 00001"…, owner
  "SINTETIS (data benchmark)", spread over random villages of the whole country within ~300 m of
  the village centroid (70 % operational, of which one in six stale), each operational kiosk
  offering about 40 % of the service catalogue; 1,000,000 verified surveys by the user
  `bench-synthetic` (notes "SYNTHETIC BENCHMARK POINT", within ~330 m of a random village's
  centroid, so they count; no measurements, as in bench/coverage_map.py); a selected pilot
  (proposed by "SINTETIS") in every second kecamatan of the country;
- the map grid and village connectivity rebuilt (`coverage.services.rebuild_derived`), VACUUM
  ANALYZE; the users `bench-staff` (provincial staff) and `bench-synthetic`, password "bench".

Synthetic rows are inserted in SQL with triggers off (`session_replication_role = replica`: no
audit rows), with a fixed random seed. The kiosks are not `is_sample` (the programme's figures
leave sample kiosks out; these must be counted to load the pages). At the end the database URL is
written to the file --ready names, if given. Never write into this database from a branch:
copy it (`createdb -T bench_national bench_nat_NAME`) and migrate the copy.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SHARED = REPO.parent / "shared" / "data"  # the data folder beside the checkout (--areas)
VILLAGES = 83_762
PASSWORD = "bench"
KIOSK_PREFIX = "SINTETIS"
SURVEY_NOTE = "SYNTHETIC BENCHMARK POINT"


def step(label: str):
    """Print `label`, return a function printing the time since."""
    print(f"==> {label}", flush=True)
    started = time.perf_counter()
    return lambda what="done": print(f"    {what} in {time.perf_counter() - started:.1f} s")


def setup(name: str, host: str) -> None:
    os.environ["DATABASE_URL"] = f"postgis://postgres@{host}:5432/{name}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ.setdefault("DEBUG", "1")
    subprocess.run([sys.executable, str(REPO / "scripts" / "ensure_db.py")], check=True)
    import django

    django.setup()
    from django.core.management import call_command

    done = step("migrate")
    call_command("migrate", verbosity=0)
    done()


def registry(areas: Path, centroids: Path) -> None:
    from django.core.management import call_command

    from villages.models import Village

    if Village.objects.count() < VILLAGES:
        done = step(f"import_regions {areas}")
        call_command("import_regions", str(areas), verbosity=0)
        done()
    national_centroids(centroids)
    if not Village.objects.filter(boundary__isnull=False).exists():
        data = REPO / "villages" / "data" / "bengkulu"
        done = step("Bengkulu boundaries and figures")
        call_command("import_boundaries", str(data / "geo"), verbosity=0)
        call_command("import_stats", str(data / "stats"), verbosity=0)
        done()
    sql(
        "synthetic centroids for villages without one",
        """
        CREATE TABLE IF NOT EXISTS bench_synthetic_centroid (code varchar(13) PRIMARY KEY);
        SELECT setseed(0.141);
        WITH made AS (
            UPDATE villages_village v
            SET centroid = ST_SetSRID(ST_MakePoint(ST_X(d.centroid) + (random() - 0.5) * 0.02,
                                                   ST_Y(d.centroid) + (random() - 0.5) * 0.02),
                                      4326)
            FROM villages_district d
            WHERE d.code = v.district_id AND v.centroid IS NULL AND d.centroid IS NOT NULL
            RETURNING v.code
        )
        INSERT INTO bench_synthetic_centroid SELECT code FROM made ON CONFLICT DO NOTHING
        """,
    )


def national_centroids(path: Path) -> None:
    """The centroids of `path` (code,name,level,lat,lng) on every unit without one, in SQL with
    triggers off: `import_boundaries` does the same, but its audit of 83,403 village updates
    grows faster than linearly (3,000 rows 1.5 s, 6,497 rows 4.3 s; the whole file > 10 min)."""
    from django.db import connection, transaction

    done = step(f"centroids from {path}")
    updated = 0
    with transaction.atomic(), connection.cursor() as cursor, path.open(encoding="utf-8") as f:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_centroid "
            "(code text PRIMARY KEY, name text, level text, lat float8, lng float8) ON COMMIT DROP"
        )
        cursor.copy_expert("COPY bench_centroid FROM STDIN WITH (FORMAT csv, HEADER true)", f)
        for table in ("province", "regency", "district", "village"):
            cursor.execute(
                f"""UPDATE villages_{table} t
                    SET centroid = ST_SetSRID(ST_MakePoint(s.lng, s.lat), 4326)
                    FROM bench_centroid s WHERE s.code = t.code AND t.centroid IS NULL"""
            )
            updated += cursor.rowcount
    done(f"{updated:,} units")


def sql(label: str, statement: str, params=None) -> int:
    """Run `statement` in one transaction with triggers off; return the last rowcount."""
    from django.db import connection, transaction

    done = step(label)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(statement, params or {})
        count = cursor.rowcount
    done(f"{count:,} rows")
    return count


def users() -> tuple[int, int]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from portal.core.roles import Role

    model = get_user_model()
    synthetic, _ = model.objects.get_or_create(username="bench-synthetic")
    staff, created = model.objects.get_or_create(username="bench-staff")
    if created or not staff.has_usable_password():
        staff.set_password(PASSWORD)
        staff.save()
    staff.groups.add(Group.objects.get(name=Role.PROVINCIAL_STAFF.value))
    return synthetic.pk, staff.pk


# Villages as arrays (codes, x, y) for picking one at random by index: one scan, no join per row.
VILLAGE_ARRAYS = """
    v AS (
        SELECT array_agg(code ORDER BY code) AS codes,
               array_agg(ST_X(centroid) ORDER BY code) AS xs,
               array_agg(ST_Y(centroid) ORDER BY code) AS ys,
               count(*) AS n
        FROM villages_village WHERE centroid IS NOT NULL
    )
"""


def kiosks(count: int) -> None:
    have_sql = f"SELECT count(*) FROM warkop_warkop WHERE name LIKE '{KIOSK_PREFIX} %%'"
    sql(
        f"{count:,} synthetic kiosks",
        f"""
        SELECT setseed(0.142);
        WITH {VILLAGE_ARRAYS}, k AS (
            SELECT g, 1 + floor(random() * v.n)::int AS i, random() AS r, random() AS s FROM v,
                   generate_series(({have_sql}) + 1, %(count)s) AS g
        )
        INSERT INTO warkop_warkop
            (village_id, name, owner_name, owner_phone, business_phone, publish_phone, location,
             address, status, status_changed_on, connectivity, connectivity_provider,
             has_learning_room, learning_room_seats, learning_room_devices, opening_hours,
             last_check_in_at, is_stale, stale_since, is_sample, created_at, updated_at)
        SELECT v.codes[k.i], '{KIOSK_PREFIX} ' || lpad(k.g::text, 5, '0'),
               '{KIOSK_PREFIX} (data benchmark)', '', '08' || lpad(k.g::text, 10, '0'),
               k.s < 0.5,
               ST_SetSRID(ST_MakePoint(v.xs[k.i] + (random() - 0.5) * 0.005,
                                       v.ys[k.i] + (random() - 0.5) * 0.005), 4326)::geography,
               'Data sintetis untuk benchmark',
               CASE WHEN k.r < 0.70 THEN 'operational' WHEN k.r < 0.80 THEN 'preparing'
                    WHEN k.r < 0.90 THEN 'proposed' WHEN k.r < 0.95 THEN 'suspended'
                    ELSE 'closed' END,
               current_date - (k.g %% 200)::int,
               CASE WHEN k.s < 0.3 THEN 'fibre' WHEN k.s < 0.8 THEN '4g'
                    WHEN k.s < 0.9 THEN 'vsat' ELSE 'none' END,
               '', k.s < 0.4, CASE WHEN k.s < 0.4 THEN 10 ELSE 0 END,
               CASE WHEN k.s < 0.4 THEN 4 ELSE 0 END, 'Senin–Sabtu 08.00–21.00',
               CASE WHEN k.r < 0.70 AND k.s >= 1.0 / 6 THEN now() - (k.g %% 10) * interval '1 day'
                    WHEN k.r < 0.70 THEN now() - (15 + k.g %% 60) * interval '1 day' END,
               k.r < 0.70 AND k.s < 1.0 / 6,
               CASE WHEN k.r < 0.70 AND k.s < 1.0 / 6 THEN current_date - (1 + k.g %% 45)::int END,
               false, now(), now()
        FROM k, v
        """,
        {"count": count},
    )
    sql(
        "service offerings of the synthetic operational kiosks",
        f"""
        SELECT setseed(0.143);
        WITH p AS (SELECT array_agg(id ORDER BY id) AS ids, count(*) AS n
                   FROM payments_provider WHERE is_active)
        INSERT INTO payments_serviceoffering
            (warkop_id, category_id, provider_id, fee, hours, is_active, last_checked_on, notes,
             created_at, updated_at)
        SELECT w.id, c.id, p.ids[1 + (w.id + c.id) %% p.n], 2500 + 500 * ((w.id + c.id) %% 6), '',
               true, current_date - ((w.id + c.id) %% 120)::int, '{KIOSK_PREFIX}', now(), now()
        FROM warkop_warkop w CROSS JOIN payments_servicecategory c CROSS JOIN p
        WHERE w.name LIKE '{KIOSK_PREFIX} %%' AND w.status = 'operational' AND c.is_active
          AND random() < 0.4
          AND NOT EXISTS (SELECT 1 FROM payments_serviceoffering o WHERE o.warkop_id = w.id)
        """,
    )


def pilots(user: int) -> None:
    sql(
        "a selected pilot in every second kecamatan",
        f"""
        WITH d AS (
            SELECT code, row_number() OVER (ORDER BY code) AS n FROM villages_district
        ), first AS (
            SELECT d.code, min(v.code) AS village FROM d
            JOIN villages_village v ON v.district_id = d.code
            WHERE d.n %% 2 = 0 GROUP BY d.code
        )
        INSERT INTO villages_pilot
            (village_id, status, proposed_on, proposed_by, proposal_reason, recorded_by_id,
             decided_on, decided_by_id, decision_reason, created_at, updated_at)
        SELECT village, 'selected', current_date - 30, '{KIOSK_PREFIX}',
               'Data sintetis untuk benchmark', %(user)s, current_date - 20, %(user)s,
               'Data sintetis untuk benchmark', now(), now()
        FROM first
        ON CONFLICT (village_id) DO NOTHING
        """,
        {"user": user},
    )


def surveys(count: int, user: int) -> int:
    # bench/coverage_map.py's load, with the points within ~330 m (±0.003°) of the centroid:
    # villages without a boundary measure from their centroid, and a point beyond
    # SURVEY_LOCATION_TOLERANCE_M (500 m) would be flagged and not count.
    return sql(
        f"{count:,} synthetic verified surveys",
        f"""
        SELECT setseed(0.144);
        WITH {VILLAGE_ARRAYS}, p AS (
            SELECT g, 1 + floor(random() * v.n)::int AS i, random() AS r FROM v,
                   generate_series((SELECT count(*) FROM coverage_survey
                                    WHERE officer_id = %(user)s) + 1, %(count)s) AS g
        )
        INSERT INTO coverage_survey
            (client_uuid, officer_id, village_id, observed_at, location, accuracy_m,
             place_type, fibre, fibre_distance_m, fibre_provider, electricity, notes,
             best_technology, operators_with_signal, content_hash, source, review_status,
             reviewed_by_id, reviewed_at, review_reason, created_at, updated_at)
        SELECT gen_random_uuid(), %(user)s, v.codes[p.i],
               now() - (p.g %% 365) * interval '1 day',
               ST_SetSRID(ST_MakePoint(v.xs[p.i] + (random() - 0.5) * 0.006,
                                       v.ys[p.i] + (random() - 0.5) * 0.006), 4326),
               10, 'settlement', 'none', NULL, '', 'pln_24h', '{SURVEY_NOTE}',
               CASE WHEN p.r < 0.12 THEN 'none' WHEN p.r < 0.25 THEN '2g'
                    WHEN p.r < 0.40 THEN '3g' WHEN p.r < 0.97 THEN '4g' ELSE '5g' END,
               CASE WHEN p.r < 0.12 THEN 0 ELSE 1 + floor(random() * 3)::int END,
               'synthetic', 'import', 'verified', %(user)s, now(), '', now(), now()
        FROM p, v
        """,
        {"count": count, "user": user},
    )


def derived(added: int) -> None:
    from django.db import connection, transaction

    from coverage import services
    from coverage.models import MapCell, VillageConnectivity

    if added <= 0 and MapCell.objects.exists() and VillageConnectivity.objects.exists():
        return
    done = step("rebuild the map grid and village connectivity (rebuild_derived)")
    with transaction.atomic(), connection.cursor() as cursor:
        # No audit rows for the location flags of synthetic surveys.
        cursor.execute("SET LOCAL session_replication_role = replica")
        result = services.rebuild_derived()
    done(f"{result['cells']:,} cells, {result['villages']:,} villages")
    done = step("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    done()


def summary() -> dict:
    from django.db import connection

    queries = {
        "provinces": "SELECT count(*) FROM villages_province",
        "regencies": "SELECT count(*) FROM villages_regency",
        "districts": "SELECT count(*) FROM villages_district",
        "villages": "SELECT count(*) FROM villages_village",
        "villages with a centroid": "SELECT count(*) FROM villages_village "
        "WHERE centroid IS NOT NULL",
        "synthetic centroids": "SELECT count(*) FROM bench_synthetic_centroid",
        "villages with a boundary": "SELECT count(*) FROM villages_village "
        "WHERE boundary IS NOT NULL",
        "kiosks": "SELECT count(*) FROM warkop_warkop",
        "offerings": "SELECT count(*) FROM payments_serviceoffering",
        "selected pilots": "SELECT count(*) FROM villages_pilot WHERE status = 'selected'",
        "verified surveys": "SELECT count(*) FROM coverage_survey WHERE review_status = 'verified'",
        "surveys that count": "SELECT sum(survey_count) FROM coverage_villageconnectivity",
        "villages with connectivity": "SELECT count(*) FROM coverage_villageconnectivity",
    }
    figures = {}
    with connection.cursor() as cursor:
        for label, query in queries.items():
            cursor.execute(query)
            figures[label] = cursor.fetchone()[0]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_national")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--kiosks", type=int, default=10_000)
    parser.add_argument("--surveys", type=int, default=1_000_000)
    parser.add_argument("--areas", type=Path, default=SHARED / "idn-area-data")
    parser.add_argument(
        "--centroids", type=Path, default=SHARED / "geo" / "indonesia_centroids.csv"
    )
    parser.add_argument("--ready", type=Path, default=None, help="a file to write the URL to")
    args = parser.parse_args()
    started = time.perf_counter()
    setup(args.database, args.host)
    registry(args.areas, args.centroids)
    synthetic, _staff = users()
    kiosks(args.kiosks)
    pilots(synthetic)
    added = surveys(args.surveys, synthetic)
    derived(added)
    for label, value in summary().items():
        print(f"    {label}: {value:,}")
    url = os.environ["DATABASE_URL"]
    if args.ready:
        args.ready.write_text(url + "\n")
    print(f"{url} ready in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
