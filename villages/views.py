"""Registry pages: province › kabupaten/kota › kecamatan › desa/kelurahan, search and pilots.

Every page reads a constant number of SQL queries whatever the size of the unit: lists come with
their counts as annotations and their related rows through select_related, and boundaries (large
geometries) are never loaded by the pages — the maps fetch them from the GeoJSON API.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from portal.core.audit import history_of
from portal.core.datacache import cached, next_midnight
from portal.core.decorators import permission_page
from portal.core.exports import export_response
from portal.core.scopes import scope_key, scoped

from . import exports, services
from .filtersets import PilotFilterSet
from .forms import PilotDecideForm, PilotProposeForm, SearchForm
from .models import (
    District,
    Pilot,
    PilotStatus,
    Province,
    Regency,
    RegencyKind,
    Village,
    VillageKind,
)
from .pilot_choice import (
    annotated,
    area_cell,
    choice_table,
    density_cell,
    facts_for,
    population_cell,
    with_boundary_area,
)
from .selectors import SEARCH_LIMIT, search_places
from .services import ALLOWED_DECISIONS

#: Every role may read the registry (reference data); a logged-in user without a role may not.
REGISTRY_PERMISSION = "villages.view_village"


#: Anonymous visitors go to the login page; a user whose role cannot read the registry, 403.
registry_page = permission_page(REGISTRY_PERMISSION)


PILOTS_PAGE_SIZE = 50

# Map colours, shared with static/css/portal.css (legend swatches use the same values).
COLOR_PILOT = "#1f8a4c"
COLOR_NO_PILOT = "#e4572e"
COLOR_PROPOSED = "#f2a541"
COLOR_NEUTRAL = "#8c99a6"


# --- Map configuration ---------------------------------------------------------------------------
# static/js/map.js draws any element carrying `data-map`; its colours, legend and tooltip rows
# come from a JSON object rendered with `json_script` (translated here, escaped by Django).


def district_map_config(regency_names: dict[str, str]) -> dict:
    """Kecamatan coloured by whether each has a selected pilot (API property `has_pilot`)."""
    return {
        "colorProperty": "has_pilot",
        "colors": {"true": COLOR_PILOT, "false": COLOR_NO_PILOT},
        "legendTitle": _("Kecamatan"),
        "legend": [
            {"color": COLOR_PILOT, "label": _("With a selected pilot village")},
            {"color": COLOR_NO_PILOT, "label": _("No selected pilot village yet")},
        ],
        "tooltip": [
            {"property": "regency_id", "label": _("Regency/city"), "lookup": regency_names},
            {
                "property": "has_pilot",
                "label": _("Pilot village"),
                "lookup": {
                    "true": pgettext("has a selected pilot", "yes"),
                    "false": pgettext("has a selected pilot", "no"),
                },
            },
        ],
        "linkTemplate": reverse("villages:district", args=["__code__"]),
    }


def village_map_config() -> dict:
    """Desa/kelurahan coloured by pilot status (API property `pilot__status`)."""
    status_labels = {str(value): str(label) for value, label in PilotStatus.choices}
    return {
        "colorProperty": "pilot__status",
        "colors": {
            PilotStatus.SELECTED: COLOR_PILOT,
            PilotStatus.PROPOSED: COLOR_PROPOSED,
        },
        "defaultColor": COLOR_NEUTRAL,
        "legendTitle": _("Pilot status"),
        "legend": [
            {"color": COLOR_PILOT, "label": status_labels[PilotStatus.SELECTED]},
            {"color": COLOR_PROPOSED, "label": status_labels[PilotStatus.PROPOSED]},
            {"color": COLOR_NEUTRAL, "label": _("Not a pilot")},
        ],
        "tooltip": [
            {
                "property": "kind",
                "label": _("Kind"),
                "lookup": {str(value): str(label) for value, label in VillageKind.choices},
            },
            {
                "property": "pilot__status",
                "label": _("Pilot status"),
                "lookup": {**status_labels, "null": _("not a pilot")},
            },
        ],
        "linkTemplate": reverse("villages:village", args=["__code__"]),
    }


def _regency_names(regencies) -> dict[str, str]:
    return {regency.code: regency.name for regency in regencies}


# --- Registry pages ------------------------------------------------------------------------------


def home(request):
    """The registry's first page: the province this portal serves (PORTAL_PROVINCE)."""
    return province(request, settings.PORTAL_PROVINCE)


