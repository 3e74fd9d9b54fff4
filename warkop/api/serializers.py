"""API representations of kiosks, check-ins and monthly reports. Writes go through
warkop.services; a partner's related objects are limited to their scope."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from payments.models import ServiceCategory
from portal.accounts.models import Organisation
from portal.core.drf.serializers import BoundedModelSerializer, BoundedSerializer
from portal.core.scopes import scoped
from villages.models import Village

from .. import services
from ..models import (
    CheckIn,
    CheckInKind,
    MonthlyReport,
    MonthlyReportLine,
    Warkop,
    WarkopStatus,
    WarkopStatusChange,
)


def as_drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's refusal as an API error (field errors stay per field)."""
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})


@extend_schema_field(
    {
        "type": "object",
        "properties": {"lat": {"type": "number"}, "lng": {"type": "number"}},
        "required": ["lat", "lng"],
    }
)
class LatLngField(serializers.Field):
    """A point as {"lat": .., "lng": ..} (WGS84). Built with a fixed SRID: no spatial reference
    text from the request reaches GDAL."""

    def to_representation(self, value):
        return {"lat": round(value.y, 6), "lng": round(value.x, 6)}

    def to_internal_value(self, data):
        if not isinstance(data, dict) or "lat" not in data or "lng" not in data:
            raise serializers.ValidationError('Give {"lat": .., "lng": ..}.')
        try:
            return services.point_from_lat_lng(data["lat"], data["lng"])
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related kiosk the requesting user may reach (others do not exist for them)."""

    def get_queryset(self):
        return scoped(super().get_queryset(), self.context["request"].user)


class WarkopSerializer(BoundedModelSerializer):
    village = serializers.SlugRelatedField(slug_field="code", queryset=Village.objects.all())
    village_name = serializers.CharField(source="village.name", read_only=True)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), allow_null=True, required=False
    )
    location = LatLngField()

    class Meta:
        model = Warkop
        fields = [
            "id",
            "name",
            "village",
            "village_name",
            "organisation",
            "owner_name",
            "owner_phone",
            "business_phone",
            "publish_phone",
            "location",
            "address",
            "status",
            "status_changed_on",
            "connectivity",
            "connectivity_provider",
            "has_learning_room",
            "learning_room_seats",
            "learning_room_devices",
            "opening_hours",
            "last_check_in_at",
            "is_stale",
            "stale_since",
            "is_sample",
        ]
        read_only_fields = [
            "status",
            "status_changed_on",
            "last_check_in_at",
            "is_stale",
            "stale_since",
            "is_sample",
        ]

    def _fields(self, data):
        return {key: data[key] for key in services.EDITABLE_FIELDS if key in data}

    def create(self, validated_data):
        fields = self._fields(validated_data)
        try:
            return services.warkop_create(
                village=validated_data["village"],
                location=validated_data["location"],
                organisation=validated_data.get("organisation"),
                by=self.context["request"].user,
                **fields,
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from None

    def update(self, instance, validated_data):
        extra = {}
        if "organisation" in validated_data:
            extra["organisation"] = validated_data["organisation"]
        try:
            return services.warkop_update(
                warkop=instance,
                village=validated_data.get("village"),
                location=validated_data.get("location"),
                by=self.context["request"].user,
                **extra,
                **self._fields(validated_data),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from None


class StatusChangeSerializer(BoundedModelSerializer):
    """A status transition: POST {status, reason, changed_on?} to …/kiosks/{id}/status/."""

    status = serializers.ChoiceField(choices=WarkopStatus.choices, source="to_status")
    changed_on = serializers.DateField(required=False)

    class Meta:
        model = WarkopStatusChange
        fields = ["id", "from_status", "status", "changed_on", "reason"]
        read_only_fields = ["id", "from_status"]


class CheckInSerializer(BoundedModelSerializer):
    warkop = ScopedRelatedField(queryset=Warkop.objects.all())
    kind = serializers.ChoiceField(choices=CheckInKind.choices)
    checked_in_at = serializers.DateTimeField(required=False)
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = CheckIn
        fields = ["id", "warkop", "kind", "checked_in_at", "note", "photo", "recorded_by"]
        read_only_fields = ["id", "recorded_by"]

    def create(self, validated_data):
        try:
            return services.checkin_record(
                warkop=validated_data["warkop"],
                kind=validated_data["kind"],
                note=validated_data.get("note", ""),
                photo=validated_data.get("photo"),
                checked_in_at=validated_data.get("checked_in_at"),
                by=self.context["request"].user,
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from None


class ReportLineSerializer(BoundedSerializer):
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=ServiceCategory.objects.all()
    )
    transaction_count = serializers.IntegerField()
    transaction_value = serializers.IntegerField(help_text="Rupiah")

    class Meta:
        model = MonthlyReportLine  # numbers bounded by its columns


class MonthlyReportSerializer(BoundedModelSerializer):
    warkop = ScopedRelatedField(queryset=Warkop.objects.all())
    lines = ReportLineSerializer(many=True, required=False)
    learning_sessions = serializers.IntegerField(required=False, default=0)
    learning_participants = serializers.IntegerField(required=False, default=0)
    submitted_by = serializers.StringRelatedField()

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "warkop",
            "month",
            "learning_sessions",
            "learning_participants",
            "notes",
            "lines",
            "submitted_by",
            "updated_at",
        ]
        read_only_fields = ["id", "submitted_by", "updated_at"]
        validators = []  # one report per kiosk and month: the service says so in words

    def _submit(self, *, warkop, month, data):
        lines = {
            line["category"]: (line["transaction_count"], line["transaction_value"])
            for line in data.get("lines", [])
        }
        try:
            report, _created = services.report_submit(
                warkop=warkop,
                month=month,
                lines=lines,
                learning_sessions=data.get("learning_sessions", 0),
                learning_participants=data.get("learning_participants", 0),
                notes=data.get("notes", ""),
                by=self.context["request"].user,
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from None
        return report

    def create(self, validated_data):
        warkop, month = validated_data["warkop"], validated_data["month"]
        if MonthlyReport.objects.filter(warkop=warkop, month=month.replace(day=1)).exists():
            raise serializers.ValidationError(
                {"month": "This kiosk already has a report for this month: correct it (PUT)."}
            )
        return self._submit(warkop=warkop, month=month, data=validated_data)

    def update(self, instance, validated_data):
        if "lines" not in validated_data:
            validated_data["lines"] = [
                {
                    "category": line.category,
                    "transaction_count": line.transaction_count,
                    "transaction_value": line.transaction_value,
                }
                for line in instance.lines.all()
            ]
        for key in ("learning_sessions", "learning_participants", "notes"):
            validated_data.setdefault(key, getattr(instance, key))
        return self._submit(warkop=instance.warkop, month=instance.month, data=validated_data)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["lines"] = [
            {
                "category": line.category.code,
                "transaction_count": line.transaction_count,
                "transaction_value": line.transaction_value,
            }
            for line in instance.lines.all()
        ]
        return data
