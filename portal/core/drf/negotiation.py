"""Content negotiation: the browsable API (HTML pages with forms) only while DEBUG is on."""

from django.conf import settings
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer


class PortalContentNegotiation(DefaultContentNegotiation):
    """Leaves out the browsable API unless DEBUG is on, whatever renderers a view declares:
    without DEBUG, `?format=api` answers 404 and `Accept: text/html` gets JSON (or 406). The
    settings list the renderer only when DEBUG is on; this also holds when DEBUG changes at run
    time (tests) or a view lists its own renderers."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if not settings.DEBUG:
            renderers = [r for r in renderers if not isinstance(r, BrowsableAPIRenderer)]
        return super().select_renderer(request, renderers, format_suffix)
