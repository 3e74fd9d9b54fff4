"""API representations of kiosks, check-ins and monthly reports. Writes go through
warkop.services; a partner's related objects are limited to their scope."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.accounts.models import Organisation
from portal.core.api import ScopedRelatedField
from portal.core.drf.fastlist import point_read
from portal.core.drf.serializers import BoundedModelSerializer, BoundedSerializer
from villages.models import Village

from .. import selectors, services
from ..models import (
    CheckIn,
    CheckInKind,
    MonthlyReport,
    MonthlyReportLine,
    Warkop,
    WarkopStatus,
    WarkopStatusChange,
)


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

    def fast_read(self, path):
        """Read in SQL by the fast list path (portal.core.drf.fastlist)."""
        return point_read(path)

    def to_internal_value(self, data):
        if not isinstance(data, dict) or "lat" not in data or "lng" not in data:
            raise serializers.ValidationError('Give {"lat": .., "lng": ..}.')
        try:
            return services.point_from_lat_lng(data["lat"], data["lng"])
        except DjangoValidationError as error:
            # field-level validation: the messages become this field's own list
            raise serializers.ValidationError(error.messages) from None


class WarkopSerializer(BoundedModelSerializer):
    village = serializers.SlugRelatedField(slug_field="code", queryset=Village.objects.all())
    village_name = serializers.CharField(source="village.name", read_only=True)
    organisation = ScopedRelatedField(
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
        return services.warkop_create(
            village=validated_data["village"],
            location=validated_data["location"],
            organisation=validated_data.get("organisation"),
            by=self.context["request"].user,
            **fields,
        )

    def update(self, instance, validated_data):
        extra = {}
        if "organisation" in validated_data:
            extra["organisation"] = validated_data["organisation"]
        return services.warkop_update(
            warkop=instance,
            village=validated_data.get("village"),
            location=validated_data.get("location"),
            by=self.context["request"].user,
            **extra,
            **self._fields(validated_data),
        )


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
        return services.checkin_record(
            warkop=validated_data["warkop"],
            kind=validated_data["kind"],
            note=validated_data.get("note", ""),
            photo=validated_data.get("photo"),
            checked_in_at=validated_data.get("checked_in_at"),
            by=self.context["request"].user,
        )


class ReportLineSerializer(BoundedSerializer):
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=selectors.service_category_model().objects.all()
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

    def _submit(self, *, warkop, month, data, only_new=False):
        lines = {
            line["category"]: (line["transaction_count"], line["transaction_value"])
            for line in data.get("lines", [])
        }
        report, _created = services.report_submit(
            warkop=warkop,
            month=month,
            lines=lines,
            learning_sessions=data.get("learning_sessions", 0),
            learning_participants=data.get("learning_participants", 0),
            notes=data.get("notes", ""),
            by=self.context["request"].user,
            only_new=only_new,
        )
        return report

    def create(self, validated_data):
        # A POST is a new report: the service refuses a month that has one (PUT corrects it).
        return self._submit(
            warkop=validated_data["warkop"],
            month=validated_data["month"],
            data=validated_data,
            only_new=True,
        )

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
