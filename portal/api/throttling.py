"""API throttling: exact under concurrency, short waits, and open when Redis is down.

Every limit is a rate `N/period` (settings `API_RATE_*`, for example `2000/hour`) enforced with the
generic cell rate algorithm (GCRA) in one Redis script, so concurrent requests are counted exactly
(one atomic step per request, no read-modify-write) and the answer to a throttled request says
how long until the next request is allowed: at most `period / N` seconds, never "come back in an
hour". Up to N requests may come at once (the burst); after that they are allowed at the rate.

Which limit applies:

- API tokens (and browser sessions) are counted per token (per user), `API_RATE_PER_TOKEN`;
- anonymous callers per client address, `API_RATE_ANONYMOUS`;
- survey uploads (`POST /api/v1/surveys/`) per token or user on their own limit,
  `API_RATE_SURVEY_SYNC`, sized to what a phone sends after a week offline, not to the partner
  rate: a field officer's outbox is never told to wait an hour.

When Redis cannot be reached the throttles let requests through and log a warning (at most once
a minute per process). Throttling protects capacity, not data: no permission or lockout depends
on it (logins are counted in PostgreSQL), so refusing every API call while Redis is down would
turn a cache outage into an API outage for no gain.
"""

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle

from ..auth import client_address
from ..models import ApiToken

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# GCRA in one step. KEYS[1]: the theoretical arrival time (TAT, microseconds) of the next request
# at the sustained rate. ARGV: interval between requests (µs) and the burst tolerance (µs). Returns
# 0 when allowed (and stores the new TAT), else the microseconds until a request is allowed.
GCRA_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - tolerance
if allow_at > now then return allow_at - now end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil((new_tat - now) / 1000) + 1000)
return 0
"""

_last_warning = 0.0


def parse_rate(rate: str) -> tuple[int, int]:
    """`"2000/hour"` → (2000, 3600): requests and the period in seconds."""
    count, period = rate.split("/")
    return int(count), PERIODS[period.strip()[0].lower()]


def _warn_once_a_minute(error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= 60:
        _last_warning = now
        logger.warning("API throttling is open: Redis is unreachable (%s)", error)


def consume(key: str, rate: str) -> float:
    """Count one request against `rate` under `key`. Returns 0 when it is allowed, else the
    seconds to wait. Redis unreachable: allowed (see the module docstring)."""
    count, period = parse_rate(rate)
    interval = period * 1_000_000 // count
    tolerance = interval * count
    try:
        client = cache._cache.get_client(key, write=True)
        wait = client.eval(GCRA_SCRIPT, 1, cache.make_key(key), interval, tolerance)
    except (RedisError, OSError) as error:
        _warn_once_a_minute(error)
        return 0
    return int(wait) / 1_000_000


class PortalThrottle(BaseThrottle):
    """Base: a rate from the settings named by `rate_setting`, counted per `ident()`."""

    scope = ""
    rate_setting = ""

    def ident(self, request) -> str | None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def allow_request(self, request, view):
        ident = self.ident(request)
        if ident is None:
            return True
        self.wait_seconds = consume(f"throttle_{self.scope}_{ident}", self.rate())
        return self.wait_seconds == 0

    def rate(self) -> str:
        return getattr(settings, self.rate_setting)

    def wait(self):
        return max(1, math.ceil(self.wait_seconds))


def _user_ident(request) -> str | None:
    if not request.user or not request.user.is_authenticated:
        return None
    if isinstance(request.auth, ApiToken):
        return f"t{request.auth.pk}"
    return f"u{request.user.pk}"


class TokenRateThrottle(PortalThrottle):
    """Per API token; a browser session is counted per user."""

    scope = "token"
    rate_setting = "API_RATE_PER_TOKEN"

    def ident(self, request):
        return _user_ident(request)


class AnonRateThrottle(PortalThrottle):
    """Anonymous callers, per client address (`portal.auth.client_address`)."""

    scope = "anon"
    rate_setting = "API_RATE_ANONYMOUS"

    def ident(self, request):
        if request.user and request.user.is_authenticated:
            return None
        return client_address(request)


class SurveySyncThrottle(PortalThrottle):
    """Survey uploads, per token or user, on their own limit (`API_RATE_SURVEY_SYNC`)."""

    scope = "survey_sync"
    rate_setting = "API_RATE_SURVEY_SYNC"

    def ident(self, request):
        return _user_ident(request)
