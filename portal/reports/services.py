"""Writes of the reports: request one, generate it (Celery), sign it off."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from portal.programme.calendar import programme_day

from .data import report_data
from .models import Report, ReportKind, ReportStatus
from .pdf import html_to_pdf, pdf_css_url


def _pdf_context(report, data) -> dict:
    """The print page as the PDF renders it: its stylesheet named by the source path, which the
    renderer reads from disk (no manifest of hashed names needed in the worker)."""
    return {"report": report, "data": data, "for_pdf": True, "pdf_css": pdf_css_url()}


def report_period(
    *, programme, kind: str, on: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """A weekly report covers the seven days up to `on`; the 100-day report the programme from
    its first day up to `on` (at most its last day)."""
    if kind == ReportKind.WEEKLY:
        return on - datetime.timedelta(days=6), on
    day = programme_day(programme, on)
    return day.start, min(on, day.end)


@transaction.atomic
def report_request(*, programme, kind: str, on: datetime.date, by) -> Report:
    """The report of `kind` for the period ending on `on`, to be generated (again): one per
    programme, kind and period end (a unique constraint). A signed report is frozen."""
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Unknown kind of report.")})
    start, end = report_period(programme=programme, kind=kind, on=on)
    report, created = Report.objects.select_for_update().get_or_create(
        programme=programme,
        kind=kind,
        period_end=end,
        defaults={"period_start": start, "requested_by": by},
    )
    if not created:
        if report.is_signed:
            raise ValidationError(
                _("This report was signed off by %(name)s: it is kept as signed.")
                % {"name": report.signed_by.get_full_name() or report.signed_by.username}
            )
        report.status = ReportStatus.GENERATING
        report.requested_by = by
        report.error = ""
        report.save(update_fields=["status", "requested_by", "error"])
    return report


def report_generate(*, report_id: int) -> Report:
    """Compute the report's figures and render its PDF (in Indonesian, the team's language).
    Idempotent: generating again replaces the figures and the PDF of an unsigned report."""
    report = Report.objects.select_related("programme").get(pk=report_id)
    if report.is_signed:
        return report
    try:
        with override("id"):
            data = report_data(
                programme=report.programme,
                kind=report.kind,
                start=report.period_start,
                end=report.period_end,
            )
            html = render_to_string("portal/reports/print.html", _pdf_context(report, data))
        pdf = html_to_pdf(html)
    except Exception as error:
        report_mark_failed(report_id=report.pk, error=str(error) or error.__class__.__name__)
        raise
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.is_signed:
            return report
        old = report.pdf.name
        report.data = data
        report.generated_at = timezone.now()
        report.status = ReportStatus.READY
        report.error = ""
        report.pdf.save(f"{report.pk}.pdf", ContentFile(pdf), save=False)
        report.save()
        if old and old != report.pdf.name:
            transaction.on_commit(lambda: report.pdf.storage.delete(old))
    return report


def report_mark_failed(*, report_id: int, error: str) -> None:
    """The report could not be generated (rendering failed, or the task queue could not be
    reached): the list says so with the reason, and "generate now" tries again. A signed report
    keeps its state."""
    Report.objects.filter(pk=report_id, signed_at__isnull=True).update(
        status=ReportStatus.FAILED, error=error[:2000]
    )


@transaction.atomic
def report_sign_off(*, report: Report, by) -> Report:
    """A named staff member signs a ready report off: who and when are recorded (and audited);
    the report is frozen from then on."""
    if not by.has_perm("reports.sign_report"):
        raise PermissionDenied(_("You may not sign reports off."))
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.READY:
        raise ValidationError(_("Only a ready report can be signed off."))
    if report.is_signed:
        raise ValidationError(_("This report is already signed off."))
    report.signed_by = by
    report.signed_at = timezone.now()
    # The kept PDF carries the sign-off: rendered again from the figures it was generated with.
    with override("id"):
        html = render_to_string("portal/reports/print.html", _pdf_context(report, report.data))
    old = report.pdf.name
    report.pdf.save(f"{report.pk}.pdf", ContentFile(html_to_pdf(html)), save=False)
    report.save(update_fields=["signed_by", "signed_at", "pdf"])
    if old and old != report.pdf.name:
        transaction.on_commit(lambda: report.pdf.storage.delete(old))
    return report
