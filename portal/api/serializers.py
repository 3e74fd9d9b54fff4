"""API representations of the portal app's models."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from .. import services
from ..bounds import ColumnBoundsMixin
from ..models import Organisation


class BoundedModelSerializer(ColumnBoundsMixin, serializers.ModelSerializer):
    """The base of the portal's model serializers: a number its column cannot hold is a 400
    naming the field (portal/bounds.py)."""


class BoundedSerializer(ColumnBoundsMixin, serializers.Serializer):
    """The base of the portal's other serializers: numbers bounded by `Meta.model`'s column of
    the same name when there is one, by the widest integer column otherwise."""


class OrganisationSerializer(BoundedModelSerializer):
    """An organisation. Partner members change only its contact fields; its name, kind and
    `is_active` are provincial staff's (a partner's change to them is refused with a 400 naming
    the field). The rule is `portal.services.organisation_save`'s, shared with the page."""

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

    def _save(self, validated_data, organisation=None):
        try:
            return services.organisation_save(
                organisation=organisation, by=self.context["request"].user, **validated_data
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                error.message_dict
                if hasattr(error, "error_dict")
                else {"non_field_errors": error.messages}
            ) from None

    def create(self, validated_data):
        return self._save(validated_data)

    def update(self, instance, validated_data):
        return self._save(validated_data, organisation=instance)
