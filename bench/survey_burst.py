"""5,000 surveys from one officer's token in one burst: all stored, each once.

    .venv/bin/python bench/survey_burst.py [--surveys 5000] [--clients 8] [--workers 4]
                                           [--database bench_survey_burst]

Starts gunicorn (`--workers`, sync) on a free loopback port against its own database (default
`bench_survey_burst`, created with PostGIS, the migrations and the Bengkulu registry on first
use), creates the officer `bench-burst` of Kabupaten Bengkulu Selatan with a read-write API token,
and sends `--surveys` surveys from `--clients` threads as fast as the server answers, with the
survey-sync rate the portal ships (`API_RATE_SURVEY_SYNC`). A client does what the field form does:
on 429 or 503 it waits `Retry-After` and sends the same survey (same client UUID) again; a 200
answer to a resend means "already stored". Afterwards the database must hold exactly one survey
per UUID sent. The surveys are marked `SYNTHETIC BURST` in their notes.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.coverage_map import setup_database  # noqa: E402

VILLAGE = "17.01.01.2001"


def setup(name: str) -> str:
    """The bench database (PostGIS, migrations, the Bengkulu registry: as the coverage map bench
    makes it) and the officer's token."""
    setup_database(name, "127.0.0.1")
    from coverage.models import Survey
    from portal.accounts.services import api_token_create
    from portal.core.roles import Role
    from tests.factories import UserFactory

    Survey.objects.filter(notes="SYNTHETIC BURST").delete()
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="bench-burst").delete()
    officer = UserFactory(username="bench-burst", role=Role.OFFICER, scope__regencies=["17.01"])
    _, secret = api_token_create(user=officer, name="burst", access="read_write", valid_days=1)
    return secret


def body(lat: float, lng: float) -> bytes:
    return json.dumps(
        {
            "client_uuid": str(uuid.uuid4()),
            "village": VILLAGE,
            "observed_at": "2026-01-05T09:00:00+07:00",
            "latitude": lat,
            "longitude": lng,
            "accuracy_m": 10,
            "place_type": "settlement",
            "fibre": "none",
            "electricity": "pln_24h",
            "notes": "SYNTHETIC BURST",
            "measurements": [
                {"operator": "telkomsel", "technology": "4g", "signal_dbm": -95},
                {"operator": "indosat", "technology": "none"},
            ],
        }
    ).encode()


def send_all(url: str, secret: str, bodies: list[bytes], clients: int) -> dict:
    statuses: Counter = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    queue = list(reversed(bodies))

    def client():
        while True:
            with lock:
                if not queue:
                    return
                data = queue.pop()
            while True:
                request = urllib.request.Request(
                    url,
                    data=data,
                    method="POST",
                    headers={
                        "Authorization": f"Bearer {secret}",
                        "Content-Type": "application/json",
                    },
                )
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:
                        status, retry = response.status, None
                except urllib.error.HTTPError as error:
                    status, retry = error.code, error.headers.get("Retry-After")
                except OSError:
                    status, retry = "connection error", "1"
                with lock:
                    statuses[status] += 1
                    latencies.append(time.perf_counter() - started)
                if status in (429, 503, "connection error"):
                    time.sleep(float(retry or 1))
                    continue
                break

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - started, "statuses": statuses, "latencies": latencies}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--surveys", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", default="bench_survey_burst")
    args = parser.parse_args()
    secret = setup(args.database)
    from villages.models import Village

    centroid = Village.objects.get(code=VILLAGE).centroid
    bodies = [body(round(centroid.y, 6), round(centroid.x, 6)) for _ in range(args.surveys)]

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
        ],
        cwd=REPO,
        env={**os.environ, "DEBUG": "1"},
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.2)
        result = send_all(f"http://127.0.0.1:{port}/api/v1/surveys/", secret, bodies, args.clients)
    finally:
        server.terminate()
        server.wait()

    from coverage.models import Survey

    stored = Survey.objects.filter(notes="SYNTHETIC BURST")
    sent = {json.loads(b)["client_uuid"] for b in bodies}
    stored_uuids = [str(u) for u in stored.values_list("client_uuid", flat=True)]
    latencies = sorted(result["latencies"])
    print(
        f"sent {args.surveys:,} surveys from {args.clients} clients to gunicorn -w {args.workers} "
        f"in {result['seconds']:.1f} s ({args.surveys / result['seconds']:.0f}/s)"
    )
    print("answers:", dict(result["statuses"]))
    print(
        f"latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms"
    )
    print(
        f"stored {len(stored_uuids):,}, distinct {len(set(stored_uuids)):,}, "
        f"all sent stored: {sent == set(stored_uuids)}"
    )
    if sent != set(stored_uuids) or len(stored_uuids) != len(set(stored_uuids)):
        sys.exit(1)


if __name__ == "__main__":
    main()
