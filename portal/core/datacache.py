"""Figures read, not recomputed: a cache keyed by the data's version, the scope and the language.

`cached(name, build, scope=…)` returns what `build()` returned the last time it ran for this
name, scope and language at the current version of the data (portal/core/dataversion.py); any
committed write to a tracked table raises the version, so a figure is never older than the last
write. Figures that also move with the clock (a kiosk becomes stale fourteen days after its last
visit, a milestone's window passes midnight) give `until`: the entry is not kept past that
instant.

When the cache (Redis) is unreachable the figures are computed live, as if nothing were cached:
slower, never wrong (docs/operations.md, "When a part is down").
"""

import datetime
import hashlib
import logging
import math
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from redis.exceptions import RedisError

from . import dataversion

log = logging.getLogger(__name__)
T = TypeVar("T")


def cache_key(name: str, scope: str, version: str) -> str:
    """The Redis key: names come from requests (query strings), so they are hashed."""
    digest = hashlib.sha256(f"{name}|{scope}".encode()).hexdigest()[:40]
    return f"figures:{version}:{translation.get_language()}:{digest}"


def cached(
    name: str,
    build: Callable[[], T],
    *,
    scope: str = "",
    until: Callable[[], datetime.datetime | None] | None = None,
    version: str | None = None,
) -> T:
    """`build()`, or its result kept from an earlier call at the same version of the data.

    `scope` must name everything the result depends on besides the data and the language (the
    user's scope: portal.core.scopes.scope_key). `until`, called after `build`, gives the
    instant the result stops being true by the clock alone (None: not before the data changes).
    `version`: the data's version when the caller has just read it (dataversion.current()).
    """
    if version is None:
        version = dataversion.current()
    key = cache_key(name, scope, version)
    try:
        kept = cache.get(key)
    except RedisError as exc:
        log.warning("Figures cache unreachable (%s): %s computed live.", exc, name)
        return build()
    if kept is not None:
        return kept[0]
    value = build()
    seconds = settings.FIGURES_CACHE_SECONDS
    expires = until() if until else None
    if expires is not None:
        seconds = min(seconds, math.ceil((expires - timezone.now()).total_seconds()))
    if seconds > 0:
        try:
            cache.set(key, (value,), seconds)
        except RedisError as exc:
            log.warning("Figures cache unreachable (%s): %s not kept.", exc, name)
    return value


def cached_html(request, name: str, template: str, build_context, *, until=None) -> str:
    """`template` rendered with `build_context()` for `request`, read from the cache under `name`
    (which must say everything of the request the part depends on, such as its query string),
    the user's scope and the language. The part must hold nothing personal to the request (no
    CSRF token, no user name): pages keep those in the template around it."""
    from .scopes import scope_key

    return cached(
        f"html:{name}",
        lambda: render_to_string(template, build_context(), request),
        scope=scope_key(request.user),
        until=until,
    )


def next_midnight(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next local midnight (TIME_ZONE): when date-based figures (day n of the programme,
    overdue reports, date cut-offs) move."""
    local = timezone.localtime(now or timezone.now())
    tomorrow = local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time()))
