"""Figures of bench/load.py: latency percentiles of one rate, and CPU time read from /proc."""

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
