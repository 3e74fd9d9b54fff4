"""Kiosk, check-in and report endpoints: scoped reads (portal.core.scopes), writes through
services."""

import json

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import status as http_status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings

from portal.core.drf.renderers import GeoJSONRenderer, JSONRenderer
from portal.core.drf.schema import GEOJSON_RESPONSE
from portal.core.drf.views import ScopedModelViewSet

from .. import filtersets, services
from ..models import CheckIn, MonthlyReport, MonthlyReportLine, Warkop
from . import serializers

GEOJSON_LIMIT = 5000


class KioskViewSet(ScopedModelViewSet):
    """Warkop Digital kiosks. Partners see, create and change their organisation's kiosks only;
    the status changes through …/status/ (provincial staff)."""

    fast_list = True

    queryset = Warkop.objects.select_related("village").defer("village__boundary").order_by("pk")
    serializer_class = serializers.WarkopSerializer
    filterset_class = filtersets.WarkopFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    @extend_schema(responses={(200, "application/geo+json"): GEOJSON_RESPONSE})
    @action(
        detail=False,
        url_path="geojson",
        pagination_class=None,
        renderer_classes=[JSONRenderer, GeoJSONRenderer],
    )
    def geojson(self, request):
        """The filtered kiosks as a GeoJSON FeatureCollection of points."""
        rows = (
            self.filter_queryset(self.get_queryset())
            .annotate(point_json=AsGeoJSON("location", precision=6))
            .values("id", "name", "status", "village_id", "is_stale", "is_sample", "point_json")[
                :GEOJSON_LIMIT
            ]
        )
        features = []
        for row in rows:
            geometry = row.pop("point_json")
            row["village"] = row.pop("village_id")
            row["code"] = str(row["id"])  # map.js links and highlights features by `code`
            properties = json.dumps(row, ensure_ascii=False)
            features.append(f'{{"type":"Feature","geometry":{geometry},"properties":{properties}}}')
        body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
        return HttpResponse(body, content_type="application/geo+json")

    @extend_schema(
        request=serializers.StatusChangeSerializer,
        responses={201: serializers.StatusChangeSerializer},
    )
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def change_status(self, request, pk=None):
        """Move the kiosk to another status (only the allowed transitions), with a reason."""
        warkop = self.get_object()
        if not request.user.has_perm("warkop.change_status_warkop"):
            raise PermissionDenied
        payload = serializers.StatusChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        warkop = services.warkop_change_status(
            warkop=warkop,
            status=data["to_status"],
            reason=data["reason"],
            changed_on=data.get("changed_on"),
            by=request.user,
        )
        change = warkop.status_changes.order_by("-id").first()
        return Response(
            serializers.StatusChangeSerializer(change).data, status=http_status.HTTP_201_CREATED
        )


class CheckInViewSet(ScopedModelViewSet):
    """Check-ins: officers (in their kabupaten), staff and the operator record them, as JSON or
    as multipart/form-data with a photo."""

    parser_classes = [
        *(p for p in api_settings.DEFAULT_PARSER_CLASSES if p.media_type == "application/json"),
        MultiPartParser,
    ]

    queryset = CheckIn.objects.select_related("recorded_by").order_by("-checked_in_at", "-id")
    serializer_class = serializers.CheckInSerializer
    filterset_class = filtersets.CheckInFilterSet
    http_method_names = ["get", "post", "head", "options"]


class MonthlyReportViewSet(ScopedModelViewSet):
    """Monthly reports: one per kiosk and month; PUT/PATCH corrects it (the audit trail keeps
    the earlier figures)."""

    queryset = MonthlyReport.objects.select_related("submitted_by").prefetch_related(
        Prefetch("lines", queryset=MonthlyReportLine.objects.select_related("category"))
    )
    serializer_class = serializers.MonthlyReportSerializer
    filterset_class = filtersets.MonthlyReportFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().order_by("-month", "warkop_id")
