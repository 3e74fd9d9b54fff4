"""API throttles: per token (or user), per anonymous address, and survey uploads on their own rate.

Every limit is a rate `N/period` from the settings (`API_RATE_*`, for example `2000/hour`),
counted by `portal.core.ratelimit` (exact under concurrency; a throttled request is told a short
`Retry-After`; open with a logged warning while Redis is down: logins do not depend on it, they
are counted in PostgreSQL).

- API tokens (and browser sessions) are counted per token (per user), `API_RATE_PER_TOKEN`;
- anonymous callers per client address (`portal.core.clients.client_address`), `API_RATE_ANONYMOUS`;
- survey uploads (`POST /api/v1/surveys/`) per token or user on their own rate,
  `API_RATE_SURVEY_SYNC`, sized to what a phone sends after a week offline, not to the partner
  rate: a field officer's outbox is never told to wait an hour.
"""

import math

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from portal.core import ratelimit
from portal.core.clients import client_address


class PortalThrottle(BaseThrottle):
    """A rate from the setting named by `rate_setting`, counted per `ident()`."""

    scope = ""
    rate_setting = ""

    def ident(self, request) -> str | None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def allow_request(self, request, view):
        ident = self.ident(request)
        if ident is None:
            return True
        limit, window = ratelimit.parse_rate(getattr(settings, self.rate_setting))
        self.wait_seconds = ratelimit.hit(
            f"throttle_{self.scope}_{ident}", limit=limit, window=window
        )
        return self.wait_seconds == 0

    def wait(self):
        return max(1, math.ceil(self.wait_seconds))


def _user_ident(request) -> str | None:
    if not request.user or not request.user.is_authenticated:
        return None
    # A request authenticated by an API token (a row: portal.accounts' ApiToken) counts per token.
    if getattr(request.auth, "pk", None) is not None:
        return f"t{request.auth.pk}"
    return f"u{request.user.pk}"


class TokenRateThrottle(PortalThrottle):
    """Per API token; a browser session is counted per user."""

    scope = "token"
    rate_setting = "API_RATE_PER_TOKEN"

    def ident(self, request):
        return _user_ident(request)


class AnonRateThrottle(PortalThrottle):
    """Anonymous callers, per client address."""

    scope = "anon"
    rate_setting = "API_RATE_ANONYMOUS"

    def ident(self, request):
        if request.user and request.user.is_authenticated:
            return None
        return client_address(request)


class SurveySyncThrottle(PortalThrottle):
    """Survey uploads, per token or user, on their own rate."""

    scope = "survey_sync"
    rate_setting = "API_RATE_SURVEY_SYNC"

    def ident(self, request):
        return _user_ident(request)
