"""The bases of every serializer: numbers bounded by their database columns."""

from rest_framework import serializers

from portal.core.bounds import ColumnBoundsMixin


class BoundedModelSerializer(ColumnBoundsMixin, serializers.ModelSerializer):
    """The base of the portal's model serializers: a number its column cannot hold is a 400
    naming the field (portal/core/bounds.py)."""


class BoundedSerializer(ColumnBoundsMixin, serializers.Serializer):
    """The base of the portal's other serializers: numbers bounded by `Meta.model`'s column of
    the same name when there is one, by the widest integer column otherwise."""
