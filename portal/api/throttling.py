"""Throttling: per API token (or per user for browser sessions) and per anonymous address."""

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from ..auth import client_address
from ..models import ApiToken


class AddressRateThrottle(AnonRateThrottle):
    """Counts anonymous requests per client address, as `portal.auth.client_address` sees it
    (DRF's own reading of X-Forwarded-For would let clients pick their address)."""

    def get_ident(self, request):
        return client_address(request) or "unknown"


class TokenRateThrottle(SimpleRateThrottle):
    """Counts requests per API token; a session user is counted per user."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # AddressRateThrottle counts these
        if isinstance(request.auth, ApiToken):
            ident = f"t{request.auth.pk}"
        else:
            ident = f"u{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


__all__ = ["AddressRateThrottle", "TokenRateThrottle"]