@registry_page
def province(request, code):
    """A province with its kabupaten/kota, their sizes and pilot progress."""
    province = get_object_or_404(Province.objects.defer("boundary"), code=code)
    regencies = list(
        Regency.objects.in_province(province)
        .with_pilot_target()
        .with_village_counts()
        .defer("boundary")
        .order_by("code")
    )
    for regency in regencies:
        regency.kelurahan_count = regency.village_count - regency.desa_count
    totals = {
        "districts": sum(r.district_count for r in regencies),
        "districts_with_pilot": sum(r.districts_with_pilot for r in regencies),
        "villages": sum(r.village_count for r in regencies),
        "desa": sum(r.desa_count for r in regencies),
        "kelurahan": sum(r.kelurahan_count for r in regencies),
        "kabupaten": sum(r.kind == RegencyKind.KABUPATEN for r in regencies),
        "kota": sum(r.kind == RegencyKind.KOTA for r in regencies),
    }
    context = {
        "province": province,
        "regencies": regencies,
        "totals": totals,
        "map_url": f"{reverse('api:district-geojson')}?province={province.code}",
        "map_config": district_map_config(_regency_names(regencies)),
    }
    return render(request, "villages/province.html", context)


@registry_page
def regency(request, code):
    """A kabupaten/kota with its kecamatan: village counts and whether each has a pilot."""
    regency = get_object_or_404(
        Regency.objects.select_related("province").defer("boundary", "province__boundary"),
        code=code,
    )
    districts = list(
        District.objects.in_regency(regency)
        .with_pilot_status()
        .annotate(
            village_count=Count("villages", distinct=True),
            desa_count=Count("villages", filter=Q(villages__kind=VillageKind.DESA), distinct=True),
        )
        .defer("boundary")
        .order_by("code")
    )
    for district in districts:
        district.kelurahan_count = district.village_count - district.desa_count
    with_pilot = sum(1 for d in districts if d.has_pilot)
    context = {
        "regency": regency,
        "province": regency.province,
        "districts": districts,
        "districts_with_pilot": with_pilot,
        "village_total": sum(d.village_count for d in districts),
        "map_url": f"{reverse('api:district-geojson')}?regency={regency.code}",
        "map_config": district_map_config({regency.code: regency.name}),
    }
    return render(request, "villages/regency.html", context)


@registry_page
def district(request, code):
    """A kecamatan with its desa/kelurahan side by side with what a pilot is chosen by
    (villages.pilot_choice): population, area, density, connectivity, kiosks, pilot status;
    sortable (`?sort=key` or `-key`). Read from the figures cache (portal/core/datacache.py) per
    sort and scope."""
    user = request.user

    def build() -> dict:
        context = district_context(request, code)
        return {
            "district_name": context["district"].name,
            "stylesheets": context["stylesheets"],
            "breadcrumbs_html": render_to_string("includes/breadcrumbs.html", context, request),
            "content_html": render_to_string("villages/district_content.html", context, request),
        }

    name = f"district:{code}:{request.GET.get('sort', '')}"
    context = cached(name, build, scope=scope_key(user), until=next_midnight)
    return render(request, "villages/district.html", context)


