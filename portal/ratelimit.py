"""An atomic fixed-window counter in the cache (Redis), for small throttles: invalid API tokens
per address (`portal.api.authentication`) and password-reset mails per address and per account
(`portal.forms.PasswordResetForm`).

A window is `window` seconds long, aligned on the clock; each key counts the events of the current
window with Redis' atomic INCR, and expires with it.

These throttles fail open: when Redis is unreachable, nothing is counted and nothing is refused
(a warning is logged), so an outage of the cache never turns into a 500 or locks anybody out.
The login lockout does not use this module: it lives in the database (django-axes).
"""

import logging
import time

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
HOUR = 3600


def _window(key: str, window: int) -> tuple[str, int]:
    """The cache key of the current window of `key`, and the seconds left in that window."""
    now = int(time.time())
    return f"ratelimit:{key}:{now // window}", window - now % window


def hit(key: str, *, limit: int, window: int) -> int:
    """Count one event for `key`. Returns 0 while at most `limit` events were counted in the
    current window, else the seconds until the window ends (for a Retry-After header)."""
    cache_key, left = _window(key, window)
    try:
        cache.add(cache_key, 0, timeout=left + 1)
        count = cache.incr(cache_key)
    except ValueError:  # the key expired between add() and incr(): a new window began
        return 0
    except RedisError as exc:  # Redis unreachable: fail open (see the module's docstring)
        logger.warning("Rate limit %s not counted, the cache is unreachable: %r", key, exc)
        return 0
    return left if count > limit else 0


def exceeded(key: str, *, limit: int, window: int) -> int:
    """Like `hit` without counting: the seconds until the window ends when `limit` events were
    already counted in it, else 0."""
    cache_key, left = _window(key, window)
    try:
        count = cache.get(cache_key, 0)
    except RedisError as exc:  # Redis unreachable: fail open (see the module's docstring)
        logger.warning("Rate limit %s not checked, the cache is unreachable: %r", key, exc)
        return 0
    return left if count >= limit else 0
