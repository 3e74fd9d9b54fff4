"""API representations of the portal app's models."""

from rest_framework import serializers

from ..models import Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "contact_name",
            "contact_email",
            "contact_phone",
            "is_active",
        ]
