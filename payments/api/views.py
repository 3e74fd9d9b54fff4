"""Service catalogue (read-only reference data) and kiosk offerings (scoped, written through
payments.services)."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.core.drf.views import ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import services
from ..filtersets import ServiceOfferingFilterSet
from ..models import Provider, ServiceCategory, ServiceOffering
from . import serializers


class ServiceCategoryViewSet(ScopedReadOnlyViewSet):
    queryset = ServiceCategory.objects.order_by("sort_order", "label")
    serializer_class = serializers.ServiceCategorySerializer
    lookup_field = "code"
    filterset_fields = ["kind", "is_active"]


class ProviderViewSet(ScopedReadOnlyViewSet):
    queryset = Provider.objects.order_by("name")
    serializer_class = serializers.ProviderSerializer
    lookup_field = "code"
    filterset_fields = ["kind", "is_programme_partner", "is_active"]


class ServiceOfferingViewSet(ScopedModelViewSet):
    """What each kiosk offers. Partners create and change their organisation's offerings only."""

    queryset = (
        ServiceOffering.objects.select_related("category", "provider", "last_checked_by")
        .with_verification()
        .order_by("warkop_id", "category__sort_order", "pk")
    )
    serializer_class = serializers.ServiceOfferingSerializer
    filterset_class = ServiceOfferingFilterSet
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    @extend_schema(request=None, responses={200: serializers.ServiceOfferingSerializer})
    @action(detail=True, methods=["post"], url_path="verify")
    def verify(self, request, pk=None):
        """Record that the offering was checked today (still offered, fee and hours right)."""
        offering = services.offering_verify(offering=self.get_object(), by=request.user)
        return Response(self.get_serializer(offering).data)
