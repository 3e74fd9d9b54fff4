"""Shared bases for the API views: role permissions and scopes applied in one place."""

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