def district_context(request, code) -> dict:
    district = get_object_or_404(
        with_boundary_area(
            District.objects.select_related("regency__province").defer(
                "boundary", "regency__boundary", "regency__province__boundary"
            )
        ),
        code=code,
    )
    facts = facts_for(request.user)
    villages = list(
        annotated(
            Village.objects.in_district(district).select_related("pilot").defer("boundary"),
            facts,
        ).order_by("code")
    )
    pilots = [v.pilot for v in villages if _pilot_of(v) is not None]
    if district.population is None and villages and all(v.population for v in villages):
        district.population = sum(v.population for v in villages)
    table = choice_table(villages, facts, request.GET.get("sort"))
    context = {
        "district": district,
        "regency": district.regency,
        "province": district.regency.province,
        "villages": villages,
        "table": table,
        "district_figures": [
            (_("Population"), population_cell(district)),
            (_("Area"), area_cell(district)),
            (_("Population density"), density_cell(district)),
        ],
        "stylesheets": sorted({fact.stylesheet for fact in facts if fact.stylesheet}),
        "desa_count": sum(v.kind == VillageKind.DESA for v in villages),
        "kelurahan_count": sum(v.kind == VillageKind.KELURAHAN for v in villages),
        "selected_pilots": [p for p in pilots if p.status == PilotStatus.SELECTED],
        "proposed_pilots": [p for p in pilots if p.status == PilotStatus.PROPOSED],
        "map_url": f"{reverse('api:village-geojson')}?district={district.code}",
        "map_config": village_map_config(),
    }
    return context


def _pilot_of(village):
    """The village's pilot record or None (the reverse one-to-one raises when there is none)."""
    try:
        return village.pilot
    except Pilot.DoesNotExist:
        return None


def _village_for_page(code, facts=()):
    """The village with its related rows and the facts' annotations, in one query."""
    return get_object_or_404(
        annotated(Village.objects.all(), facts)
        .select_related("district__regency__province", "pilot__recorded_by", "pilot__decided_by")
        .defer(
            "boundary",
            "district__boundary",
            "district__regency__boundary",
            "district__regency__province__boundary",
        ),
        code=code,
    )


def decision_actions() -> dict:
    """Button labels of the decisions: verbs, where the statuses are past participles."""
    return {
        PilotStatus.SELECTED: _("Select as pilot"),
        PilotStatus.REJECTED: _("Reject"),
        PilotStatus.WITHDRAWN: _("Withdraw"),
    }


def _render_village(request, village, facts, *, propose_form=None, decide_form=None):
    user = request.user
    pilot = _pilot_of(village)
    can_propose = services.can_propose(user=user, pilot=pilot)
    decisions = ALLOWED_DECISIONS[PilotStatus(pilot.status)] if pilot else set()
    can_decide = user.has_perm("villages.change_pilot") and bool(decisions)
    district = village.district
    context = {
        "village": village,
        "district": district,
        "regency": district.regency,
        "province": district.regency.province,
        "pilot": pilot,
        "facts": [(fact, fact.cell(village)) for fact in facts],
        "stylesheets": sorted({fact.stylesheet for fact in facts if fact.stylesheet}),
        "can_propose": can_propose or propose_form is not None,
        "can_decide": can_decide or decide_form is not None,
        "propose_form": propose_form or PilotProposeForm(),
        "decide_form": decide_form or PilotDecideForm(),
        "decisions": [
            (status, label) for status, label in decision_actions().items() if status in decisions
        ],
        "map_url": f"{reverse('api:village-geojson')}?district={district.code}",
        "map_config": village_map_config(),
        # The village's own changes and those of rows referring to it (its pilot record).
        "history": history_of(village) if user.has_perm("portal.view_audit") else None,
    }
    return render(request, "villages/village.html", context)


@registry_page
def village(request, code):
    """A desa/kelurahan: its facts, its place on the map and its pilot record."""
    facts = facts_for(request.user)
    return _render_village(request, _village_for_page(code, facts), facts)


@permission_page("villages.add_pilot")
@require_POST
def village_propose(request, code):
    """Propose the village as desa percontohan (needs `villages.add_pilot`)."""
    facts = facts_for(request.user)
    village = _village_for_page(code, facts)
    form = PilotProposeForm(request.POST)
    if form.is_valid() and form.save(village=village, by=request.user):
        messages.success(
            request, _("%(village)s was proposed as a pilot village.") % {"village": village.name}
        )
        return redirect(village)
    return _render_village(request, village, facts, propose_form=form)


