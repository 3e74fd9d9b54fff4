"""Search and the finder at Bengkulu size and at national size: time, query count and plan.

    .venv/bin/python bench/search.py --database portal_villages --database bench_nat_villages \
        [--repeat 10] [--rounds 3]

A database written `NAME@DIR` is measured with the code of the checkout DIR (which holds a copy of
this script), e.g. the main branch before this change on a copy migrated back.

Each `--database` must exist with the branch's migrations applied (a copy of the national
synthetic database: `createdb -T bench_national bench_nat_NAME` then `manage.py migrate` with
DATABASE_URL pointing at the copy; never the shared `bench_national` itself). The script writes one
user (`bench-search`, provincial staff) into each. Each database is measured in its own process,
and the databases take turns, round after round (the machine is shared: compare medians measured
side by side).

Measured through Django's test client (middleware, session, permissions, SQL, templates; no
network) with DEBUG off for the request path (no query log): the registry search page for the
issue's queries, a kecamatan and a village page (the pilot-choice facts), the public finder with
a village (nearest kiosks) and with a typed place (the same
search), and `Village.objects.search()` across every province (no province filter). Reported per
URL: median of `--repeat` requests per round, the median of the rounds' medians, and the number of
SQL queries. Then the plans (`EXPLAIN ANALYZE`) that show the trigram indexes and the kiosks' GiST
index at work.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

REQUESTS = [
    ("search “batu ampr”", "/registry/search/?q=batu+ampr"),
    ("search “Kephiang”", "/registry/search/?q=Kephiang"),
    ("search “kepahyang”", "/registry/search/?q=kepahyang"),
    ("search “batuampar”", "/registry/search/?q=batuampar"),
    ("search “air” (common)", "/registry/search/?q=air"),
    ("search code “17.03”", "/registry/search/?q=17.03"),
    ("kecamatan page (Lais, 13 villages, their facts)", "/registry/districts/17.03.10/"),
    ("village page (Air Padang, its facts)", "/registry/villages/17.03.10.2009/"),
    ("finder: village → nearest kiosks", "/layanan/?layanan=pln_token&desa=17.71.01.1001"),
    ("finder: typed place “Kephiang”", "/layanan/?layanan=pln_token&q=Kephiang"),
]
#: `Village.objects.search()` over all provinces (the national registry when it is loaded).
NATIONWIDE = ["batu ampr", "kepahyang", "sukamaju", "air"]


def setup(database: str, host: str) -> None:
    os.environ["DATABASE_URL"] = f"postgis://postgres@{host}:5432/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["DEBUG"] = "1"  # development static files; the query log is switched off below
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["FINDER_RATE_PER_MINUTE"] = "1000000"
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False


def timed(call, repeat: int) -> float:
    call()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(repeat: int) -> dict:
    """One round in this process: {label: (median ms, queries)}."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.core.roles import Role
    from villages.models import Village

    user, _ = get_user_model().objects.get_or_create(username="bench-search")
    user.groups.add(Group.objects.get(name=Role.PROVINCIAL_STAFF.value))
    staff, public = Client(), Client()
    staff.force_login(user)
    results = {}
    for label, url in REQUESTS:
        client = public if url.startswith("/layanan/") else staff

        def get(url=url, client=client):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        reset_queries()  # the test client's request_started empties the log
        with CaptureQueriesContext(connection) as queries:
            get()
        count = len(queries)  # now: later requests empty the log it reads
        results[label] = (timed(get, repeat), count)
    for q in NATIONWIDE:

        def run(q=q):
            return list(Village.objects.search(q).defer("boundary")[:30])

        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            run()
        count = len(queries)
        results[f"Village.objects.search(“{q}”), all provinces, 30 best"] = (
            timed(run, repeat),
            count,
        )
    return results


def plans() -> list[str]:
    from django.db import connection

    from payments.models import ServiceCategory
    from payments.selectors import nearest_offerings
    from villages.models import Village

    def explain(queryset, title):
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) {sql}", params)
            rows = [row[0] for row in cursor.fetchall()]
        keep = [
            r
            for r in rows
            if "Index" in r or "Execution" in r or "Planning" in r or "Seq Scan" in r
        ]
        return [f"-- {title}", *keep]

    village = Village.objects.defer("boundary").get(code="17.71.01.1001")
    category = ServiceCategory.objects.get(code="pln_token")
    return [
        *explain(
            Village.objects.search("batu ampr").filter(code__startswith="17.")[:30],
            "Village.objects.search('batu ampr') in province 17",
        ),
        *explain(Village.objects.search("kepahyang")[:30], "Village.objects.search('kepahyang')"),
        *explain(
            nearest_offerings(category=category, origin=village.centroid),
            "nearest_offerings(pln_token, Pagar Dewa)",
        ),
    ]


def child(args) -> None:
    setup(args.child, args.host)
    from villages.models import Village

    out = {"villages": Village.objects.count(), "rounds": []}
    out["rounds"].append(measure(args.repeat))
    if args.plans:
        out["plans"] = plans()
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", action="append", required=False, default=[])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--plans", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    databases = args.database or ["portal_villages"]
    runs = {name: [] for name in databases}
    sizes, plans_of = {}, {}
    for round_number in range(args.rounds):
        for name in databases:
            database, _at, source = name.partition("@")
            script = Path(source) / "bench" / "search.py" if source else Path(__file__)
            command = [sys.executable, str(script), "--child", database, "--host", args.host]
            command += ["--repeat", str(args.repeat)]
            if round_number == args.rounds - 1:
                command.append("--plans")
            output = subprocess.run(
                command, check=True, capture_output=True, text=True, cwd=script.parent.parent
            ).stdout
            data = json.loads(output.strip().splitlines()[-1])
            sizes[name] = data["villages"]
            runs[name] += data["rounds"]
            plans_of[name] = data.get("plans", plans_of.get(name))
    header = " | ".join(f"{name} ({sizes[name]:,} villages): ms (queries)" for name in databases)
    print(f"| request | {header} |")
    print("|---|" + "---|" * len(databases))
    for label in runs[databases[0]][0]:
        cells = []
        for name in databases:
            medians = [r[label][0] for r in runs[name]]
            queries = {r[label][1] for r in runs[name]}
            rounds = "/".join(f"{m:.1f}" for m in medians)
            cells.append(
                f"{statistics.median(medians):.1f} ({'/'.join(map(str, sorted(queries)))}) "
                f"[{rounds}]"
            )
        print(f"| {label} | " + " | ".join(cells) + " |")
    for name in databases:
        print(f"\nPlans on {name}:")
        print("\n".join(plans_of[name] or []))


if __name__ == "__main__":
    main()
