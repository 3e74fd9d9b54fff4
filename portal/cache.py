"""A Redis cache that fails open, for data the portal can do without while Redis is down.

`CACHES["fail_open"]` (settings) uses it. Its callers are listed there; each is a counter whose
loss only lets a few more requests through (the public finder's rate limit). While Redis does not
answer, reads miss (`get` returns the default, `add` reports the key as new, `incr` raises
ValueError as for a missing key) and writes are skipped; the first failure, and then one a minute,
is logged as a warning. Errors other than "Redis is unreachable" still reach the caller.

Uses that must not fail open (anything deciding who may do what) stay on `CACHES["default"]`,
where a Redis error reaches the caller.
"""

import functools
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY_SECONDS = 60
_last_warning = 0.0


def _warn(operation: str, exc: Exception) -> None:
    """Log a warning for the first failure and then at most once a minute (per process)."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning(
            "Redis cache unreachable (%s: %s): %s skipped; the fail-open cache's counters are "
            "not kept until Redis answers again.",
            exc.__class__.__name__,
            exc,
            operation,
        )
    else:
        logger.debug("Redis cache unreachable: %s skipped", operation)


def _fail_open(fallback):
    """Run the Redis operation; when Redis is unreachable return `fallback(*args, **kwargs)`."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                _warn(method.__name__, exc)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found (Redis is unreachable).")


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache whose operations succeed (as a miss or a skipped write) while Redis is
    unreachable. See the module docstring for what each operation answers."""

    @_fail_open(lambda *args, **kwargs: True)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_fail_open(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_fail_open(lambda *args, **kwargs: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_fail_open(lambda *args, **kwargs: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_fail_open(lambda *args, **kwargs: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_fail_open(lambda *args, **kwargs: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_fail_open(lambda *args, **kwargs: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_fail_open(_missing_key)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_fail_open(lambda data, *args, **kwargs: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_fail_open(lambda *args, **kwargs: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_fail_open(lambda *args, **kwargs: False)
    def clear(self):
        return super().clear()
