"""API representations of the service catalogue and the offerings; writes go through services."""

from rest_framework import serializers

from portal.core.api import ScopedRelatedField
from portal.core.drf.serializers import BoundedModelSerializer
from warkop.models import Warkop

from .. import services
from ..models import Provider, ServiceCategory, ServiceOffering


class ServiceCategorySerializer(BoundedModelSerializer):
    class Meta:
        model = ServiceCategory
        fields = ["code", "label", "kind", "examples", "source", "is_active"]


class ProviderSerializer(BoundedModelSerializer):
    class Meta:
        model = Provider
        fields = ["code", "name", "kind", "is_programme_partner", "source", "is_active"]


class ServiceOfferingSerializer(BoundedModelSerializer):
    warkop = ScopedRelatedField(queryset=Warkop.objects.all())
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=ServiceCategory.objects.filter(is_active=True)
    )
    provider = serializers.SlugRelatedField(
        slug_field="code", queryset=Provider.objects.filter(is_active=True)
    )
    last_checked_by = serializers.StringRelatedField()
    is_unverified = serializers.BooleanField(read_only=True)

    class Meta:
        model = ServiceOffering
        fields = [
            "id",
            "warkop",
            "category",
            "provider",
            "fee",
            "hours",
            "is_active",
            "notes",
            "last_checked_on",
            "last_checked_by",
            "is_unverified",
        ]
        read_only_fields = ["id", "last_checked_on", "last_checked_by", "is_unverified"]
        validators = []  # the service words the uniqueness rule

    def _save(self, data, offering=None):
        current = offering or ServiceOffering()
        return services.offering_save(
            warkop=data.get("warkop", getattr(offering, "warkop", None)),
            category=data.get("category", getattr(offering, "category", None)),
            provider=data.get("provider", getattr(offering, "provider", None)),
            fee=data.get("fee", current.fee or 0),
            hours=data.get("hours", current.hours),
            is_active=data.get("is_active", current.is_active),
            notes=data.get("notes", current.notes),
            offering=offering,
            by=self.context["request"].user,
        )

    def create(self, validated_data):
        return self._save(validated_data)

    def update(self, instance, validated_data):
        return self._save(validated_data, offering=instance)
