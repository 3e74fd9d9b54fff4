"""Staff pages of the kiosks: list with filters and CSV/XLSX export, detail with check-ins,
reports, history and the sections other apps add (warkop/extensions.py: payments adds the
kiosk's services), create/edit, status change.

Lists read through `portal.core.scopes.scoped` and cost a constant number of queries.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.audit import history_of
from portal.core.datacache import cached_html
from portal.core.decorators import permission_page
from portal.core.exports import export_response
from portal.core.scopes import get_scoped_or_404, scoped
from villages.models import District

from . import exports, extensions, forms, selectors
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
    groups = District.objects.grouped_by_regency(settings.PORTAL_PROVINCE)
    categories = list(selectors.active_service_categories().only("code", "label"))
    return [regency for regency, _districts in groups], groups, categories


def kiosks_filtered(request):
    """The kiosk list's FilterSet on the user's scope: the page, its export and the offerings'
    export (payments) read it."""
    queryset = scoped(Warkop.objects.for_lists().order_by("village_id", "name"), request.user)
    return WarkopFilterSet(request.GET, queryset=queryset)


@permission_page("warkop.view_warkop")
def kiosk_list(request):
    """Kiosks filtered by kabupaten, kecamatan, status, service and staleness; the content is
    read from the figures cache (portal/core/datacache.py) per query string and scope."""
    content = cached_html(
        request,
        f"warkop-list:{request.GET.urlencode()}",
        "warkop/list_content.html",
        lambda: kiosk_list_context(request),
        until=selectors.figures_until,
    )
    return render(request, "warkop/list.html", {"content_html": content})


def kiosk_list_context(request) -> dict:
    filterset = kiosks_filtered(request)
    page = Paginator(filterset.qs, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    regencies, district_groups, categories = _filter_choices()
    data = filterset.form.cleaned_data if filterset.is_valid() else {}
    query = request.GET.copy()
    query.pop("page", None)
    return {
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
        # the API reads filters strictly: an empty form field is left out, not sent empty
        "map_url": f"{reverse('api:kiosk-geojson')}?"
        + urlencode([(key, value) for key, value in query.items() if value.strip()]),
        "map_config": kiosk_map_config(),
        "links": [link for make in extensions.list_links if (link := make(request))],
    }


@permission_page("warkop.view_warkop")
def kiosk_export(request, fmt):
    """The filtered list as CSV or XLSX (same FilterSet, same scope as the page), streamed."""
    return export_response(
        fmt=fmt,
        filename="warkop-digital",
        sheet=_("Warkop Digital"),
        columns=exports.COLUMNS,
        queryset=exports.export_rows(kiosks_filtered(request).qs),
    )


def kiosk_for_page(request, pk):
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


def render_detail(request, kiosk, **forms_given):
    """The kiosk's page; `forms_given` are bound forms a refused POST shows with their errors."""
    user = request.user
    categories = list(selectors.active_service_categories())
    allowed = ALLOWED_TRANSITIONS[WarkopStatus(kiosk.status)]
    can = {
        "edit": user.has_perm("warkop.change_warkop"),
        "status": user.has_perm("warkop.change_status_warkop") and bool(allowed),
        "checkin": user.has_perm("warkop.add_checkin") and kiosk.status != WarkopStatus.CLOSED,
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
        "sections": [
            section
            for make in extensions.detail_sections
            if (section := make(request, kiosk, forms_given))
        ],
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


@permission_page("warkop.view_warkop")
def kiosk_detail(request, pk):
    return render_detail(request, kiosk_for_page(request, pk))


@permission_page("warkop.add_warkop")
def kiosk_create(request):
    form = forms.WarkopForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        kiosk = form.save()
        if kiosk is not None:
            messages.success(request, _("Kiosk %(name)s recorded.") % {"name": kiosk.name})
            return redirect(kiosk)
    return render(request, "warkop/form.html", {"form": form, "kiosk": None})


@permission_page("warkop.change_warkop")
def kiosk_edit(request, pk):
    kiosk = kiosk_for_page(request, pk)
    form = forms.WarkopForm(request.POST or None, user=request.user, instance=kiosk)
    if request.method == "POST" and form.is_valid() and form.save() is not None:
        messages.success(request, _("Kiosk %(name)s saved.") % {"name": kiosk.name})
        return redirect(kiosk)
    return render(request, "warkop/form.html", {"form": form, "kiosk": kiosk})


def kiosk_post_action(permission, form_name, make_form, success):
    """A POST from the kiosk's page: check the permission, validate, call the service (the
    form's `save(warkop=, by=)`); a refusal shows the page again with the form's errors."""

    @permission_page(permission)
    @require_POST
    def view(request, pk):
        kiosk = kiosk_for_page(request, pk)
        form = make_form(request, kiosk)
        if form.is_valid() and form.save(warkop=kiosk, by=request.user) is not None:
            messages.success(request, success())
            return redirect(kiosk)
        return render_detail(request, kiosk, **{form_name: form})

    return view


kiosk_status = kiosk_post_action(
    "warkop.change_status_warkop",
    "status_form",
    lambda request, kiosk: forms.StatusForm(request.POST),
    lambda: _("Status changed."),
)
kiosk_checkin = kiosk_post_action(
    "warkop.add_checkin",
    "checkin_form",
    lambda request, kiosk: forms.CheckInForm(request.POST, request.FILES),
    lambda: _("Check-in recorded."),
)
kiosk_photo = kiosk_post_action(
    "warkop.add_warkopphoto",
    "photo_form",
    lambda request, kiosk: forms.PhotoForm(request.POST, request.FILES),
    lambda: _("Photo added."),
)
kiosk_report = kiosk_post_action(
    "warkop.add_monthlyreport",
    "report_form",
    lambda request, kiosk: forms.ReportForm(
        request.POST, categories=selectors.active_service_categories()
    ),
    lambda: _("Monthly report saved."),
)
