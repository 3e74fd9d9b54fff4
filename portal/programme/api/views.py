"""API of the 100-day programme: read programmes, milestones and daily snapshots; staff record
manual milestones (`POST /api/v1/milestones/{id}/record/`)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from portal.accounts.models import ApiToken
from portal.core.drf.parsers import JSONParser
from portal.core.drf.serializers import BoundedModelSerializer, BoundedSerializer
from portal.core.drf.views import ScopedReadOnlyViewSet
from portal.programme.calendar import WorkingCalendar
from portal.programme.filtersets import MilestoneFilterSet, ProgrammeSnapshotFilterSet
from portal.programme.forms import MilestoneRecordForm
from portal.programme.models import (
    Milestone,
    MilestoneKind,
    NonWorkingDay,
    Programme,
    ProgrammeSnapshot,
)

from .. import services


class ProgrammeSerializer(BoundedModelSerializer):
    end_date = serializers.SerializerMethodField()
    day = serializers.SerializerMethodField(help_text="Working day n today (0 before the start).")

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "description",
            "start_date",
            "length_working_days",
            "end_date",
            "day",
            "is_current",
        ]

    def _calendar(self, programme) -> WorkingCalendar:
        cache = self.context.setdefault("calendars", {})
        if programme.pk not in cache:
            extra = self.context.get("non_working")
            if extra is None:
                extra = self.context["non_working"] = dict(
                    NonWorkingDay.objects.values_list("date", "name")
                )
            cache[programme.pk] = WorkingCalendar(programme.start_date, extra)
        return cache[programme.pk]

    def get_end_date(self, programme) -> str:
        return self._calendar(programme).date_of(programme.length_working_days).isoformat()

    def get_day(self, programme) -> int:
        return self._calendar(programme).day_number(timezone.localdate())


class MilestoneSerializer(BoundedModelSerializer):
    responsible_person = serializers.SlugRelatedField(slug_field="username", read_only=True)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    has_evidence_document = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "programme",
            "title",
            "description",
            "responsible_unit",
            "responsible_person",
            "due_day",
            "kind",
            "metric",
            "target",
            "status",
            "value",
            "target_value",
            "evaluated_on",
            "done_on",
            "evidence_url",
            "evidence_note",
            "has_evidence_document",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_has_evidence_document(self, milestone) -> bool:
        return bool(milestone.evidence_file)


class MilestoneRecordSerializer(BoundedSerializer):
    done_on = serializers.DateField()
    evidence_file = serializers.FileField(required=False)
    evidence_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    note = serializers.CharField(required=False, allow_blank=True)


class SnapshotSerializer(BoundedModelSerializer):
    class Meta:
        model = ProgrammeSnapshot
        fields = [
            "id",
            "programme",
            "date",
            "day_number",
            "is_working_day",
            "done",
            "on_track",
            "at_risk",
            "late",
            "backfilled",
            "milestones",
            "evaluated_at",
        ]


class CanRecordMilestone(permissions.BasePermission):
    """The role may record manual milestones, and the token (if any) may write."""

    def has_permission(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken) and not token.can_write:
            return False
        return request.user.has_perm("programme.record_milestone")


class ProgrammeViewSet(ScopedReadOnlyViewSet):
    """Programmes with their end date and today's working day."""

    queryset = Programme.objects.order_by("-is_current", "-start_date", "name")
    serializer_class = ProgrammeSerializer
    filterset_fields = ["is_current"]

    @extend_schema(
        responses={
            200: ProgrammeSerializer,
            404: OpenApiResponse(description="No programme is current."),
        }
    )
    @action(detail=False, pagination_class=None, filter_backends=[])
    def current(self, request):
        programme = self.get_queryset().current().first()
        if programme is None:
            return Response({"detail": "No programme is current."}, status=404)
        return Response(self.get_serializer(programme).data)


class MilestoneViewSet(ScopedReadOnlyViewSet):
    """Milestones with their latest evaluation (status, value against target)."""

    queryset = Milestone.objects.select_related("responsible_person", "recorded_by").order_by(
        "programme", "due_day", "pk"
    )
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilterSet

    @extend_schema(request=MilestoneRecordSerializer, responses={200: MilestoneSerializer})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[permissions.IsAuthenticated, CanRecordMilestone],
        parser_classes=[JSONParser, MultiPartParser, FormParser],
    )
    def record(self, request, pk=None):
        """Record a manual milestone as done, with a document (multipart) or a link."""
        milestone = self.get_object()
        if milestone.kind != MilestoneKind.MANUAL:
            raise ValidationError({"detail": "A measured milestone is not recorded by hand."})
        form = MilestoneRecordForm(request.data, request.FILES)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        milestone = services.milestone_record(
            milestone=milestone,
            by=request.user,
            **{
                key: form.cleaned_data[key]
                for key in ("done_on", "evidence_file", "evidence_url", "note")
            },
        )
        return Response(MilestoneSerializer(milestone, context={"request": request}).data)


class SnapshotViewSet(ScopedReadOnlyViewSet):
    """One snapshot per programme and day, written by the daily evaluation."""

    queryset = ProgrammeSnapshot.objects.order_by("programme", "date")
    serializer_class = SnapshotSerializer
    filterset_class = ProgrammeSnapshotFilterSet
