"""Answers to requests refused before they reach a view (Django's handler400): the reason in
words, as JSON under /api/ and as a page elsewhere; 413 for a request that is too large. And the
404 of a URL no route matches (handler404): JSON under /api/."""

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

from .uploads import refusal


def bad_request(request, exception=None):
    status, message = refusal(exception)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    try:
        body = render_to_string("400.html", {"message": message}, request=request)
    except Exception:  # the page needs the request; a request broken enough gets plain text
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, status=status)


def not_found(request, exception=None):
    """Django's 404 (`handler404`) for a URL no route matches: under /api/ the JSON that the API's
    own 404s give (a client reading JSON is not sent an HTML page), elsewhere the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
