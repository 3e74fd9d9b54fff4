"""Health probes of the services the portal depends on, and who may read their details.

Anybody gets the status (`/healthz/`: 200 {"status": "ok"} or 503 {"status": "unavailable"}),
which is all container health checks need. The details (each part's state, the PostGIS version,
timings) are for admins and provincial staff logged in, and for monitors that send the
HEALTH_TOKEN in the X-Health-Token header.
"""

import hmac
import time

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from kombu import Connection

from .roles import PROVINCE_WIDE, user_role

TOKEN_HEADER = "HTTP_X_HEALTH_TOKEN"  # noqa: S105 - the X-Health-Token header's name


def may_see_details(request) -> bool:
    """Whether the caller may read the health details: an admin or provincial staff member
    logged in, or a caller presenting HEALTH_TOKEN (compared in constant time)."""
    token = settings.HEALTH_TOKEN
    presented = request.META.get(TOKEN_HEADER, "")
    if token and presented and hmac.compare_digest(presented.encode(), token.encode()):
        return True
    try:
        user = getattr(request, "user", None)
        return user is not None and user_role(user) in PROVINCE_WIDE
    except DatabaseError:  # the database is down: who is asking cannot be known
        return False


def check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT PostGIS_Lib_Version()")
            postgis = cursor.fetchone()[0]
        return {"ok": True, "postgis": postgis, "ms": round((time.monotonic() - started) * 1000, 1)}
    except Exception as exc:  # any failure means "down"; the message says why
        return {"ok": False, "error": exc.__class__.__name__}


def check_broker() -> dict:
    started = time.monotonic()
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            conn.default_channel.client.ping()
        return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}


def check_cache() -> dict:
    """The Redis of the cache (CACHE_URL), which may be another server than the broker's."""
    started = time.monotonic()
    try:
        client = redis.Redis.from_url(
            settings.CACHES["default"]["LOCATION"], socket_connect_timeout=2, socket_timeout=2
        )
        with client:
            client.ping()
        return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
