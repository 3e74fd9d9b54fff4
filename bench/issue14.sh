#!/usr/bin/env bash
# Every figure of issue #14, from one run, in one file (var/issue14-YYYYmmdd-HHMMSS.md):
#
#     bash bench/issue14.sh            # ≈ 20 min on 2 cores; needs `make run` to have made
#                                      # bengkulu_portal once (the Bengkulu side of the pages)
#
# 1. the national SYNTHETIC database (bench/national.py: builds it, or migrates it, ~2 s);
# 2. server time of the load mix's pages, read from the figures cache and computed, with their
#    query counts, on the Bengkulu portal and on the national database (bench/pages.py);
# 3. the village and kiosk list APIs at 1,000 rows against SQL + orjson (bench/api_lists.py);
# 4. an export of 83,762 villages: first bytes, total time, memory (bench/exports.py);
# 5. the coverage map with 1,000,000 points at every zoom, bytes as sent (bench/coverage_map.py);
# 6. the load benchmark: the mix and /healthz/ at 25, 50 and 100 requests a second
#    (bench/load.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT="var/issue14-$(date +%Y%m%d-%H%M%S).md"
mkdir -p var
run() {
    echo "## $*" | tee -a "$OUT"
    echo '```' >>"$OUT"
    echo "\$ $*" >>"$OUT"
    "$@" 2>&1 | grep -v '^AXES\|UserWarning\|mw_instance' | tee -a "$OUT"
    echo '```' >>"$OUT"
}
{
    echo "# Issue #14 figures, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)"
    echo "$(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT"
run $PY bench/national.py
run $PY bench/pages.py --database bengkulu_portal --user staf
run $PY bench/pages.py --database bench_national
run $PY bench/api_lists.py
run $PY bench/exports.py
run $PY bench/coverage_map.py --repeat 10
run $PY bench/load.py
echo "written: $OUT"
