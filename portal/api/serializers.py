"""API representations of the portal app's models."""

from rest_framework import serializers

from ..bounds import ColumnBoundsMixin
from ..models import Organisation


class BoundedModelSerializer(ColumnBoundsMixin, serializers.ModelSerializer):
    """The base of the portal's model serializers: a number its column cannot hold is a 400
    naming the field (portal/bounds.py)."""


class BoundedSerializer(ColumnBoundsMixin, serializers.Serializer):
    """The base of the portal's other serializers: numbers bounded by `Meta.model`'s column of
    the same name when there is one, by the widest integer column otherwise."""


class OrganisationSerializer(BoundedModelSerializer):
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
