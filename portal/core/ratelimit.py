"""Rate limits counted in Redis: exact under concurrency, short waits, open while Redis is down.

One mechanism serves every limit of the portal that is not a login lockout (that one lives in
PostgreSQL, django-axes): the API throttles (`portal.core.drf.throttling`), invalid API tokens per
address (`portal.accounts.api.authentication`) and password-reset mails per address and per account
(`portal.accounts.forms.PasswordResetForm`).

A limit is "`limit` events per `window` seconds", enforced with the generic cell rate algorithm
(GCRA) in one Redis script: each event is one atomic step (no read-modify-write, so concurrent
requests are counted exactly), up to `limit` events may come at once, and after that one event
is allowed every `window / limit` seconds. A refused event is told how long until the next one is
allowed (`Retry-After`): at most one interval, never "the rest of the hour".

These limits fail open: when Redis is unreachable nothing is counted and nothing is refused, and
a warning is logged (at most once a minute per process). They protect capacity and slow down
guessing; no permission depends on them, so a cache outage must not become an outage of the API
or of password resets.
"""

import logging
import time

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

HOUR = 3600
PERIODS = {"s": 1, "m": 60, "h": HOUR, "d": 24 * HOUR}

# KEYS[1]: the theoretical arrival time (TAT, µs) of the next event at the sustained rate.
# ARGV: interval between events (µs), burst tolerance (µs), and 1 to count the event (0: only
# look). Returns 0 when the event is allowed, else the microseconds until one is.
GCRA_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local allow_at = tat + interval - tonumber(ARGV[2])
if allow_at > now then return allow_at - now end
if ARGV[3] == '1' then
  redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil((tat + interval - now) / 1000) + 1000)
end
return 0
"""

_last_warning = 0.0


def parse_rate(rate: str) -> tuple[int, int]:
    """`"2000/hour"` → (2000, 3600): events and the window in seconds."""
    count, period = rate.split("/")
    return int(count), PERIODS[period.strip()[0].lower()]


def _warn_once_a_minute(key: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= 60:
        _last_warning = now
        logger.warning("Rate limits are open, Redis is unreachable (%s): %r", key, error)


def _run(key: str, *, limit: int, window: int, count: bool) -> float:
    interval = window * 1_000_000 // limit
    try:
        client = cache._cache.get_client(key, write=True)
        redis_key = cache.make_key(f"ratelimit:{key}")
        wait = client.eval(GCRA_SCRIPT, 1, redis_key, interval, interval * limit, int(count))
    except (RedisError, OSError) as error:
        _warn_once_a_minute(key, error)
        return 0
    return int(wait) / 1_000_000


def hit(key: str, *, limit: int, window: int) -> float:
    """Count one event for `key`. Returns 0 when it is within `limit` per `window` seconds, else
    the seconds until an event is allowed (the refused event is not counted)."""
    return _run(key, limit=limit, window=window, count=True)


def exceeded(key: str, *, limit: int, window: int) -> float:
    """Like `hit` without counting: 0 when an event would be allowed now, else the seconds to
    wait."""
    return _run(key, limit=limit, window=window, count=False)
