"""The OpenAPI schema against the running API: schemathesis generates requests from
`/api/schema/` and checks every answer, with a partner's, an officer's and a staff member's
read-write token, against a live server holding a small data set (tests/portal/api_data.py).

Gated checks (zero failures for each token): no server error, response bodies, status codes,
content types and headers as documented, 405 with an Allow header for undeclared methods, 401
without the token, and the stateful checks (a deleted offering stays gone). Two checks are run
and reported but not gated, because the portal's business rules are not in the schema: positive
data acceptance (a schema-valid kiosk outside its village's province, an unknown id, a duplicate
name or a disallowed status transition is rightly refused) and negative data rejection (DRF reads
0 as "0" for a text field and 0/1 as false/true, as every DRF API does).

The budget is small and fixed (seeded); `make schemathesis-long` runs a bigger one with every
phase (BENCHMARKS.md has its figures). Requests go to the local live server only.
"""

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from .api_data import ROLES, populate

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("committed_registry"),
]

#: Not gated (see the module's docstring): ST201 negative data rejection, ST202 positive data
#: acceptance.
ADVISORY = {"ST201", "ST202"}
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"))
PHASES = os.environ.get("SCHEMATHESIS_PHASES", "examples,fuzzing,stateful")
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261204")
WORKERS = os.environ.get("SCHEMATHESIS_WORKERS", "2")
#: Where the long run writes its figures (JSON, and each token's output beside it), if set.
SUMMARY = os.environ.get("SCHEMATHESIS_SUMMARY")


@pytest.fixture
def unthrottled(settings):
    """A few thousand requests a minute from one token and one address are the point here."""
    settings.API_RATE_PER_TOKEN = "1000000/hour"
    settings.API_RATE_ANONYMOUS = "1000000/hour"
    settings.API_RATE_SURVEY_SYNC = "1000000/hour"
    settings.API_INVALID_TOKENS_PER_ADDRESS = 1000000


def run_schemathesis(base_url: str, secret: str, workdir) -> tuple[dict, str, float]:
    """One schemathesis run with a token; returns its JSON report, its output and duration."""
    report_dir = workdir / "report"
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{base_url}/api/schema/",
        "--header",
        f"Authorization: Bearer {secret}",
        "--header",
        "Accept-Language: en",
        "--checks",
        "all",
        "--phases",
        PHASES,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        SEED,
        "--workers",
        WORKERS,
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "json",
        "--report-dir",
        str(report_dir),
    ]
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 - a fixed command against the local live server
        command,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    duration = time.monotonic() - started
    (workdir / "output.txt").write_text(result.stdout + result.stderr)
    reports = list(report_dir.glob("*.json"))
    assert reports, result.stdout[-5000:] + result.stderr[-5000:]
    return json.loads(reports[0].read_text()), result.stdout, duration


def test_the_api_answers_as_its_openapi_schema_says(live_server, unthrottled, tmp_path):
    secrets = populate()
    figures = {}
    problems = []
    for role in ROLES:
        workdir = tmp_path / role
        workdir.mkdir()
        report, output, duration = run_schemathesis(live_server.url, secrets[role], workdir)
        operations = report["operations"]
        assert operations["tested"] == operations["selected"] >= 60, operations
        assert not report["errors"], output[-5000:]
        gated = [f for f in report["failures"] if f["code"] not in ADVISORY]
        if gated:  # the whole output: a failure's details come before the summary
            problems.append(f"--- {role} ---\n{output}")
        figures[role] = {
            "operations": operations["tested"],
            "test_cases": report["test_cases"]["generated"],
            "failures": {f"{f['code']} {f['title']}": f["count"] for f in report["failures"]},
            "seconds": round(duration, 1),
        }
    print(json.dumps(figures, indent=2))  # noqa: T201 - shown with -s (make schemathesis-long)
    if SUMMARY:  # the long run keeps each token's whole output beside its figures
        for role in ROLES:
            shutil.copyfile(
                tmp_path / role / "output.txt", SUMMARY.replace(".json", f"-{role}.txt")
            )
        with open(SUMMARY, "w") as out:
            json.dump(
                {"max_examples": MAX_EXAMPLES, "phases": PHASES, "seed": SEED, **figures},
                out,
                indent=2,
            )
    assert not problems, "\n".join(problems)
