"""Query counts that must not grow with the data (issue #14): the dashboard, the pages and API
lists of the load benchmark's mix (bench/load.py) and the public finder cost as many queries on
a nearly empty Bengkulu portal as after a bulk of synthetic data (another province's registry,
hundreds of kiosks with their services, thousands of verified surveys with measurements, a
selected pilot in every second kecamatan, village connectivity rebuilt).

Each page is counted with an empty cache (a dashboard or list cached by scope recomputes) and
again right after (served from whatever the first request stored): both counts must stay equal.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coverage import services as coverage_services
from portal.core.roles import Role
from tests.coverage.factories import verified_survey
from tests.factories import UserFactory
from tests.warkop.factories import OfferingFactory, WarkopFactory, village
from villages.importers.regions import import_regions
from villages.models import Pilot, PilotStatus

pytestmark = pytest.mark.django_db

FINDER = "/layanan/?layanan=pln_token&desa=17.71.01.1001"
STAFF_PAGES = [
    "/",
    "/registry/districts/17.01.01/",
    "/registry/pilots/",
    "/warkop/",
    "/coverage/surveys/",
    "/coverage/villages/",
    "/api/v1/villages/?page_size=100",
    "/api/v1/villages/?page_size=100&page=3",
    "/api/v1/kiosks/",
    "/api/v1/offerings/",
    "/api/v1/surveys/",
    "/api/v1/pilots/",
    "/api/v1/coverage/map/?bbox=102.22,-3.87,102.46,-3.70&zoom=12",
]


def count(client: Client, url: str) -> tuple[int, int]:
    """(queries with an empty cache, queries of the same request right after)."""
    counts = []
    cache.clear()
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts.append(len(captured.captured_queries))
    return counts[0], counts[1]


def counts(staff: Client, anonymous: Client) -> dict[str, tuple[int, int]]:
    found = {url: count(staff, url) for url in STAFF_PAGES}
    found[FINDER] = count(anonymous, FINDER)
    return found


def small_data(officer, supervisor, staff) -> None:
    """A few rows in every list, made by the services and factories."""
    for code in ("17.71.01.1001", "17.01.01.2001"):
        OfferingFactory(warkop=WarkopFactory(village=village(code)))
    verified_survey(officer, supervisor)
    Pilot.objects.create(
        village=village("17.01.01.2001"),
        status=PilotStatus.SELECTED,
        proposed_on="2026-01-05",
        proposed_by="Camat",
        proposal_reason="Uji",
        recorded_by=staff,
        decided_on="2026-01-12",
        decided_by=staff,
    )


def another_province(directory) -> None:
    """A SYNTHETIC province 18 (1 kabupaten, 20 kecamatan, 600 desa) through the importer."""
    rows = {
        "provinces": ["code,name", "18,SINTETIS Provinsi"],
        "regencies": ["code,province_code,name", "18.01,18,Kabupaten SINTETIS"],
        "districts": ["code,regency_code,name"]
        + [f"18.01.{d:02},18.01,Kecamatan SINTETIS {d}" for d in range(1, 21)],
        "villages": ["code,district_code,name"]
        + [
            f"18.01.{d:02}.{2000 + v},18.01.{d:02},Desa SINTETIS {d}-{v}"
            for d in range(1, 21)
            for v in range(1, 31)
        ],
    }
    for name, lines in rows.items():
        (directory / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_regions(directory=directory)


BULK = """
SELECT setseed(0.14);
WITH v AS (
    SELECT array_agg(code ORDER BY code) AS codes, array_agg(ST_X(centroid) ORDER BY code) AS xs,
           array_agg(ST_Y(centroid) ORDER BY code) AS ys, count(*) AS n
    FROM villages_village WHERE code LIKE '17.%%' AND centroid IS NOT NULL
), k AS (
    SELECT g, 1 + floor(random() * v.n)::int AS i, random() AS r FROM v, generate_series(1, 300) g
)
INSERT INTO warkop_warkop
    (village_id, name, owner_name, owner_phone, business_phone, publish_phone, location, address,
     status, connectivity, connectivity_provider, has_learning_room, learning_room_seats,
     learning_room_devices, opening_hours, last_check_in_at, is_stale, stale_since, is_sample,
     created_at, updated_at)
SELECT v.codes[k.i], 'SINTETIS ' || k.g, 'SINTETIS', '', '0800' || k.g, k.r < 0.5,
       ST_SetSRID(ST_MakePoint(v.xs[k.i] + 0.001, v.ys[k.i]), 4326)::geography, '',
       CASE WHEN k.r < 0.8 THEN 'operational' ELSE 'preparing' END, '4g', '', false, 0, 0, '',
       now() - (k.g %% 30) * interval '1 day', k.r < 0.2, CASE WHEN k.r < 0.2 THEN current_date END,
       false, now(), now()
