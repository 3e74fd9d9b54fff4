"""API representations of organisations."""

from portal.accounts.models import Organisation
from portal.core.drf.serializers import BoundedModelSerializer


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
