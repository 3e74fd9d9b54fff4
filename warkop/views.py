"""Staff pages of the kiosks: list with filters and CSV/XLSX export, detail with its services,
check-ins, reports and history, create/edit, status change, and the gap view.

Lists read through `portal.core.scopes.scoped` and cost a constant number of queries.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from payments.models import ServiceCategory, ServiceOffering
from portal.core.audit import history_of
from portal.core.scopes import get_scoped_or_404, scoped
from villages.models import District, Regency
from villages.views import HOME_PROVINCE

from . import forms, selectors
from .filtersets import WarkopFilterSet
from .models import MonthlyReportLine, Warkop, WarkopStatus
from .services import ALLOWED_TRANSITIONS

LIST_PAGE_SIZE = 50
COLOR_BY_STATUS = {
    WarkopStatus.PROPOSED: "#f2a541",
    WarkopStatus.PREPARING: "#5b8def",
    WarkopStatus.OPERATIONAL: "#1f8a4c",
    WarkopStatus.SUSPENDED: "#e4572e",
    WarkopStatus.CLOSED: "#8c99a6",
}


def kiosk_page(permission):
    def decorator(view):
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorator


def kiosk_map_config() -> dict:
    """Kiosks coloured by status (static/js/map.js)."""
    return {
        "colorProperty": "status",
        "colors": dict(COLOR_BY_STATUS),
        "legendTitle": _("Kiosk status"),
        "legend": [
            {"color": COLOR_BY_STATUS[value], "label": str(label)}
            for value, label in WarkopStatus.choices
        ],
        "tooltip": [
            {
                "property": "status",
                "label": _("Status"),
                "lookup": {value: str(label) for value, label in WarkopStatus.choices},
            }
        ],
        "linkTemplate": reverse("warkop:detail", args=[0]).replace("/0/", "/__code__/"),
    }


def _filter_choices():
    groups = District.objects.grouped_by_regency(HOME_PROVINCE)
    categories = list(ServiceCategory.objects.filter(is_active=True).only("code", "label"))
    return [regency for regency, _districts in groups], groups, categories


def _filtered(request):
    queryset = scoped(Warkop.objects.for_lists().order_by("village_id", "name"), request.user)
    return WarkopFilterSet(request.GET, queryset=queryset)


@kiosk_page("warkop.view_warkop")
def kiosk_list(request):
    """Kiosks filtered by kabupaten, kecamatan, status, service and staleness."""
    filterset = _filtered(request)
    page = Paginator(filterset.qs, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    regencies, district_groups, categories = _filter_choices()
    data = filterset.form.cleaned_data if filterset.is_valid() else {}
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "regencies": regencies,
        "district_groups": district_groups,
        "categories": categories,
        "statuses": WarkopStatus.choices,
        "current": {
            key: data.get(key) or "" for key in ("regency", "district", "status", "service", "q")
        }
        | {"stale": data.get("stale")},
        "query": query.urlencode(),
        "map_url": f"{reverse('api:kiosk-geojson')}?{query.urlencode()}",
        "map_config": kiosk_map_config(),
    }
    return render(request, "warkop/list.html", context)


EXPORT_COLUMNS = [
    ("id", _("Id")),
    ("name", _("Name")),
    ("sample", _("Sample data")),
    ("village_code", _("Village code")),
    ("village", _("Village")),
    ("district", _("Kecamatan")),
    ("regency", _("Regency/city")),
    ("status", _("Status")),
    ("status_since", _("Status since")),
    ("stale", _("Stale")),
    ("last_check_in", _("Last check-in")),
    ("owner", _("Owner")),
    ("phone", _("Owner's phone")),
    ("organisation", _("Partner organisation")),
    ("latitude", _("Latitude")),
    ("longitude", _("Longitude")),
    ("connectivity", _("Connectivity")),
    ("provider", _("Internet provider")),
    ("learning_room", _("Learning room")),
    ("seats", _("Seats")),
    ("devices", _("Devices")),
    ("hours", _("Opening hours")),
    ("address", _("Address")),
]


def _export_row(kiosk: Warkop) -> list:
    yes, no = _("yes"), _("no")
    last = kiosk.last_check_in_at
    return [
        kiosk.pk,
        kiosk.name,
        yes if kiosk.is_sample else no,
        kiosk.village_id,
        kiosk.village.name,
        kiosk.village.district.name,
        kiosk.village.district.regency.name,
        kiosk.get_status_display(),
        kiosk.status_changed_on.isoformat() if kiosk.status_changed_on else "",
        yes if kiosk.is_stale else no,
        timezone.localtime(last).strftime("%Y-%m-%d %H:%M") if last else "",
        kiosk.owner_name,
        kiosk.owner_phone,
        kiosk.organisation.name if kiosk.organisation else "",
        round(kiosk.location.y, 6),
        round(kiosk.location.x, 6),
        kiosk.get_connectivity_display(),
        kiosk.connectivity_provider,
        yes if kiosk.has_learning_room else no,
        kiosk.learning_room_seats,
        kiosk.learning_room_devices,
        kiosk.opening_hours,
        kiosk.address,
    ]


def _safe_cell(value):
    """Spreadsheet formula injection: text starting with = + - @ is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@kiosk_page("warkop.view_warkop")
