"""Figures of bench/load.py: latency percentiles of one rate, CPU time read from /proc, and the
report (one line per rate, the markdown table)."""

import math
import os
import statistics
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted `values` (math.inf for a timeout); NaN when empty."""
    if not values:
        return math.nan
    return values[min(len(values) - 1, max(0, math.ceil(q / 100 * len(values)) - 1))]


def latencies(rows: list[dict]) -> list[float]:
    """Every request's time to its answer in ms, a timeout as math.inf, sorted."""
    return sorted(math.inf if row["error"] == "timeout" else row["ms"] for row in rows)


def summarise(rows: list[dict], *, rate: float, duration: float, timeout: float) -> dict:
    """Percentiles over every request sent (timeouts longest), errors, timeouts; per kind too."""
    times = latencies(rows)
    ok = [row for row in rows if row["error"] is None]
    lags = sorted(row["lag"] * 1000 for row in rows)
    kinds = {}
    for kind in sorted({row["kind"] for row in rows}):
        group = [row for row in rows if row["kind"] == kind]
        kind_times = latencies(group)
        answered = [row for row in group if row.get("bytes") is not None]
        kinds[kind] = {
            "sent": len(group),
            "p50_ms": percentile(kind_times, 50),
            "p95_ms": percentile(kind_times, 95),
            "p99_ms": percentile(kind_times, 99),
            "errors": sum(1 for row in group if row["error"] not in (None, "timeout")),
            "timeouts": sum(1 for row in group if row["error"] == "timeout"),
            "median_bytes": statistics.median(r["bytes"] for r in answered) if answered else None,
            "gzip_share": (
                round(sum(1 for r in answered if r.get("encoding") == "gzip") / len(answered), 2)
                if answered
                else None
            ),
        }
    errors: dict[str, int] = {}
    for row in rows:
        if row["error"] not in (None, "timeout"):
            errors[row["error"]] = errors.get(row["error"], 0) + 1
    return {
        "rate": rate,
        "duration_s": duration,
        "timeout_s": timeout,
        "sent": len(rows),
        "answered_per_s": round(len(ok) / duration, 1),
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "p99_ms": percentile(times, 99),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "timeouts": sum(1 for row in rows if row["error"] == "timeout"),
        "client_lag_p99_ms": round(percentile(lags, 99), 1),
        "kinds": kinds,
    }


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each living process of `pids`."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return seconds


def machine_busy() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)


def finite(value):
    """JSON has no infinity: a timeout percentile becomes null."""
    if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def ms(value: float | None, timeout: float) -> str:
    if value is None or value == math.inf:
        return f"≥ {timeout * 1000:.0f}"
    return f"{value:.0f}"


def line(run: dict) -> str:
    m = run["machine"]
    return (
        f"{run['target']:>7} {run['rate']:>4}/s: answered {run['answered_per_s']:.1f}/s, "
        f"p50 {ms(run['p50_ms'], run['timeout_s'])} p95 {ms(run['p95_ms'], run['timeout_s'])} "
        f"p99 {ms(run['p99_ms'], run['timeout_s'])} ms, {run['errors']} errors, "
        f"{run['timeouts']} timeouts; server {m['server_cores']} cores, PostgreSQL "
        f"{m['postgres_cores']}, client {m['client_cores']}, machine {m['machine_busy_pct']} % busy"
        f", {run.get('cpu_ms_per_request', '—')} CPU ms per request"
    )


def cost(group: list[dict]) -> str:
    values = [r["cpu_ms_per_request"] for r in group if "cpu_ms_per_request" in r]
    return f"{statistics.median(values):.1f}" if values else "—"


def table(runs: list[dict], kinds: list[str]) -> str:
    """Median over repeats per target and rate, as a markdown table."""
    out = [
        "| target | rate (req/s) | answered/s | p50 ms | p95 ms | p99 ms | errors | timeouts "
        "| server CPU (cores) | PostgreSQL CPU (cores) | CPU ms per request |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    keys = sorted({(r["target"], r["rate"]) for r in runs}, key=lambda k: (k[0] != "mix", k[1]))
    for target, rate in keys:
        group = [r for r in runs if (r["target"], r["rate"]) == (target, rate)]

        def med(key, group=group):
            return statistics.median(r[key] for r in group)

        def mach(key, group=group):
            values = [r["machine"][key] for r in group if r["machine"][key] is not None]
            return f"{statistics.median(values):.2f}" if values else "—"

        t = group[0]["timeout_s"]
        out.append(
            f"| {target} | {rate} | {med('answered_per_s'):.1f} | {ms(med('p50_ms'), t)} | "
            f"{ms(med('p95_ms'), t)} | {ms(med('p99_ms'), t)} | {med('errors'):.0f} | "
            f"{med('timeouts'):.0f} | {mach('server_cores')} | {mach('postgres_cores')} | "
            f"{cost(group)} |"
        )
    mix = [r for r in runs if r["target"] == "mix"]
    if mix:
        out += ["", "| rate (req/s) | " + " | ".join(kinds) + " |"]
        out.append("|---|" + "---|" * len(kinds))
        for rate in sorted({r["rate"] for r in mix}):
            group = [r for r in mix if r["rate"] == rate]
            cells = []
            for kind in kinds:
                p50 = statistics.median(r["kinds"][kind]["p50_ms"] for r in group)
                p95 = statistics.median(r["kinds"][kind]["p95_ms"] for r in group)
                cells.append(f"{ms(p50, group[0]['timeout_s'])} / {ms(p95, group[0]['timeout_s'])}")
            out.append(f"| {rate} | " + " | ".join(cells) + " |")
        out.append("")
        out.append("(per kind: p50 / p95 ms)")
    return "\n".join(out)
