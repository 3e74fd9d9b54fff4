"""The client's address behind the trusted proxies."""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """The client's IP address, the one function for it (login lockout, throttles, the finder).

    With TRUSTED_PROXY_COUNT = 0, REMOTE_ADDR: X-Forwarded-For is written by the client and is
    ignored. Behind N trusted proxies, each appending the address it received the request from,
    the Nth entry from the right of X-Forwarded-For (entries further left are the client's own
    and are ignored); REMOTE_ADDR when the header has fewer entries (the request did not come
    through the proxies). None when that is no valid address.
    """
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            entry.strip()
            for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if entry.strip()
        ]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
