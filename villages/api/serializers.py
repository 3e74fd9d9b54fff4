"""API representations of the registry."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.core.drf.fastlist import point_read

from ..models import District, Pilot, Province, Regency, Village


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {"lat": {"type": "number"}, "lng": {"type": "number"}},
    }
)
class CentroidField(serializers.Field):
    """A point as {"lat": .., "lng": ..} (WGS84), or null."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        return {"lat": round(value.y, 6), "lng": round(value.x, 6)}

    def fast_read(self, path):
        """Read in SQL by the fast list path (portal.core.drf.fastlist)."""
        return point_read(path)


class ProvinceSerializer(serializers.ModelSerializer):
    centroid = CentroidField(allow_null=True)

    class Meta:
        model = Province
        fields = ["code", "name", "area_km2", "population", "centroid"]


class RegencySerializer(serializers.ModelSerializer):
    centroid = CentroidField(allow_null=True)
    province = serializers.CharField(source="province_id", read_only=True)

    class Meta:
        model = Regency
        fields = [
            "code",
            "name",
            "kind",
            "province",
            "area_km2",
            "population",
            "population_male",
            "population_female",
            "centroid",
        ]


class DistrictSerializer(serializers.ModelSerializer):
    centroid = CentroidField(allow_null=True)
    regency = serializers.CharField(source="regency_id", read_only=True)
    has_pilot = serializers.BooleanField(read_only=True)

    class Meta:
        model = District
        fields = ["code", "name", "regency", "has_pilot", "centroid"]


class VillageSerializer(serializers.ModelSerializer):
    centroid = CentroidField(allow_null=True)
    district = serializers.CharField(source="district_id", read_only=True)
    pilot_status = serializers.SerializerMethodField()
    #: get_pilot_status as an ORM path, for the fast list path (portal.core.drf.fastlist).
    fast_sources = {"pilot_status": "pilot__status"}

    class Meta:
        model = Village
        fields = ["code", "name", "kind", "district", "postal_code", "pilot_status", "centroid"]

    def get_pilot_status(self, village) -> str | None:
        pilot = getattr(village, "pilot", None)
        return pilot.status if pilot else None


class PilotSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="village_id", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    village_kind = serializers.CharField(source="village.kind", read_only=True)
    district = serializers.CharField(source="village.district_id", read_only=True)
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = Pilot
        fields = [
            "id",
            "village",
            "village_name",
            "village_kind",
            "district",
            "status",
            "proposed_on",
            "proposed_by",
            "proposal_reason",
            "decided_on",
            "decided_by",
            "decision_reason",
        ]
