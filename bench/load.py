"""Load benchmark: the portal under gunicorn (DEBUG=0), driven open-loop at fixed request rates.

    .venv/bin/python bench/load.py [--database bench_national] [--rates 25,50,100]
        [--duration 60] [--workers 4] [--threads 1] [--no-preload] [--jit]
        [--targets mix,healthz] [--repeat 1] [--url http://HOST:PORT]

Starts gunicorn with portal/gunicorn.conf.py (GUNICORN_* from the options) against the database
(default `bench_national`, made by bench/national.py), logs in as `bench-staff` (password
`bench`), then for each target and rate sends requests at a FIXED rate for --duration seconds,
whether or not earlier ones were answered (open loop: a slow server meets a growing queue, as
with real visitors, instead of slowing the client down), and reports latency percentiles, errors
and timeouts. Latency runs from the time a request was due to the last byte of its answer, so a
lagging client shows up instead of hiding the server's queue. A request not answered within
--timeout seconds counts as a timeout; the percentiles are over every request sent, timeouts
being longer than any answer ("≥ 5000" ms).

Targets:
- `mix`: 15 % dashboard (staff), 20 % kecamatan page (a Bengkulu kecamatan, staff), 20 % village
  API page of 100 (a random page of the whole list, staff), 15 % kiosk list (pages 1–5, staff),
  10 % coverage map at zoom 12 (a kecamatan-sized view around a Bengkulu kecamatan, staff), 20 %
  public finder (a service near a Bengkulu village, anonymous); the choices are random with a
  fixed seed, the same in every run;
- `healthz`: /healthz/ anonymous (the floor: the middleware, one SQL query, a ping of the
  broker and of the cache, each on a new connection).

Every request carries a made-up X-Forwarded-For (TRUSTED_PROXY_COUNT=1): the finder's throttle
per address sees many visitors, as behind a proxy. API_RATE_PER_TOKEN is raised for the run (one
staff user sends every API request). A warm-up (--warmup seconds at the lowest rate, not
reported) precedes each target. After a rate with timeouts or errors, gunicorn is restarted
(its queue still holds the requests the client gave up on) and warmed up for 5 s before the next
rate. The run writes sessions and login records into the database, nothing else (and rate-limit
counters and whatever the portal caches into the cache Redis of .env). Results: a markdown table
for BENCHMARKS.md and the total time on stdout, and everything (settings, machine load, per-kind
figures, server and PostgreSQL CPU, new database connections, memory) in
var/load-YYYYmmdd-HHMMSS.json. With --url an already running portal is measured instead (no
server CPU figures). Needs aiohttp (requirements-dev.txt).
"""

