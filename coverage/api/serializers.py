"""API representations of coverage surveys. Writes go through `coverage.services`."""

from rest_framework import serializers

from portal.core.drf.serializers import BoundedModelSerializer, BoundedSerializer
from villages.models import Village

from ..fields import MEASUREMENT_FIELDS, SURVEY_FIELDS
from ..models import (
    Electricity,
    Fibre,
    Measurement,
    Operator,
    PlaceType,
    Survey,
    SurveyPhoto,
    Technology,
)
from ..services import SurveyInput


class MeasurementSerializer(BoundedModelSerializer):
    operator = serializers.ChoiceField(choices=Operator.choices)
    technology = serializers.ChoiceField(choices=Technology.choices)
    signal_dbm = serializers.IntegerField(
        min_value=-150, max_value=-20, allow_null=True, required=False
    )
    download_mbps = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, allow_null=True, required=False
    )
    upload_mbps = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, allow_null=True, required=False
    )
    latency_ms = serializers.IntegerField(
        min_value=0, max_value=60000, allow_null=True, required=False
    )

    class Meta:
        model = Measurement
        fields = ["operator", *MEASUREMENT_FIELDS]


class PhotoSerializer(BoundedModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = SurveyPhoto
        fields = ["client_uuid", "caption", "url"]

    def get_url(self, photo) -> str:
        return photo.get_absolute_url()


def _entered_with_location() -> list[str]:
    """The fields an officer enters (coverage/fields.py), with the stored point read back
    (`location`) next to the latitude and longitude it was sent as."""
    names = list(SURVEY_FIELDS)
    names.insert(names.index("longitude") + 1, "location")
    return names


class SurveySerializer(BoundedModelSerializer):
    """A survey with its measurements. POST creates one (client UUID rule: 201 created, 200 the
    same survey again, 409 the UUID with other content)."""

    client_uuid = serializers.UUIDField()
    village = serializers.SlugRelatedField(
        slug_field="code", queryset=Village.objects.defer("boundary")
    )
    village_name = serializers.CharField(source="village.name", read_only=True)
    officer = serializers.CharField(source="officer.username", read_only=True)
    latitude = serializers.FloatField(min_value=-90, max_value=90, write_only=True)
    longitude = serializers.FloatField(min_value=-180, max_value=180, write_only=True)
    location = serializers.SerializerMethodField()
    accuracy_m = serializers.IntegerField(min_value=0, allow_null=True, required=False)
    place_type = serializers.ChoiceField(choices=PlaceType.choices)
    fibre = serializers.ChoiceField(choices=Fibre.choices, default=Fibre.NONE)
    fibre_distance_m = serializers.IntegerField(min_value=0, allow_null=True, required=False)
    fibre_provider = serializers.CharField(max_length=80, allow_blank=True, default="")
    electricity = serializers.ChoiceField(choices=Electricity.choices)
    notes = serializers.CharField(allow_blank=True, default="")
    measurements = MeasurementSerializer(many=True)
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Survey
        fields = [
            "client_uuid",
            "village",
            "village_name",
            "officer",
            *_entered_with_location(),
            "measurements",
            "photos",
            "best_technology",
            "operators_with_signal",
            "source",
            "review_status",
            "review_reason",
            "reviewed_at",
            "outside_village_m",
            "location_confirmed_at",
            "created_at",
        ]
        read_only_fields = [
            "best_technology",
            "operators_with_signal",
            "source",
            "review_status",
            "review_reason",
            "reviewed_at",
            "outside_village_m",
            "location_confirmed_at",
            "created_at",
        ]
        # The UUID rule is the service's: no unique validator answering 400 here.
        extra_kwargs = {"client_uuid": {"validators": []}}

    def get_location(self, survey) -> dict:
        return {"lat": round(survey.location.y, 6), "lng": round(survey.location.x, 6)}

    def to_input(self) -> SurveyInput:
        data = dict(self.validated_data)
        measurements = [dict(m) for m in data.pop("measurements")]
        return SurveyInput(**data, measurements=measurements)


class ReviewSerializer(BoundedSerializer):
    status = serializers.ChoiceField(choices=["verified", "rejected"])
    reason = serializers.CharField(allow_blank=True, default="")
    confirm_location = serializers.BooleanField(
        default=False,
        help_text="The supervisor confirms a location outside the village (outside_village_m).",
    )


class PhotoUploadSerializer(BoundedSerializer):
    client_uuid = serializers.UUIDField()
    image = serializers.FileField()
    caption = serializers.CharField(max_length=200, allow_blank=True, default="")
