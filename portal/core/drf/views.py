"""Shared bases for the API views: role permissions and scopes applied in one place, and lists
read from the figures cache with validators."""

import hashlib

from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from rest_framework import status, viewsets
from rest_framework.response import Response

from portal.core import dataversion
from portal.core.datacache import cached, next_midnight
from portal.core.drf.fastlist import rows_for
from portal.core.drf.renderers import JSONRenderer
from portal.core.scopes import scope_key, scoped


class Validators:
    """The ETag of a cached answer for `request`: the name, the user's scope, the data's version
    and the day (figures by date), read once; `fresh` when the client already holds it."""

    def __init__(self, request, name: str):
        self.name = name
        self.scope = scope_key(request.user)
        self.version = dataversion.current()
        today = timezone.localdate().isoformat()
        key = f"{self.version}|{today}|{name}|{self.scope}"
        self.etag = f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
        self.fresh = self.etag in request.headers.get("If-None-Match", "")
        self.headers = {
            "ETag": self.etag,
            "Cache-Control": "private, no-cache",
            "Vary": "Accept, Accept-Language, Authorization, Cookie",
        }

    def read(self, build, until=next_midnight):
        return cached(self.name, build, scope=self.scope, until=until, version=self.version)


def cached_answer(request, name: str, build, *, until=next_midnight) -> Response:
    """`build()`'s data (a list page) read from the figures cache (portal/core/datacache.py),
    keyed by `name`, the user's scope, the language and the data's version, with an ETag: a
    client sending it back in If-None-Match gets 304 without a body until the data (or the day)
    changes. Errors raised by `build` are answered as usual and never kept."""
    validators = Validators(request, name)
    if validators.fresh:
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers=validators.headers)
    renderer = getattr(request, "accepted_renderer", None)
    if isinstance(renderer, JSONRenderer):  # kept as the bytes sent: nothing to render again
        media_type = request.accepted_media_type

        def render() -> bytes:
            return renderer.render(build(), media_type, {"request": request})

        body = validators.read(render, until)
        return HttpResponse(body, content_type=renderer.media_type, headers=validators.headers)
    return Response(validators.read(build, until), headers=validators.headers)


def cached_body(request, name: str, build, *, content_type: str, until=next_midnight):
    """As `cached_answer`, for a body `build()` writes itself (GeoJSON text)."""
    validators = Validators(request, name)
    if validators.fresh:
        return HttpResponseNotModified(headers=validators.headers)
    return HttpResponse(
        validators.read(build, until), content_type=content_type, headers=validators.headers
    )


class ScopedViewSetMixin:
    """Every queryset goes through `portal.core.scopes.scoped`, so out-of-scope objects are absent
    from lists and answer 404 on their own URLs. Lists are read from the figures cache
    (`cached_answer`): the same page costs its queries once per version of the data."""

    def get_queryset(self):
        return scoped(super().get_queryset(), self.request.user)

    def list_until(self):
        """When a list's figures change by the clock alone (default: midnight, for figures by
        date such as an offering's verification); None: only with the data."""
        return next_midnight()

    #: Read the list with values_list (portal.core.drf.fastlist) when the serializer allows it.
    fast_list = False

    def list(self, request, *args, **kwargs):
        def build():
            if self.fast_list and (data := rows_for(self)) is not None:
                return data
            return super(ScopedViewSetMixin, self).list(request, *args, **kwargs).data

        name = f"api:{request.accepted_media_type}:{request.build_absolute_uri()}"
        return cached_answer(request, name, build, until=self.list_until)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass
