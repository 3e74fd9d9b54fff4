"""Coverage pages: surveys and their review, the file import, village connectivity per kabupaten
and the coverage map (the offline field form, its service worker and manifest: field_views.py).

Lists cost a constant number of queries (select_related, annotations, one page at a time).
"""

import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.decorators import permission_page
from portal.core.exports import export_response
from portal.core.scopes import get_scoped_or_404, scoped
from villages.models import Regency

from . import exports, importers, selectors, services
from . import todo as todo_list
from .filtersets import LOCATION_CHOICES, ConnectivityFilterSet, SurveyFilterSet
from .forms import ImportForm, ReviewForm
from .models import (
    ConnectivityStatus,
    Electricity,
    Fibre,
    Operator,
    PlaceType,
    ReviewStatus,
    Survey,
    SurveyPhoto,
    Technology,
)

#: Single surveys (officer, notes, exact point, photos): staff, officers and supervisors.
VIEW = "coverage.view_survey"
#: Village connectivity and the aggregated map: every role, partners included.
CONNECTIVITY = "coverage.view_villageconnectivity"
PAGE_SIZE = 50

#: Colours shared with coverage/static/coverage/coverage.css and map.js.
STATUS_COLORS = {
    ConnectivityStatus.NO_DATA: "#b8c2cc",
    ConnectivityStatus.BLANK_SPOT: "#c0392b",
    ConnectivityStatus.FIBRE_READY: "#6c3fb5",
    ConnectivityStatus.SINGLE_OPERATOR: "#e67e22",
    ConnectivityStatus.WEAK: "#f1c40f",
    ConnectivityStatus.GOOD_4G: "#1f8a4c",
}
SIGNAL_COLORS = {
    Technology.NONE: "#c0392b",
    Technology.G2: "#e67e22",
    Technology.G3: "#f1c40f",
    Technology.G4: "#1f8a4c",
    Technology.G5: "#1565c0",
}


# --- Field form (installable, works offline) -----------------------------------------------------


# --- Surveys and their review --------------------------------------------------------------------


