"""503 instead of 500 while PostgreSQL does not answer.

A database error can surface anywhere below the middleware: in the session or authentication
middleware (reading the session, the user), in a view, in DRF's authentication (DRF passes such
errors on to Django), or when the session is saved on the way out. Django turns each into a 500
at the layer where it happened: through `handler500` (portal/urls.py: `server_error` below), after
sending `got_request_exception`. An error meaning "the database is unreachable"
(`OperationalError`, `InterfaceError`) answers 503 with a `Retry-After` instead: a small page for
browsers (it needs neither the database nor the session) and `{"detail": ...}` for the API. Other
exceptions keep their 500.

`server_error` does it in production, so the log says "Service Unavailable" with the traceback.
With DEBUG on, Django shows its debug page instead of calling handler500; the middleware, placed
above everything that may touch the database, then replaces that answer (the receiver below marks
the request), so development sees the same 503.

After the outage the next request reconnects: `CONN_HEALTH_CHECKS` (settings) makes a persistent
connection that died with the server be replaced before it is used.
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
MARK = "_portal_database_unavailable"


def _mark_database_errors(sender, request=None, **kwargs):
    """got_request_exception receiver: remember that this request failed on the database."""
    exc = sys.exc_info()[1]
    if request is not None and isinstance(exc, DATABASE_DOWN):
        setattr(request, MARK, exc)


got_request_exception.connect(_mark_database_errors, dispatch_uid="portal-database-unavailable")


def _language(request) -> str:
    """The language the page would have had (as portal.core.middleware.PortalLocaleMiddleware)."""
    supported = {code for code, _name in settings.LANGUAGES}
    if request.path_info.startswith("/api/"):
        return translation.get_language_from_request(request)
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return language if language in supported else settings.LANGUAGE_CODE


def database_unavailable_response(request) -> HttpResponse:
    """503 with Retry-After: JSON for the API, a page needing no database for browsers."""
    with translation.override(_language(request)):
        message = _("The database is not answering. Please try again in a minute.")
        if request.path_info.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            try:
                html = render_to_string("503.html", {"message": message, "request": request})
            except Exception:  # the page must not fail: fall back to text
                logger.exception("The 503 page could not be rendered")
                response = HttpResponse(message, status=503, content_type="text/plain")
            else:
                response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request, *args, **kwargs):
    """handler500: 503 for an unreachable database, Django's 500 page for anything else."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return database_unavailable_response(request)
    return defaults.server_error(request, *args, **kwargs)


class DatabaseUnavailableMiddleware:
    """Answer 503 (with Retry-After) when the request failed because PostgreSQL is unreachable.

    Place it above the session and authentication middleware (settings.MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except DATABASE_DOWN as exc:  # only with DEBUG_PROPAGATE_EXCEPTIONS
            setattr(request, MARK, exc)
            response = None
        exc = getattr(request, MARK, None)
        if exc is None or (response is not None and response.status_code == 503):
            return response
        logger.warning(
            "Database unavailable (%s: %s): 503 for %s %s",
            exc.__class__.__name__,
            str(exc).strip().splitlines()[0] if str(exc).strip() else "",
            request.method,
            request.path,
        )
        return database_unavailable_response(request)
