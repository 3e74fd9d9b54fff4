"""The settings of the in-process benchmarks (bench/pages.py, bench/api_lists.py,
bench/serving.py): Django's test client against a benchmark database, DEBUG=0 as in production,
one persistent connection, no rate limits, the static files collected where bench/load.py keeps
them (pages link to their hashed names)."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def setup(database: str, host: str, *, cache_url: str | None = None, **environ: str) -> None:
    """Set the environment (`environ` last: it wins), start Django, collect the static files."""
    os.environ.update(
        {
            "DATABASE_URL": f"postgis://postgres@{host}:5432/{database}",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "0",
            "CONN_MAX_AGE": "3600",  # one connection: a SET lasts, no reconnect is timed
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "API_RATE_PER_TOKEN": "100000000/hour",
            "FINDER_RATE_PER_MINUTE": "100000000",
            "STATIC_ROOT": str(REPO / "var" / "load" / "static"),  # as bench/load.py
            **({"CACHE_URL": cache_url} if cache_url else {}),
            **environ,
        }
    )
    os.environ.setdefault("SECRET_KEY", "bench-in-process-" + "x" * 40)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
