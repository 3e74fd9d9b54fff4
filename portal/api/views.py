"""Shared bases for the API views: role permissions and scopes applied in one place; the JSON
404 of a URL under /api/ that no route matches."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import viewsets

from ..filtersets import OrganisationFilterSet
from ..models import Organisation
from ..scopes import scoped
from .serializers import OrganisationSerializer


class ScopedViewSetMixin:
    """Every queryset goes through `portal.scopes.scoped`, so out-of-scope objects are absent from
    lists and answer 404 on their own URLs."""

    def get_queryset(self):
        return scoped(super().get_queryset(), self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass


class OrganisationViewSet(ScopedModelViewSet):
    """Partner organisations. A partner member sees and updates only their own organisation."""

    queryset = Organisation.objects.order_by("name")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


def not_found(request, exception=None):
    """Django's 404 (`handler404`) for a URL no route matches: under /api/ the JSON that the API's
    own 404s give (a client reading JSON is not sent an HTML page), elsewhere the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
