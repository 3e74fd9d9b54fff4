"""Answers to requests refused before they reach a view (Django's handler400): the reason in
words, as JSON under /api/ and as a page elsewhere; 413 for a request that is too large."""

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

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
