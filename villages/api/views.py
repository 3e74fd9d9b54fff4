"""Read-only registry endpoints. Lists filter through the shared FilterSets."""

import json

from django.contrib.gis.db.models.functions import AsGeoJSON
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from portal.core.drf.renderers import GeoJSONRenderer, JSONRenderer
from portal.core.drf.schema import GEOJSON_RESPONSE
from portal.core.drf.views import ScopedReadOnlyViewSet, cached_body

from .. import filtersets
from ..models import District, Pilot, Province, Regency, Village
from . import serializers

GEOJSON_LIMIT = 2000


class GeoJSONMixin:
    """`…/geojson/`: the filtered units as a GeoJSON FeatureCollection of their boundaries
    (or centroids where no boundary is known). Geometry is serialised by PostGIS."""

    geojson_properties: tuple[str, ...] = ("code", "name")

    @extend_schema(responses={(200, "application/geo+json"): GEOJSON_RESPONSE})
    @action(
        detail=False,
        url_path="geojson",
        pagination_class=None,
        renderer_classes=[JSONRenderer, GeoJSONRenderer],
    )
    def geojson(self, request):
        """Read from the figures cache, with an ETag (portal.core.drf.views.cached_body)."""
        name = f"geojson:{request.build_absolute_uri()}"
        return cached_body(
            request, name, self.geojson_body, content_type="application/geo+json", until=None
        )

    def geojson_body(self) -> str:
        queryset = self.filter_queryset(self.get_queryset())[:GEOJSON_LIMIT]
        rows = queryset.annotate(
            geometry_json=AsGeoJSON("boundary", precision=5),
            centroid_json=AsGeoJSON("centroid", precision=6),
        ).values(*self.geojson_properties, "geometry_json", "centroid_json")
        features = []
        for row in rows:
            boundary, centroid = row.pop("geometry_json"), row.pop("centroid_json")
            geometry = boundary or centroid or "null"
            properties = json.dumps(row, ensure_ascii=False)
            features.append(f'{{"type":"Feature","geometry":{geometry},"properties":{properties}}}')
        return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


class ProvinceViewSet(ScopedReadOnlyViewSet):
    fast_list = True
    queryset = Province.objects.defer("boundary").order_by("code")
    serializer_class = serializers.ProvinceSerializer
    filterset_class = filtersets.ProvinceFilterSet
    lookup_value_regex = r"\d{2}"


class RegencyViewSet(GeoJSONMixin, ScopedReadOnlyViewSet):
    fast_list = True
    queryset = Regency.objects.defer("boundary").order_by("code")
    serializer_class = serializers.RegencySerializer
    filterset_class = filtersets.RegencyFilterSet
    lookup_value_regex = r"\d{2}\.\d{2}"
    geojson_properties = ("code", "name", "kind")


class DistrictViewSet(GeoJSONMixin, ScopedReadOnlyViewSet):
    fast_list = True
    queryset = District.objects.with_pilot_status().defer("boundary").order_by("code")
    serializer_class = serializers.DistrictSerializer
    filterset_class = filtersets.DistrictFilterSet
    lookup_value_regex = r"\d{2}\.\d{2}\.\d{2}"
    geojson_properties = ("code", "name", "regency_id", "has_pilot", "pilot_count")


class VillageViewSet(GeoJSONMixin, ScopedReadOnlyViewSet):
    fast_list = True
    queryset = Village.objects.select_related("pilot").defer("boundary").order_by("code")
    serializer_class = serializers.VillageSerializer
    filterset_class = filtersets.VillageFilterSet
    lookup_value_regex = r"\d{2}\.\d{2}\.\d{2}\.\d{4}"
    geojson_properties = ("code", "name", "kind", "district_id", "pilot__status")


class PilotViewSet(ScopedReadOnlyViewSet):
    queryset = Pilot.objects.select_related("village", "decided_by").order_by("village__code")
    serializer_class = serializers.PilotSerializer
    filterset_class = filtersets.PilotFilterSet