def kiosk_export(request, fmt):
    """The filtered list as CSV or XLSX (same FilterSet, same scope as the page)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = (_export_row(kiosk) for kiosk in _filtered(request).qs.iterator(chunk_size=500))
    header = [str(label) for _key, label in EXPORT_COLUMNS]
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="warkop-digital-{stamp}.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 with a BOM
        writer = csv.writer(response)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_safe_cell(value) for value in row])
        return response
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Warkop Digital"))
    sheet.append(header)
    for row in rows:
        sheet.append([_safe_cell(value) for value in row])
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="warkop-digital-{stamp}.xlsx"'
    workbook.save(response)
    return response


def _kiosk(request, pk):
    return get_scoped_or_404(
        Warkop.objects.select_related(
            "village__district__regency__province", "organisation", "created_by"
        ).defer(
            "village__boundary",
            "village__district__boundary",
            "village__district__regency__boundary",
            "village__district__regency__province__boundary",
        ),
        request.user,
        pk=pk,
    )


def _render_detail(request, kiosk, **forms_given):
    user = request.user
    categories = list(ServiceCategory.objects.filter(is_active=True))
    allowed = ALLOWED_TRANSITIONS[WarkopStatus(kiosk.status)]
    can = {
        "edit": user.has_perm("warkop.change_warkop"),
        "status": user.has_perm("warkop.change_status_warkop") and bool(allowed),
        "checkin": user.has_perm("warkop.add_checkin") and kiosk.status != WarkopStatus.CLOSED,
        "offer": user.has_perm("payments.add_serviceoffering"),
        "report": user.has_perm("warkop.add_monthlyreport"),
        "photo": user.has_perm("warkop.add_warkopphoto"),
    }
    village = kiosk.village
    context = {
        "kiosk": kiosk,
        "village": village,
        "district": village.district,
        "regency": village.district.regency,
        "province": village.district.regency.province,
        "offerings": list(
            kiosk.offerings.select_related("category", "provider", "last_checked_by")
            .with_verification()
            .order_by("category__sort_order", "provider__name")
        ),
        "check_ins": list(kiosk.check_ins.select_related("recorded_by")[:20]),
        "reports": list(
            kiosk.reports.select_related("submitted_by")
            .prefetch_related(
                Prefetch("lines", queryset=MonthlyReportLine.objects.select_related("category"))
            )
            .order_by("-month")[:12]
        ),
        "status_changes": list(kiosk.status_changes.select_related("changed_by")),
        "photos": list(kiosk.photos.all()[:12]),
        "can": can,
        "status_form": forms_given.get("status_form") or forms.StatusForm(allowed=allowed),
        "checkin_form": forms_given.get("checkin_form") or forms.CheckInForm(),
        "offering_form": forms_given.get("offering_form") or forms.OfferingForm(),
        "report_form": forms_given.get("report_form")
        or forms.ReportForm(
            categories=categories, initial={"month": timezone.localdate().strftime("%Y-%m")}
        ),
        "photo_form": forms_given.get("photo_form") or forms.PhotoForm(),
        "map_url": f"{reverse('api:kiosk-geojson')}?district={village.district_id}",
        "map_config": kiosk_map_config(),
        "history": history_of(kiosk) if user.has_perm("portal.view_audit") else None,
    }
    return render(request, "warkop/detail.html", context)


@kiosk_page("warkop.view_warkop")
def kiosk_detail(request, pk):
    return _render_detail(request, _kiosk(request, pk))


@kiosk_page("warkop.add_warkop")
def kiosk_create(request):
    form = forms.WarkopForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        kiosk = form.save()
        if kiosk is not None:
            messages.success(request, _("Kiosk %(name)s recorded.") % {"name": kiosk.name})
            return redirect(kiosk)
    return render(request, "warkop/form.html", {"form": form, "kiosk": None})


@kiosk_page("warkop.change_warkop")
def kiosk_edit(request, pk):
    kiosk = _kiosk(request, pk)
    form = forms.WarkopForm(request.POST or None, user=request.user, instance=kiosk)
    if request.method == "POST" and form.is_valid() and form.save() is not None:
        messages.success(request, _("Kiosk %(name)s saved.") % {"name": kiosk.name})
        return redirect(kiosk)
    return render(request, "warkop/form.html", {"form": form, "kiosk": kiosk})


def _post_action(permission, form_name, make_form, success):
    """A POST from the detail page: check the permission, validate, call the service."""

    @login_required
    @require_POST
    def view(request, pk):
        if not request.user.has_perm(permission):
            raise PermissionDenied
        kiosk = _kiosk(request, pk)
        form = make_form(request, kiosk)
        if form.is_valid() and form.save(warkop=kiosk, by=request.user) is not None:
            messages.success(request, success())
            return redirect(kiosk)
        return _render_detail(request, kiosk, **{form_name: form})

    return view


kiosk_status = _post_action(
    "warkop.change_status_warkop",
    "status_form",
    lambda request, kiosk: forms.StatusForm(request.POST),
    lambda: _("Status changed."),
)
kiosk_checkin = _post_action(
    "warkop.add_checkin",
    "checkin_form",
    lambda request, kiosk: forms.CheckInForm(request.POST, request.FILES),
    lambda: _("Check-in recorded."),
)
kiosk_photo = _post_action(
    "warkop.add_warkopphoto",
    "photo_form",
    lambda request, kiosk: forms.PhotoForm(request.POST, request.FILES),
    lambda: _("Photo added."),
)
kiosk_offering_add = _post_action(
    "payments.add_serviceoffering",
    "offering_form",
    lambda request, kiosk: forms.OfferingForm(request.POST),
    lambda: _("Service saved."),
)
kiosk_report = _post_action(
    "warkop.add_monthlyreport",
    "report_form",
    lambda request, kiosk: forms.ReportForm(
        request.POST, categories=ServiceCategory.objects.filter(is_active=True)
    ),
    lambda: _("Monthly report saved."),
)


def _offering(request, pk):
    return get_scoped_or_404(
        ServiceOffering.objects.select_related("warkop", "category", "provider"),
        request.user,
        pk=pk,
    )


@kiosk_page("payments.change_serviceoffering")
def offering_edit(request, pk):
    offering = _offering(request, pk)
    form = forms.OfferingForm(request.POST or None, instance=offering)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.save(warkop=offering.warkop, by=request.user)
    ):
        messages.success(request, _("Service saved."))
        return redirect(offering.warkop)
    return render(request, "warkop/offering_form.html", {"form": form, "offering": offering})


@login_required
@require_POST
def offering_verify(request, pk):
    """Record that the offering was checked today."""
    if not request.user.has_perm("payments.change_serviceoffering"):
        raise PermissionDenied
    from payments.services import offering_verify as verify

    offering = _offering(request, pk)
    verify(offering=offering, by=request.user)
    messages.success(request, _("Service marked as checked today."))
    return redirect(offering.warkop)


@kiosk_page("warkop.view_coverage_gap")
def gap(request):
    """Villages of a kabupaten/kota with no operational kiosk offering a service within N km."""
    regencies = list(
        Regency.objects.filter(province_id=HOME_PROVINCE).only("code", "name").order_by("code")
    )
    form = forms.GapForm(request.GET or None, regencies=regencies)
    villages = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        villages = list(
            selectors.villages_without_service(
                regency_code=data["regency"], category=data["service"], km=data["km"]
            )
        )
    return render(request, "warkop/gap.html", {"form": form, "villages": villages})
