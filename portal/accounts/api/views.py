"""API views of organisations."""

from portal.accounts.filtersets import OrganisationFilterSet
from portal.accounts.models import Organisation
from portal.core.drf.views import ScopedModelViewSet

from .serializers import OrganisationSerializer


class OrganisationViewSet(ScopedModelViewSet):
    """Partner organisations. A partner member sees and updates only their own organisation."""

    queryset = Organisation.objects.order_by("name")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
