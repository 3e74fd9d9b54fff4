"""Health probes of the services the portal depends on."""

import time

import redis
from django.conf import settings
from django.db import connection
from kombu import Connection


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