@permission_page("villages.change_pilot")
@require_POST
def village_decide(request, code):
    """Select, reject or withdraw the village's pilot (needs `villages.change_pilot`)."""
    facts = facts_for(request.user)
    village = _village_for_page(code, facts)
    pilot = _pilot_of(village)
    if pilot is None:
        messages.error(request, _("This village has not been proposed as a pilot."))
        return redirect(village)
    form = PilotDecideForm(request.POST)
    if form.is_valid() and form.save(pilot=pilot, by=request.user):
        pilot = Pilot.objects.get(pk=pilot.pk)
        messages.success(
            request,
            _("Decision recorded: %(village)s is now %(status)s.")
            % {"village": village.name, "status": pilot.get_status_display().lower()},
        )
        return redirect(village)
    return _render_village(request, village, facts, decide_form=form)


# --- Search and lists ----------------------------------------------------------------------------


@registry_page
def search(request):
    """Kabupaten/kota, kecamatan and desa/kelurahan of the portal's province (PORTAL_PROVINCE)
    by name, forgiving accents, case, spaces and typos, best first (villages.search), or by the
    start of their code. Bad input (too long, NUL, an unknown kind) answers 400."""
    form = SearchForm(request.GET)
    province = settings.PORTAL_PROVINCE
    # The hints name a village and a kabupaten/kota of the province: its first ones by code.
    example = (
        Village.objects.filter(code__startswith=f"{province}.")  # the primary key's range
        .select_related("district__regency")
        .only("name", "district__code", "district__regency__code", "district__regency__name")
        .order_by("code")
        .first()
    )
    context = {"form": form, "q": "", "example": example, "kind": ""}
    if not form.is_valid():
        return render(request, "villages/search.html", context, status=400)
    q = form.cleaned_data["q"]
    levels, village_kind = form.levels()
    context.update({"q": q, "kind": form.cleaned_data.get("kind") or ""})
    if q:
        context["places"] = search_places(
            q, province=province, levels=levels, village_kind=village_kind, limit=SEARCH_LIMIT
        )
        context["limit"] = SEARCH_LIMIT
    return render(request, "villages/search.html", context)


def _pilots_filtered(request):
    queryset = scoped(
        Pilot.objects.filter(village__district__regency__province_id=settings.PORTAL_PROVINCE)
        .select_related("village__district__regency", "decided_by")
        .defer(
            "village__boundary",
            "village__district__boundary",
            "village__district__regency__boundary",
        )
        .order_by("village__code"),
        request.user,
    )
    return PilotFilterSet(request.GET, queryset=queryset)


@registry_page
def pilots_export(request, fmt):
    """The filtered pilot list as CSV or XLSX, streamed (same filters and scope as the page)."""
    return export_response(
        fmt=fmt,
        filename="desa-percontohan",
        sheet=_("Pilot villages"),
        columns=exports.COLUMNS,
        queryset=exports.pilot_rows(_pilots_filtered(request).qs),
    )


@registry_page
def pilots(request):
    """Pilot villages filtered by status, kabupaten/kota and kecamatan."""
    filterset = _pilots_filtered(request)
    page = Paginator(filterset.qs, PILOTS_PAGE_SIZE).get_page(request.GET.get("page"))
    district_groups = District.objects.grouped_by_regency(settings.PORTAL_PROVINCE)
    data = filterset.form.cleaned_data if filterset.is_bound and filterset.is_valid() else {}
    context = {
        "filterset": filterset,
        "page": page,
        "statuses": PilotStatus.choices,
        "regencies": [regency for regency, _districts in district_groups],
        "district_groups": district_groups,
        "current": {
            "status": data.get("status") or "",
            "regency": data.get("regency") or "",
            "district": data.get("district") or "",
        },
    }
    return render(request, "villages/pilots.html", context)
