"""Coverage API: surveys (officers POST; staff, officers and supervisors read), GeoJSON, the map
and village connectivity (every role, partners included: no single survey). Every survey
queryset goes through `portal.core.scopes.scoped`; who sees what: docs/data-protection.md."""

import json
import math

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core.drf.parsers import JSONParser
from portal.core.drf.renderers import GeoJSONRenderer, JSONRenderer
from portal.core.drf.serializers import BoundedModelSerializer, BoundedSerializer
from portal.core.drf.throttling import SurveySyncThrottle
from portal.core.drf.views import ScopedViewSetMixin, cached_body
from portal.core.scopes import regency_scope
from villages.models import Village

from .. import selectors, services
from ..filtersets import ConnectivityFilterSet, SurveyFilterSet
from ..models import MapCell, Source, Survey
from . import serializers as coverage_serializers

GEOJSON_LIMIT = 5000


def _feature(lng: float, lat: float, properties: dict) -> str:
    """A GeoJSON point feature as text (5 decimals: about a metre)."""
    props = json.dumps(properties, ensure_ascii=False, separators=(",", ":"))
    return (
        '{"type":"Feature","geometry":{"type":"Point","coordinates":['
        + f"{lng:.5f},{lat:.5f}"
        + ']},"properties":'
        + props
        + "}"
    )


class SurveyViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Coverage surveys. POST stores a survey once per `client_uuid`: 201 when created, 200 with
    the stored survey when the same content is sent again, 409 when the UUID is stored with other
    content. Officers and supervisors limited to some kabupaten see (and send) only theirs."""

    queryset = (
        Survey.objects.for_lists()
        .prefetch_related("measurements", "photos")
        .order_by("-observed_at", "-id")
    )
    serializer_class = coverage_serializers.SurveySerializer
    filterset_class = SurveyFilterSet
    lookup_field = "client_uuid"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_throttles(self):
        # Uploads are counted on the survey-sync rate only: an outbox is not partner traffic.
        if self.action == "create":
            return [SurveySyncThrottle()]
        return super().get_throttles()

    @extend_schema(
        responses={
            201: coverage_serializers.SurveySerializer,
            200: OpenApiResponse(
                coverage_serializers.SurveySerializer, description="Already stored, same content"
            ),
            409: OpenApiResponse(description="client_uuid stored with different content"),
        }
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The field form posts here too, in the officer's browser session, and says so; the
        # source only tells how a survey reached the portal (it grants nothing).
        from_field_form = (
            request.auth is None and request.headers.get("X-Survey-Source") == Source.FIELD_APP
        )
        try:
            # The answer is read and serialized before the survey is committed: a 201 means
            # stored, and a failure after the write (the database going away) stores nothing,
            # so the client's retry with the same UUID is never a survey it was told had failed.
            with transaction.atomic():
                survey, created = services.survey_submit(
                    data=serializer.to_input(),
                    by=request.user,
                    source=Source.FIELD_APP if from_field_form else Source.API,
                )
                survey = self.get_queryset().get(pk=survey.pk) if created else survey
                body = self.get_serializer(survey).data
        except services.SurveyConflict as conflict:
            return Response(
                {
                    "detail": _(
                        "This client UUID is already stored with different content; "
                        "nothing was changed."
                    ),
                    "client_uuid": str(conflict.survey.client_uuid),
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses={200: OpenApiResponse(description="GeoJSON FeatureCollection")})
    @action(detail=False, url_path="geojson", pagination_class=None)
    def geojson(self, request):
        """The filtered surveys as GeoJSON points (at most 5,000; use the map endpoint for more)."""
        rows = self.filter_queryset(self.get_queryset()).values_list(
            "location",
            "client_uuid",
            "village_id",
            "best_technology",
            "operators_with_signal",
            "review_status",
            "observed_at",
        )[:GEOJSON_LIMIT]
        features = [
            _feature(
                location.x,
                location.y,
                {
                    "uuid": str(uuid),
                    "village": village,
                    "best_technology": best,
                    "operators_with_signal": operators,
                    "review_status": review,
                    "observed_at": observed.isoformat(),
                },
            )
            for location, uuid, village, best, operators, review, observed in rows
        ]
        body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
        return HttpResponse(body, content_type="application/geo+json")

    @extend_schema(
        request=coverage_serializers.ReviewSerializer,
        responses={200: coverage_serializers.SurveySerializer},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, client_uuid=None):
        """Verify or reject a survey (supervisors; a rejection needs a reason). A survey whose
        point lies outside its village (`outside_village_m`) counts only with
        `confirm_location: true`, when verifying it or later (status "verified" again)."""
        if not request.user.has_perm("coverage.review_survey"):
            raise PermissionDenied
        survey = self.get_object()
        serializer = coverage_serializers.ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.survey_review(
            survey=survey,
            status=serializer.validated_data["status"],
            reason=serializer.validated_data["reason"],
            confirm_location=serializer.validated_data["confirm_location"],
            by=request.user,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=survey.pk)).data)

    @extend_schema(
        request={"multipart/form-data": coverage_serializers.PhotoUploadSerializer},
        responses={
            201: coverage_serializers.PhotoSerializer,
            200: OpenApiResponse(
                coverage_serializers.PhotoSerializer, description="Already stored, same photo UUID"
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def photos(self, request, client_uuid=None):
        """Attach a JPEG or PNG photo once per photo `client_uuid` (201, or 200 when stored)."""
        survey = self.get_object()
        serializer = coverage_serializers.PhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        image = serializer.validated_data["image"]
        # The service checks the photo and stores it re-encoded without metadata.
        photo, created = services.survey_photo_add(
            survey=survey,
            client_uuid=serializer.validated_data["client_uuid"],
            image=image,
            caption=serializer.validated_data["caption"],
            by=request.user,
        )
        return Response(
            coverage_serializers.PhotoSerializer(photo).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class BBoxSerializer(BoundedSerializer):
    bbox = serializers.CharField()
    zoom = serializers.IntegerField(min_value=0, max_value=22)
    rows = serializers.BooleanField(required=False, default=False)

    def validate_bbox(self, value):
        try:
            west, south, east, north = (float(part) for part in value.split(","))
        except ValueError as exc:
            raise serializers.ValidationError(_("bbox is west,south,east,north.")) from exc
        if not all(math.isfinite(part) for part in (west, south, east, north)):
            raise serializers.ValidationError(_("bbox is west,south,east,north."))
        west, east = max(west, -180.0), min(east, 180.0)
        south, north = max(south, -85.0), min(north, 85.0)
        if west >= east or south >= north:
            raise serializers.ValidationError(_("bbox is west,south,east,north."))
        return (west, south, east, north)


class CoverageMapView(APIView):
    """What the coverage map shows in a view: verified survey points when few enough, otherwise
    their counts per grid cell (64 screen pixels at the requested zoom, coloured by best signal).
    Those who may not read single surveys (partners) get cells at every zoom, never finer than
    about 2.4 km and placed at the cell's centre (docs/data-protection.md).

    Answer: a GeoJSON FeatureCollection with `mode` ("points" or "cells") and `level`. Points
    carry `u` (survey UUID), `b` (best signal), `o` (operators with a signal), `d` (date); cells
    carry `n` (surveys) and `c` (counts per best signal: none, 2G, 3G, 4G, 5G).

    With `rows=true` (the portal's map), points come as compact rows instead of GeoJSON
    features: `{"mode": "points", "level": null, "fields": ["lng", "lat", "u", "b", "o", "d"],
    "rows": [[lng, lat, u, b, o, d], …]}`, about half the bytes (the densest view, 2,000
    points: 160 kB instead of 344 kB, before gzip); cells are GeoJSON either way.
    """

    queryset = MapCell.objects.all()  # RolePermission: needs coverage.view_mapcell
    renderer_classes = [JSONRenderer, GeoJSONRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("bbox", OpenApiTypes.STR, description="west,south,east,north"),
            OpenApiParameter("zoom", OpenApiTypes.INT, description="the map's zoom"),
            OpenApiParameter(
                "rows", OpenApiTypes.BOOL, description="points as compact rows (see above)"
            ),
        ],
        responses={200: OpenApiResponse(description="GeoJSON FeatureCollection")},
    )
    def get(self, request):
        params = BBoxSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        bbox, zoom = params.validated_data["bbox"], params.validated_data["zoom"]
        rows = params.validated_data["rows"]
        regencies = regency_scope(request.user)
        single = request.user.has_perm("coverage.view_survey")
        return cached_body(
            request,
            f"map:{','.join(map(str, bbox))}:{zoom}:{rows}",
            lambda: map_geojson(bbox, zoom, regencies, single_surveys=single, rows=rows),
            content_type="application/json" if rows else "application/geo+json",
            until=None,
        )


def map_geojson(
    bbox, zoom: int, regencies: list[str] | None, *, single_surveys=True, rows=False
) -> str:
    """The map's GeoJSON; without `single_surveys`, only cells centred in their square, at
    most AGGREGATE_MAX_LEVEL; with `rows`, points as compact rows (CoverageMapView)."""
    level = selectors.level_for(bbox, zoom)
    if not single_surveys:
        level = min(level, selectors.AGGREGATE_MAX_LEVEL)
    elif level > selectors.MAX_LEVEL:
        points = selectors.map_points(bbox, regencies, selectors.POINT_LIMIT + 1)
        if len(points) <= selectors.POINT_LIMIT and rows:
            body = json.dumps(
                [
                    [
                        round(lng, 5),
                        round(lat, 5),
                        str(uuid),
                        best,
                        ops,
                        observed.date().isoformat(),
                    ]
                    for lng, lat, uuid, best, ops, observed in points
                ],
                separators=(",", ":"),
            )
            return (
                '{"mode":"points","level":null,"fields":["lng","lat","u","b","o","d"],"rows":'
                + body
                + "}"
            )
        if len(points) <= selectors.POINT_LIMIT:
            features = [
                _feature(
                    lng,
                    lat,
                    {"u": str(uuid), "b": best, "o": operators, "d": observed.date().isoformat()},
                )
                for lng, lat, uuid, best, operators, observed in points
            ]
            return (
                '{"type":"FeatureCollection","mode":"points","level":null,"features":['
                + ",".join(features)
                + "]}"
            )
        level = selectors.MAX_LEVEL
    cells = selectors.map_cells(bbox, level, regencies, centred=not single_surveys)
    features = [
        _feature(lng, lat, {"n": n, "c": [c0, c2, c3, c4, c5]})
        for lng, lat, n, c0, c2, c3, c4, c5 in cells
    ]
    return (
        f'{{"type":"FeatureCollection","mode":"cells","level":{level},"features":['
        + ",".join(features)
        + "]}"
    )


class ViewConnectivity(permissions.BasePermission):
    """Village connectivity is read by every role that may read it, partners included (it holds
    no single survey)."""

    def has_permission(self, request, view):
        return request.user.has_perm("coverage.view_villageconnectivity")


class ConnectivitySerializer(BoundedModelSerializer):
    district = serializers.CharField(source="district_id", read_only=True)
    connectivity = serializers.CharField()
    survey_count = serializers.IntegerField()
    latest_survey_at = serializers.DateTimeField(allow_null=True)
    operator_count = serializers.IntegerField()
    best_technology = serializers.CharField()
    fibre_ready = serializers.BooleanField()

    class Meta:
        model = Village
        fields = [
            "code",
            "name",
            "district",
            "connectivity",
            "survey_count",
            "latest_survey_at",
            "operator_count",
            "best_technology",
            "fibre_ready",
        ]


class ConnectivityViewSet(viewsets.ReadOnlyModelViewSet):
    """Each village's connectivity status from its verified surveys (docs/connectivity.md):
    no_data, blank_spot, fibre_ready, single_operator, weak, good_4g."""

    permission_classes = [permissions.IsAuthenticated, ViewConnectivity]
    serializer_class = ConnectivitySerializer
    filterset_class = ConnectivityFilterSet
    lookup_field = "code"
    lookup_value_regex = r"\d{2}\.\d{2}\.\d{2}\.\d{4}"

    def get_queryset(self):
        return selectors.with_connectivity(Village.objects.defer("boundary").order_by("code"))

    @extend_schema(
        parameters=[
            OpenApiParameter("bbox", OpenApiTypes.STR, description="west,south,east,north")
        ],
        responses={200: OpenApiResponse(description="GeoJSON FeatureCollection")},
    )
    @action(detail=False, url_path="geojson", pagination_class=None)
    def geojson(self, request):
        """Village centroids with their connectivity (optionally only those in `bbox`)."""
        queryset = self.filter_queryset(self.get_queryset())
        if request.query_params.get("bbox"):
            params = BBoxSerializer(data={"bbox": request.query_params["bbox"], "zoom": 0})
            params.is_valid(raise_exception=True)
            from django.contrib.gis.geos import Polygon

            queryset = queryset.filter(
                centroid__bboverlaps=Polygon.from_bbox(params.validated_data["bbox"])
            )
        rows = queryset.filter(centroid__isnull=False).values_list(
            "centroid", "code", "name", "connectivity", "survey_count", "latest_survey_at"
        )
        features = [
            _feature(
                centroid.x,
                centroid.y,
                {
                    "code": code,
                    "name": name,
                    "connectivity": status_,
                    "survey_count": count,
                    "latest": latest.date().isoformat() if latest else None,
                },
            )
            for centroid, code, name, status_, count, latest in rows
        ]
        body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
        return HttpResponse(body, content_type="application/geo+json")