FROM k, v;

INSERT INTO payments_serviceoffering
    (warkop_id, category_id, provider_id, fee, hours, is_active, last_checked_on, notes,
     created_at, updated_at)
SELECT w.id, c.id, (SELECT min(id) FROM payments_provider), 2500, '', true, current_date, '',
       now(), now()
FROM warkop_warkop w CROSS JOIN payments_servicecategory c
WHERE w.name LIKE 'SINTETIS %%' AND (c.code = 'pln_token' OR random() < 0.3);

WITH v AS (
    SELECT array_agg(code ORDER BY code) AS codes, array_agg(ST_X(centroid) ORDER BY code) AS xs,
           array_agg(ST_Y(centroid) ORDER BY code) AS ys, count(*) AS n
    FROM villages_village WHERE code LIKE '17.%%' AND centroid IS NOT NULL
), p AS (
    SELECT g, 1 + floor(random() * v.n)::int AS i, random() AS r FROM v, generate_series(1, 3000) g
), s AS (
    INSERT INTO coverage_survey
        (client_uuid, officer_id, village_id, observed_at, location, accuracy_m, place_type, fibre,
         fibre_distance_m, fibre_provider, electricity, notes, best_technology,
         operators_with_signal, content_hash, source, review_status, reviewed_by_id, reviewed_at,
         review_reason, created_at, updated_at)
    SELECT gen_random_uuid(), %(officer)s, v.codes[p.i], now() - (p.g %% 90) * interval '1 day',
           ST_SetSRID(ST_MakePoint(v.xs[p.i], v.ys[p.i]), 4326), 10, 'settlement', 'none', NULL,
           '', 'pln_24h', 'SYNTHETIC', CASE WHEN p.r < 0.3 THEN '3g' ELSE '4g' END, 2,
           'synthetic', 'import', 'verified', %(supervisor)s, now(), '', now(), now()
    FROM p, v
    RETURNING id
)
INSERT INTO coverage_measurement (survey_id, operator, technology, signal_dbm)
SELECT s.id, o.operator, '4g', -85 FROM s CROSS JOIN (VALUES ('telkomsel'), ('xl')) o(operator);

WITH d AS (
    SELECT code, row_number() OVER (ORDER BY code) AS n FROM villages_district
    WHERE code LIKE '17.%%'
)
INSERT INTO villages_pilot
    (village_id, status, proposed_on, proposed_by, proposal_reason, recorded_by_id, decided_on,
     decided_by_id, decision_reason, created_at, updated_at)
SELECT (SELECT max(v.code) FROM villages_village v WHERE v.district_id = d.code),
       CASE WHEN d.n %% 2 = 0 THEN 'selected' ELSE 'proposed' END, current_date, 'SINTETIS',
       'SINTETIS', %(staff)s, CASE WHEN d.n %% 2 = 0 THEN current_date END,
       CASE WHEN d.n %% 2 = 0 THEN %(staff)s::bigint END, '', now(), now()
FROM d
ON CONFLICT (village_id) DO NOTHING;
"""


def big_data(tmp_path, officer, supervisor, staff) -> None:
    another_province(tmp_path)
    with connection.cursor() as cursor:
        cursor.execute(
            BULK, {"officer": officer.pk, "supervisor": supervisor.pk, "staff": staff.pk}
        )
    coverage_services.rebuild_derived(refresh_locations=False)


def test_query_counts_do_not_grow_with_the_data(tmp_path):
    staff_user = UserFactory(role=Role.PROVINCIAL_STAFF)
    officer = UserFactory(role=Role.OFFICER, scope__regencies=["17.01"])
    supervisor = UserFactory(role=Role.SUPERVISOR, scope__regencies=["17.01"])
    staff, anonymous = Client(), Client()
    staff.force_login(staff_user)
    small_data(officer, supervisor, staff_user)
    for url in STAFF_PAGES:  # one-off work of the first request of a process (caches)
        staff.get(url)
    anonymous.get(FINDER)
    small = counts(staff, anonymous)

    big_data(tmp_path, officer, supervisor, staff_user)
    from warkop.models import Warkop

    assert Warkop.objects.count() > 300
    big = counts(staff, anonymous)

    grown = {url: (small[url], big[url]) for url in small if small[url] != big[url]}
    assert not grown, f"query counts (cold, warm) small → big: {grown}"