import argparse
import asyncio
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadmix import ANONYMOUS, MIX, workload  # noqa: E402
from loadstats import cpu_seconds, finite, line, machine_busy, summarise, table  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with portal/gunicorn.conf.py, started and stopped by this process."""

    def __init__(self, args, database_url: str):
        self.port = args.port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        logs = REPO / "var" / "load"
        logs.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "TRUSTED_PROXY_COUNT": "1",
            "API_RATE_PER_TOKEN": "100000000/hour",
            "DATABASE_JIT": "1" if args.jit else "0",
            "STATIC_ROOT": str(logs / "static"),
            "LOG_LEVEL": "WARNING",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(args.workers),
            "GUNICORN_THREADS": str(args.threads),
            "GUNICORN_PRELOAD": "0" if args.no_preload else "1",
            "GUNICORN_ACCESS_LOG": str(logs / "access.log"),
            "GUNICORN_LOG_LEVEL": "warning",
        }
        self.log = logs / "gunicorn.log"
        self.process = None

    def static_is_current(self) -> bool:
        """The collected files (their manifest) are newer than every source static file and
        than requirements.txt (packages bring static files too)."""
        manifest = Path(self.env["STATIC_ROOT"]) / "staticfiles.json"
        if not manifest.is_file():
            return False
        sources = [REPO / "static", *REPO.glob("*/static"), *REPO.glob("portal/*/static")]
        newest = max(
            (f.stat().st_mtime for d in sources for f in d.rglob("*") if f.is_file()), default=0
        )
        newest = max(newest, (REPO / "requirements.txt").stat().st_mtime)
        return manifest.stat().st_mtime > newest

    def start(self) -> None:
        python = sys.executable
        if not self.static_is_current():
            started = time.perf_counter()
            subprocess.run(
                [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                cwd=REPO, env=self.env, check=True,
            )  # fmt: skip
            print(f"collectstatic in {time.perf_counter() - started:.1f} s", flush=True)
        gunicorn = str(Path(python).with_name("gunicorn"))
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [gunicorn, "-c", "portal/gunicorn.conf.py", "portal.wsgi:application"],
                cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited ({self.process.returncode}); see {self.log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            self.stop()
            sys.exit(f"gunicorn did not listen within 90 s; see {self.log}")
        print(f"gunicorn pid {self.process.pid} on {self.url}", flush=True)

    def pids(self) -> list[int]:
        """The master and its workers."""
        if self.process is None:
            return []
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [self.process.pid, *map(int, children.read_text().split())]
        except OSError:
            return [self.process.pid]

    def pss_mb(self) -> float:
        """Memory of the master and workers, pages shared between them counted once (PSS)."""
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total / 1024

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def login(session: aiohttp.ClientSession, user: str, password: str) -> None:
    """Log `session` in through the login page, as a browser does."""
    async with session.get("/accounts/login/") as response:
        page = await response.text()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not match:
        sys.exit(f"No login form at /accounts/login/ ({response.status}).")
    data = {"username": user, "password": password, "csrfmiddlewaretoken": match.group(1)}
    async with session.post("/accounts/login/", data=data, allow_redirects=False) as response:
        if response.status != 302:
            sys.exit(
                f"Login as {user} failed ({response.status}); bench/national.py creates "
                f"bench-staff with the password {password!r}."
            )


class Clients:
    """The HTTP connections and sessions: `sessions` staff sessions (logged in once; their
    cookies survive a restart of the server) and one anonymous session."""

    def __init__(self, args, base: str):
        self.args, self.base = args, base
        self.jars: list[aiohttp.CookieJar] = []

    async def open(self) -> None:
        self.connector = aiohttp.TCPConnector(limit=0, force_close=self.args.no_keepalive)
        new = not self.jars
        if new:
            self.jars = [aiohttp.CookieJar(unsafe=True) for _ in range(self.args.sessions)]
        self.staff = [self.session(jar) for jar in self.jars]
        self.anonymous = self.session(aiohttp.DummyCookieJar())
        if new:
            for session in self.staff:
                await login(session, self.args.user, self.args.password)

    def session(self, jar) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            self.base, connector=self.connector, connector_owner=False, cookie_jar=jar
        )

    async def close(self) -> None:
        for session in [*self.staff, self.anonymous]:
            await session.close()
        await self.connector.close()


async def run_rate(clients: Clients, plan, rate, duration, offset=0) -> list[dict]:
    """Send `rate` × `duration` requests of `plan` (from `offset` on) at fixed intervals."""
    limit = aiohttp.ClientTimeout(total=clients.args.timeout)
    results: list[dict] = []
    loop = asyncio.get_running_loop()

    async def one(number: int, due: float, kind: str, path: str) -> None:
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        lag = loop.time() - due
        staff = clients.staff
        session = clients.anonymous if kind in ANONYMOUS else staff[number % len(staff)]
        headers = {"X-Forwarded-For": f"10.{number % 250}.{(number // 250) % 250}.{1 + number % 7}"}
        row = {"kind": kind, "status": None, "error": None, "lag": lag}
        try:
            async with session.get(
                path, headers=headers, timeout=limit, allow_redirects=False
            ) as response:
                body = await response.read()
                row["status"] = response.status
                row["bytes"] = int(response.headers.get("Content-Length") or len(body))
                row["encoding"] = response.headers.get("Content-Encoding", "")
            row["ms"] = (loop.time() - due) * 1000
            if response.status >= 300:  # a redirect is to the login page: an error here
                row["error"] = f"HTTP {response.status}"
        except TimeoutError:
            row["error"] = "timeout"
        except aiohttp.ClientError as exc:
            row["error"] = type(exc).__name__
            row["ms"] = (loop.time() - due) * 1000
        results.append(row)

    count = int(rate * duration)
    start = loop.time() + 0.2
    tasks = [
        asyncio.create_task(one(i, start + i / rate, *plan[(offset + i) % len(plan)]))
        for i in range(count)
    ]
    await asyncio.gather(*tasks)
    return results


async def recover(clients: Clients, server: "Server | None", plan) -> None:
    """After an overloaded rate: requests the client gave up on still wait in the server's
    queue. Restart gunicorn (or, with --url, wait until /healthz/ answers within 0.5 s), then
    warm up again briefly."""
    args = clients.args
    await clients.close()
    if server:
        server.stop()
        server.start()
    await clients.open()
    if not server:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                async with clients.anonymous.get("/healthz/") as response:
                    await response.read()
                if time.monotonic() - started < 0.5:
                    break
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(2)
    await run_rate(clients, plan, min(args.rates), min(5, args.warmup))


async def measure(args, base: str, server: "Server | None", dsn: str, plans) -> list[dict]:
    clients = Clients(args, base)
    await clients.open()
    runs = []
    offset = 0
    conn = psycopg2.connect(dsn)  # one connection for the samples, not counted as new
    conn.autocommit = True
    try:
        for target in args.targets:
            plan = plans[target]
            if args.warmup:
                await run_rate(clients, plan, min(args.rates), args.warmup)
            for repeat in range(args.repeat):
                for rate in args.rates:
                    await asyncio.sleep(args.pause)
                    before = sample(server, conn)
                    started = time.monotonic()
                    rows = await run_rate(clients, plan, rate, args.duration, offset)
                    wall = time.monotonic() - started
                    offset += len(rows)
                    after = sample(server, conn)
                    run = summarise(rows, rate=rate, duration=args.duration, timeout=args.timeout)
                    run.update(target=target, repeat=repeat + 1, wall_s=round(wall, 1))
                    run["machine"] = machine = resources(before, after, wall, server)
                    # What one request costs, whatever else the machine runs; not when requests
                    # were given up (the server goes on with them after the window).
                    if server and not run["timeouts"]:
                        cpu = (machine["server_cores"] + machine["postgres_cores"]) * wall
                        run["cpu_ms_per_request"] = round(1000 * cpu / max(1, run["sent"]), 1)
                    runs.append(run)
                    print(line(run), flush=True)
                    if run["timeouts"] or run["errors"]:
                        await recover(clients, server, plan)
    finally:
        conn.close()
        await clients.close()
    return runs


def sample(server: Server | None, conn) -> dict:
    """CPU seconds of the server, of the database's backends, of this client and of the machine;
    the database's session count (connections opened so far); load average."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        backends = [pid for (pid,) in cur.fetchall()]
        cur.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        sessions = cur.fetchone()[0]
    return {
        "server": cpu_seconds(server.pids()) if server else {},
        "postgres": cpu_seconds(backends),
        "client": time.process_time(),
        "machine": machine_busy(),
        "sessions": sessions,
        "loadavg": os.getloadavg()[0],
    }


