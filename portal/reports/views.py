"""Pages of the reports (namespace `reports`): the list with "generate now", a report's print
page, its PDF and its sign-off."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from portal.core.decorators import permission_page
from portal.programme.models import Programme

from . import services
from .models import Report, ReportKind, ReportStatus
from .tasks import generate_report

VIEW = "reports.view_report"


@permission_page(VIEW)
def report_list(request):
    """Every report kept, newest first, with what can be done with each."""
    reports = Report.objects.select_related("programme", "signed_by", "requested_by")
    return render(
        request,
        "portal/reports/list.html",
        {
            "reports": reports.order_by("-period_end", "kind")[:200],
            "kinds": ReportKind.choices,
            "programme": Programme.objects.current().first(),
            "today": timezone.localdate(),
        },
    )


def _enqueue(request, report) -> bool:
    """Send the report to Celery (its row is committed: the service's transaction is over); a
    queue that cannot be reached marks the report failed, so it is never left "being generated"."""
    try:
        generate_report.delay(report.pk)
    except (KombuOperationalError, RedisError, OSError):
        message = _("The task queue cannot be reached: try again in a moment.")
        services.report_mark_failed(report_id=report.pk, error=message)
        messages.error(request, message)
        return False
    return True


@permission_page("reports.add_report")
@require_POST
def report_generate(request):
    """Generate (again) the chosen report of the current programme, up to today, through Celery."""
    programme = Programme.objects.current().first()
    if programme is None:
        messages.error(request, _("No programme is current."))
        return redirect("reports:list")
    try:
        report = services.report_request(
            programme=programme,
            kind=request.POST.get("kind", ""),
            on=timezone.localdate(),
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:list")
    if _enqueue(request, report):
        messages.success(
            request,
            _("“%(report)s” is being generated; it appears here when ready.") % {"report": report},
        )
    return redirect("reports:list")


@permission_page(VIEW)
def report_detail(request, pk):
    """The print page of a report, from the figures it was generated with."""
    report = get_object_or_404(Report.objects.select_related("signed_by"), pk=pk)
    if report.status != ReportStatus.READY:
        raise Http404
    return render(request, "portal/reports/print.html", {"report": report, "data": report.data})


@permission_page(VIEW)
def report_pdf(request, pk):
    report = get_object_or_404(Report, pk=pk)
    if report.status != ReportStatus.READY or not report.pdf:
        raise Http404
    return FileResponse(
        report.pdf.open("rb"),
        as_attachment=True,
        filename=f"{report.get_kind_display()} {report.period_end:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )


@permission_page("reports.sign_report")
@require_POST
def report_sign(request, pk):
    report = get_object_or_404(Report, pk=pk)
    try:
        services.report_sign_off(report=report, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Report signed off."))
    return redirect("reports:list")
