"""Reports of the programme handed over by the team: weekly progress and the 100-day report.

A report's figures are computed once, when it is generated (`data`, a JSON document), so the print
page and the PDF always say the same thing and never change afterwards; the PDF is kept in media.
A named staff member signs a ready report off; a signed report is frozen (generating the same
period again is refused)."""

import pghistory
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.programme.models import Programme


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly progress report")
    FINAL = "final", _("100-day report")


class ReportStatus(models.TextChoices):
    GENERATING = "generating", _("Being generated")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def report_path(report, filename: str) -> str:
    return f"reports/{report.kind}-{report.period_end:%Y-%m-%d}-{report.pk}.pdf"


# The figures (`data`) are derived from audited data and are frozen with the sign-off: the audit
# trail records who asked for a report, its status, its PDF and who signed it off, and when, not a
# copy of every figure at every regeneration.
@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), exclude=["data"]
)
class Report(models.Model):
    """One report of a programme over a period: its figures, its PDF and its sign-off."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="reports", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.GENERATING
    )
    data = models.JSONField(_("figures"), default=dict, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=report_path, blank=True, max_length=200)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_at = models.DateTimeField(_("signed off"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_end", "kind"]
        permissions = [("sign_report", _("Can sign a report off"))]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "period_end"], name="report_one_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="report_period_in_order",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} {self.period_start:%d-%m-%Y} – {self.period_end:%d-%m-%Y}"
        )

    def get_absolute_url(self):
        return reverse("reports:detail", args=[self.pk])

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None