def resources(before: dict, after: dict, wall: float, server: Server | None) -> dict:
    def used(key):
        return sum(after[key].values()) - sum(before[key].get(pid, 0) for pid in after[key])

    busy = (after["machine"][0] - before["machine"][0]) / max(
        1e-9, after["machine"][1] - before["machine"][1]
    )
    return {
        "server_cores": round(used("server") / wall, 2) if server else None,
        "postgres_cores": round(used("postgres") / wall, 2),
        "client_cores": round((after["client"] - before["client"]) / wall, 2),
        "machine_busy_pct": round(100 * busy, 1),
        "new_db_connections": after["sessions"] - before["sessions"],
        "loadavg_1m_before": round(before["loadavg"], 2),
        "server_pss_mb": round(server.pss_mb(), 1) if server else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_national")
    parser.add_argument("--host", default="127.0.0.1", help="PostgreSQL host")
    parser.add_argument("--province", default="17", help="Kemendagri code the mix draws from")
    parser.add_argument("--url", help="Measure this running portal instead of starting one.")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: free)")
    parser.add_argument("--rates", default="25,50,100")
    parser.add_argument("--duration", type=float, default=60, help="seconds per rate")
    parser.add_argument(
        "--warmup", type=float, default=15, help="seconds at the lowest rate (caches warm)"
    )
    parser.add_argument("--pause", type=float, default=3, help="seconds between rates")
    parser.add_argument("--timeout", type=float, default=5, help="seconds per request")
    parser.add_argument("--repeat", type=int, default=1, help="runs per rate (median reported)")
    parser.add_argument("--targets", default="mix,healthz")
    # Defaults: portal/gunicorn.conf.py's.
    parser.add_argument("--workers", type=int, default=int(os.environ.get("GUNICORN_WORKERS", 4)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("GUNICORN_THREADS", 1)))
    parser.add_argument("--no-preload", action="store_true")
    parser.add_argument("--jit", action="store_true", help="leave PostgreSQL's JIT on")
    parser.add_argument("--no-keepalive", action="store_true", help="a connection per request")
    parser.add_argument("--sessions", type=int, default=4, help="staff sessions")
    parser.add_argument("--user", default="bench-staff")
    parser.add_argument("--password", default="bench")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--label", default="", help="a note kept in the JSON")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    args.rates = [float(r) if "." in r else int(r) for r in args.rates.split(",")]
    args.targets = args.targets.split(",")
    started = time.monotonic()
    # Stopped by a signal: leave through the `finally` that stops gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped (SIGTERM)"))
    dsn = f"host={args.host} user=postgres dbname={args.database}"
    longest = int(max(args.rates) * max(args.duration, args.warmup))
    plans = workload(dsn, args.province, longest * args.repeat * len(args.rates), args.seed)
    server = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        server = Server(args, f"postgis://postgres@{args.host}:5432/{args.database}")
        server.start()
        base = server.url
    try:
        runs = asyncio.run(measure(args, base, server, dsn, plans))
    finally:
        if server:
            server.stop()
    config = {
        k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items() if k != "password"
    }
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = args.out or REPO / "var" / f"load-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {"config": config, "commit": commit, "cpus": os.cpu_count(), "runs": runs}
    out.write_text(json.dumps(finite(report), indent=1))
    print()
    print(
        f"gunicorn {args.workers} worker(s) × {args.threads} thread(s)"
        f"{'' if args.no_preload else ', preload'}, JIT {'on' if args.jit else 'off'}; "
        f"{args.duration:g} s per rate, timeout {args.timeout:g} s, commit {commit}"
    )
    print(table(runs, [kind for kind, _ in MIX]))
    print(f"\nresults in {out}; total {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