@permission_page(VIEW)
def surveys(request):
    """Surveys filtered by review, kabupaten, signal…; supervisors work the pending queue here."""
    filterset = _surveys_filtered(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    data = filterset.form.cleaned_data if filterset.is_valid() else {}
    context = {
        "page": page,
        "review_statuses": ReviewStatus.choices,
        "technologies": Technology.choices,
        "location_choices": LOCATION_CHOICES,
        "regencies": Regency.objects.filter(province_id=settings.PORTAL_PROVINCE)
        .only("code", "name")
        .order_by("code"),
        "current": {
            "review_status": data.get("review_status") or "",
            "regency": data.get("regency") or "",
            "best_technology": data.get("best_technology") or "",
            "outside_village": data.get("outside_village") or "",
        },
        "query": request.GET.copy(),
    }
    context["query"].pop("page", None)
    return render(request, "coverage/surveys.html", context)


def _surveys_filtered(request):
    queryset = scoped(Survey.objects.for_lists().order_by("-observed_at", "-id"), request.user)
    return SurveyFilterSet(request.GET, queryset=queryset)


@permission_page(VIEW)
def surveys_export(request, fmt):
    """The filtered survey list as CSV or XLSX, streamed (same filters and scope as the page)."""
    return export_response(
        fmt=fmt,
        filename="survei-cakupan",
        sheet=_("Coverage surveys"),
        columns=exports.SURVEY_COLUMNS,
        queryset=exports.survey_rows(_surveys_filtered(request).qs),
    )


@permission_page(CONNECTIVITY)
def villages_export(request, fmt):
    """The filtered village connectivity list as CSV or XLSX, streamed."""
    filterset = ConnectivityFilterSet(request.GET, queryset=exports.connectivity_villages())
    return export_response(
        fmt=fmt,
        filename="konektivitas-desa",
        sheet=_("Village connectivity"),
        columns=exports.VILLAGE_COLUMNS,
        queryset=exports.village_rows(filterset.qs),
    )


@permission_page(CONNECTIVITY)
def blank_spots_export(request, fmt):
    """The blank-spot villages as CSV or XLSX, streamed."""
    queryset = exports.connectivity_villages().filter(connectivity=ConnectivityStatus.BLANK_SPOT)
    return export_response(
        fmt=fmt,
        filename="desa-blank-spot",
        sheet=_("Blank spots"),
        columns=exports.VILLAGE_COLUMNS,
        queryset=exports.village_rows(queryset),
    )


@permission_page("coverage.add_survey")
def todo(request):
    """The officer's to-do list: pilot villages still waiting for a verified survey, nearest
    first from the phone's position (sent by the page as ?lat=&lng=), each with a link to the
    field form with that village chosen."""
    latitude = longitude = None
    try:
        latitude = float(request.GET["lat"])
        longitude = float(request.GET["lng"])
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValueError
    except (KeyError, ValueError):
        latitude = longitude = None
    pilots = todo_list.pilots_to_survey(request.user, latitude=latitude, longitude=longitude)
    for pilot in pilots:
        distance = getattr(pilot, "distance", None)
        pilot.km = distance.km if distance is not None else None
    return render(
        request,
        "coverage/todo.html",
        {"pilots": pilots, "located": latitude is not None, "limit": todo_list.LIMIT},
    )


def _survey_for_page(request, client_uuid):
    return get_scoped_or_404(
        Survey.objects.select_related(
            "village__district__regency", "officer", "reviewed_by", "location_confirmed_by"
        )
        .prefetch_related("measurements", "photos")
        .defer(
            "village__boundary",
            "village__district__boundary",
            "village__district__regency__boundary",
        ),
        request.user,
        client_uuid=client_uuid,
    )


def _render_survey(request, survey, form=None, status=200):
    allowed = set(services.ALLOWED_REVIEWS[ReviewStatus(survey.review_status)])
    verify_label = _("Verify")
    if survey.review_status == ReviewStatus.VERIFIED and survey.location_needs_confirmation:
        # A verified survey outside its village: its location may still be confirmed.
        allowed.add(ReviewStatus.VERIFIED)
        verify_label = _("Confirm the location")
    can_review = request.user.has_perm("coverage.review_survey") and bool(allowed)
    actions = [
        (value, label)
        for value, label in (
            (ReviewStatus.VERIFIED, verify_label),
            (ReviewStatus.REJECTED, _("Reject")),
        )
        if value in allowed
    ]
    context = {
        "survey": survey,
        "village": survey.village,
        "measurements": list(survey.measurements.all()),
        "photos": list(survey.photos.all()),
        "can_review": can_review,
        "own_survey": survey.officer_id == request.user.pk,
        "form": form or ReviewForm(),
        "actions": actions,
        "signal_colors": SIGNAL_COLORS,
        "tolerance_m": settings.SURVEY_LOCATION_TOLERANCE_M,
    }
    return render(request, "coverage/survey.html", context, status=status)


@permission_page(VIEW)
def survey(request, client_uuid):
    """One survey: where, what each operator gave, fibre and power, photos and its review."""
    return _render_survey(request, _survey_for_page(request, client_uuid))


@permission_page("coverage.review_survey")
@require_POST
def survey_review(request, client_uuid):
    """Verify or reject a survey (needs `coverage.review_survey`)."""
    survey = _survey_for_page(request, client_uuid)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.survey_review(
                survey=survey,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                confirm_location=form.cleaned_data["confirm_location"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            survey = Survey.objects.get(pk=survey.pk)
            messages.success(
                request,
                _("Review recorded: the survey is now %(status)s.")
                % {"status": survey.get_review_status_display().lower()},
            )
            return redirect(survey)
    return _render_survey(request, survey, form=form, status=400)


@permission_page(VIEW)
def photo(request, pk):
    """A survey photo, for those who may see its survey (404 otherwise)."""
    photo = get_object_or_404(
        SurveyPhoto, pk=pk, survey__in=scoped(Survey.objects.all(), request.user).values("pk")
    )
    handle = photo.image.open("rb")
    content_type = "image/png" if handle.read(4) == b"\x89PNG" else "image/jpeg"
    handle.seek(0)
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Import --------------------------------------------------------------------------------------


@permission_page("coverage.import_survey")
def import_surveys(request):
    """Upload a CSV or XLSX export of a field tool, or the field form's outbox file: every
    survey is imported, or none."""
    result, errors, upload_name = None, None, ""
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            upload_name = upload.name
            try:
                if upload.name.lower().endswith(".json"):
                    result = importers.import_outbox(content=upload.read(), by=request.user)
                else:
                    result = importers.import_surveys(
                        name=upload.name, content=upload, by=request.user
                    )
            except importers.SurveyImportError as error:
                errors = error.errors
            else:
                messages.success(
                    request,
                    _(
                        "Imported %(created)d surveys (%(unchanged)d were already stored); "
                        "they wait for a supervisor's review."
                    )
                    % {"created": result.created, "unchanged": result.unchanged},
                )
                return redirect(f"{reverse('coverage:surveys')}?source=import")
    else:
        form = ImportForm()
    context = {
        "form": form,
        "errors": errors,
        "upload_name": upload_name,
        "columns": importers.TEMPLATE_COLUMNS,
        "operators": Operator.choices,
        "technologies": Technology.choices,
        "place_types": PlaceType.choices,
        "electricity_choices": Electricity.choices,
        "fibre_choices": Fibre.choices,
    }
    return render(request, "coverage/import.html", context, status=400 if errors else 200)


@permission_page("coverage.import_survey")
def import_template(request, fmt):
    """The import template (header and one row marked as a sample) as CSV or XLSX."""
    text = importers.template_csv()
    if fmt == "csv":
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="survei-cakupan-template.csv"'
        return response
    import csv

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "survei"
    for row in csv.reader(io.StringIO(text)):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="survei-cakupan-template.xlsx"'
    return response


# --- Connectivity --------------------------------------------------------------------------------


def status_legend() -> list[dict]:
    return [
        {"value": value, "label": str(label), "color": STATUS_COLORS[value]}
        for value, label in ConnectivityStatus.choices
    ]


@permission_page(CONNECTIVITY)
def overview(request):
    """Village connectivity per kabupaten/kota: how many villages have each status."""
    rows = selectors.connectivity_by_regency(settings.PORTAL_PROVINCE)
    totals = {status: sum(r.counts.get(status, 0) for r in rows) for status in ConnectivityStatus}
    context = {
        "rows": rows,
        "statuses": status_legend(),
        "totals": [totals[status] for status in ConnectivityStatus],
        "grand_total": sum(totals.values()),
        "pending": scoped(Survey.objects.pending(), request.user).count()
        if request.user.has_perm(VIEW)
        else 0,
    }
    return render(request, "coverage/overview.html", context)


@permission_page(CONNECTIVITY)
def blank_spots(request):
    """Blank-spot villages (surveyed, no usable signal from any operator), per kabupaten/kota."""
    villages = list(
        exports.connectivity_villages().filter(connectivity=ConnectivityStatus.BLANK_SPOT)
    )
    groups: dict = {}
    for village in villages:
        groups.setdefault(village.district.regency, []).append(village)
    context = {"groups": list(groups.items()), "count": len(villages)}
    return render(request, "coverage/blank_spots.html", context)


@permission_page(CONNECTIVITY)
def villages(request):
    """Every village with its connectivity; filter by status, kabupaten, pilot, name."""
    filterset = ConnectivityFilterSet(request.GET, queryset=exports.connectivity_villages())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    data = filterset.form.cleaned_data if filterset.is_valid() else {}
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "statuses": status_legend(),
        "regencies": Regency.objects.filter(province_id=settings.PORTAL_PROVINCE)
        .only("code", "name")
        .order_by("code"),
        "current": {
            "status": data.get("status") or "",
            "regency": data.get("regency") or "",
            "q": data.get("q") or "",
        },
        "query": query,
    }
    return render(request, "coverage/villages.html", context)


def kiosk_geojson_url() -> str:
    """The kiosk layer of the kiosk issue, when it is installed."""
    try:
        return reverse("api:kiosk-geojson")
    except NoReverseMatch:
        return ""


@permission_page(CONNECTIVITY)
def coverage_map(request):
    """Survey points coloured by best signal (cells when zoomed out), villages by status, kiosks.
    Those who may not read single surveys (partners) get cells at every zoom."""
    single_surveys = request.user.has_perm(VIEW)
    config = {
        "mapUrl": reverse("api:coverage-map"),
        "villagesUrl": reverse("api:connectivity-geojson"),
        "kiosksUrl": kiosk_geojson_url(),
        "surveyUrl": reverse("coverage:survey", args=["00000000-0000-0000-0000-000000000000"])
        if single_surveys
        else "",
        "villageUrl": reverse("villages:village", args=["__code__"]),
        "statuses": status_legend(),
        "signals": [
            {"value": value, "label": str(label), "color": SIGNAL_COLORS[value]}
            for value, label in Technology.choices
        ],
        "text": {
            "surveys": _("Surveys (verified)"),
            "villages": _("Villages by connectivity"),
            "kiosks": _("Warkop Digital kiosks"),
            "bestSignal": _("Best signal"),
            "connectivity": _("Connectivity"),
            "surveysIn": _("verified surveys here"),
            "operators": _("operators with signal"),
            "latest": _("latest survey"),
            "open": _("Open"),
            "zoomIn": _("Zoom in to see single surveys.")
            if single_surveys
            else _("Surveys are shown counted in cells of about 2.4 km, never one by one."),
            "loading": _("Loading…"),
            "error": _("The map data could not be loaded."),
        },
        "tilesUrl": settings.MAP_TILES_URL,
        "tilesAttribution": settings.MAP_TILES_ATTRIBUTION,
    }
    return render(request, "coverage/map.html", {"map_config": config})
