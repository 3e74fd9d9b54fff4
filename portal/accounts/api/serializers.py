"""API representations of organisations."""

from portal.accounts.models import Organisation
from portal.core.drf.serializers import BoundedModelSerializer

from .. import services


class OrganisationSerializer(BoundedModelSerializer):
    """An organisation. Partner members change only its contact fields; its name, kind and
    `is_active` are provincial staff's (a partner's change to them is refused with a 400 naming
    the field). The rule is `portal.accounts.services.organisation_save`'s, shared with the page;
    its refusals become 400/403 answers in the one exception handler (`portal.core.api`)."""

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

    def create(self, validated_data):
        return services.organisation_save(by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.organisation_save(
            organisation=instance, by=self.context["request"].user, **validated_data
        )
