"""Staff pages of the payment services: a kiosk's services (the section of its page, adding,
editing and checking an offering) and the gap view. The public finder is in `finder.py`.

Offerings read through `portal.core.scopes`; the kiosk's page is warkop's, which shows this app's
section through `warkop.extensions` (registered in `PaymentsConfig.ready`)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.decorators import permission_page
from portal.core.exports import export_response
from portal.core.scopes import get_scoped_or_404, scoped
from villages.models import Regency
from warkop.models import Warkop, report_due_month
from warkop.views import kiosk_post_action, kiosks_filtered

from . import exports, forms, selectors, services
from .models import ServiceOffering

GAP_PERMISSION = "warkop.view_coverage_gap"


def kiosk_services_section(request, kiosk, bound_forms) -> dict:
    """The services section of the kiosk's page (one query)."""
    return {
        "template": "payments/kiosk_services.html",
        "offerings": selectors.kiosk_offerings(kiosk),
        "can_offer": request.user.has_perm("payments.add_serviceoffering"),
        "form": bound_forms.get("offering_form") or forms.OfferingForm(),
    }


def gap_link(request):
    """The kiosk list's button to the gap view, for those who may see it."""
    if request.user.has_perm(GAP_PERMISSION):
        return reverse("payments:gap"), _("Villages without a service nearby")
    return None


def offerings_export_link(request):
    """The kiosk list's button to the services export, with the list's filters."""
    if request.user.has_perm("payments.view_serviceoffering"):
        query = request.GET.copy()
        query.pop("page", None)
        url = reverse("payments:offerings-export", args=["xlsx"])
        return f"{url}?{query.urlencode()}" if query else url, _("Export services (XLSX)")
    return None


@permission_page("payments.view_serviceoffering")
def offerings_export(request, fmt):
    """The services of the kiosks the list shows (same filters, same scope), streamed."""
    offerings = scoped(ServiceOffering.objects.all(), request.user)
    return export_response(
        fmt=fmt,
        filename="layanan-warkop-digital",
        sheet=_("Payment services"),
        columns=exports.COLUMNS,
        queryset=exports.offering_rows(exports.of_kiosks(offerings, kiosks_filtered(request).qs)),
    )


@permission_page("warkop.view_warkop")
def partner_home(request):
    """A partner's day: their organisation's kiosks (status, last visit), the monthly reports
    they owe (`WarkopQuerySet.report_overdue`) and the services not checked for
    OFFERING_VERIFY_DAYS days (`ServiceOfferingQuerySet.unverified`), all within their scope."""
    kiosks = scoped(Warkop.objects.real(), request.user)
    overdue = list(
        kiosks.report_overdue().select_related("village").order_by("village_id", "name")[:200]
    )
    stale = list(
        scoped(ServiceOffering.objects.active().unverified(), request.user)
        .filter(warkop__is_sample=False)
        .select_related("warkop", "category", "provider")
        .order_by("last_checked_on", "warkop__name")[:200]
    )
    return render(
        request,
        "payments/partner_home.html",
        {
            "kiosks": list(
                kiosks.select_related("village__district").order_by("village_id", "name")[:200]
            ),
            "overdue": overdue,
            "due_month": report_due_month(),
            "stale_offerings": stale,
            "verify_days": settings.OFFERING_VERIFY_DAYS,
        },
    )


offering_add = kiosk_post_action(
    "payments.add_serviceoffering",
    "offering_form",
    lambda request, kiosk: forms.OfferingForm(request.POST),
    lambda: _("Service saved."),
)


def _offering(request, pk):
    return get_scoped_or_404(
        ServiceOffering.objects.select_related("warkop", "category", "provider"),
        request.user,
        pk=pk,
    )


@permission_page("payments.change_serviceoffering")
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
    return render(request, "payments/offering_form.html", {"form": form, "offering": offering})


@permission_page("payments.change_serviceoffering")
@require_POST
def offering_verify(request, pk):
    """Record that the offering was checked today."""
    offering = _offering(request, pk)
    services.offering_verify(offering=offering, by=request.user)
    messages.success(request, _("Service marked as checked today."))
    return redirect(offering.warkop)


@permission_page(GAP_PERMISSION)
def gap(request):
    """Villages of a kabupaten/kota with no operational kiosk offering a service within N km."""
    regencies = list(
        Regency.objects.filter(province_id=settings.PORTAL_PROVINCE)
        .only("code", "name")
        .order_by("code")
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
    return render(request, "payments/gap.html", {"form": form, "villages": villages})
