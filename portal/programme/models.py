"""The 100-day programme: programmes, milestones, daily snapshots, non-working days,
notifications and weekly digests.

Working days are in `calendar`, metrics in `metrics`, status rules in `status`, charts in
`charts`; writes in `services` (programme_*, milestone_*, non_working_day_*); Celery tasks in
`tasks`. The tables keep the names they had in the `portal` app (`db_table`).
"""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class NonWorkingDayKind(models.TextChoices):
    """Why a weekday is not a working day (added by staff on top of the holiday library)."""

    HOLIDAY = "holiday", _("Public holiday")
    COLLECTIVE_LEAVE = "collective_leave", _("Collective leave (cuti bersama)")
    REGIONAL = "regional", _("Regional day off")


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    meta={"db_table": "portal_nonworkingdayevent"},
)
class NonWorkingDay(models.Model):
    """A date that is not a working day although the holiday library does not know it: a cuti
    bersama decreed after the library's release, a regional day off, a changed holiday."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=NonWorkingDayKind.choices)
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("The decree or announcement, e.g. SKB 3 Menteri No. ... of ...."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        db_table = "portal_nonworkingday"  # made in the `portal` app
        verbose_name = _("non-working day")
        verbose_name_plural = _("non-working days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NonWorkingDayKind.values), name="non_working_day_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class ProgrammeQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    meta={"db_table": "portal_programmeevent"},
)
class Programme(models.Model):
    """A programme counted in working days, such as the Governor's first 100 working days.

    Several can exist; exactly one at most is current (the one shown on every page)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(
        _("start date"), help_text=_("Working day 1 is the first working day from this date.")
    )
    length_working_days = models.PositiveSmallIntegerField(_("length in working days"), default=100)
    is_current = models.BooleanField(_("current"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        db_table = "portal_programme"  # made in the `portal` app
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="programme_one_current"
            ),
            models.CheckConstraint(
                condition=Q(length_working_days__gte=1), name="programme_length_positive"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programme:detail", args=[self.pk])


class MilestoneKind(models.TextChoices):
    MANUAL = "manual", _("Recorded by hand, with evidence")
    METRIC = "metric", _("Measured from live data")


class MilestoneStatus(models.TextChoices):
    """Where a milestone stands on a day (computed by the daily evaluation)."""

    DONE = "done", _("Done")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    LATE = "late", _("Late")


class Metric(models.TextChoices):
    """Live figures a metric milestone can measure (computed in `portal.programme.METRICS`)."""

    PILOT_DISTRICTS = "pilot_districts", _("Kecamatan with a selected pilot village")
    PILOTS_WITH_VERIFIED_SURVEY = (
        "pilots_with_verified_survey",
        _("Pilot villages with a verified coverage survey"),
    )
    OPERATIONAL_KIOSKS = "operational_kiosks", _("Operational Warkop Digital kiosks")
    KIOSKS_WITH_SERVICES = (
        "kiosks_with_services",
        _("Operational kiosks listing an active service offering"),
    )


def evidence_path(instance, filename):
    return f"programme/{instance.programme_id}/milestone-{instance.pk}/{filename}"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["status", "value", "target_value", "evaluated_on"],
    meta={"db_table": "portal_milestoneevent"},
)
class Milestone(models.Model):
    """A step of a programme, due on a working day. A manual milestone is done when someone
    records it with evidence; a metric milestone is done when its live figure reaches the target.
    `status`, `value`, `target_value` and `evaluated_on` hold the latest daily evaluation."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    responsible_unit = models.CharField(
        _("responsible unit"), max_length=200, help_text=_("e.g. Diskominfotik, DPMD")
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_milestones",
        verbose_name=_("responsible person"),
        help_text=_("Notified when the milestone's status changes."),
    )
    due_day = models.PositiveSmallIntegerField(_("due working day"))
    kind = models.CharField(_("kind"), max_length=10, choices=MilestoneKind.choices)
    metric = models.CharField(_("metric"), max_length=40, choices=Metric.choices, blank=True)
    target = models.PositiveIntegerField(
        _("target"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the metric's own target (e.g. every kecamatan)."),
    )
    # Manual milestones: recorded with evidence.
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence_file = models.FileField(
        _("evidence document"), upload_to=evidence_path, blank=True, max_length=300
    )
    evidence_url = models.URLField(_("evidence link"), blank=True, max_length=500)
    evidence_note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    # The latest evaluation.
    status = models.CharField(
        _("status"), max_length=10, choices=MilestoneStatus.choices, blank=True
    )
    value = models.PositiveIntegerField(_("value"), null=True, blank=True)
    target_value = models.PositiveIntegerField(_("target value"), null=True, blank=True)
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)

    class Meta:
        db_table = "portal_milestone"  # made in the `portal` app
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["programme", "due_day", "pk"]
        permissions = [("record_milestone", _("Can record a manual milestone as done"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MilestoneKind.values), name="milestone_kind_valid"
            ),
            models.CheckConstraint(
                condition=(Q(kind=MilestoneKind.METRIC) & Q(metric__in=Metric.values))
                | (Q(kind=MilestoneKind.MANUAL) & Q(metric="") & Q(target__isnull=True)),
                name="milestone_metric_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind=MilestoneKind.MANUAL) | Q(done_on__isnull=True),
                name="milestone_only_manual_recorded",
            ),
            models.CheckConstraint(condition=Q(due_day__gte=1), name="milestone_due_day_positive"),
            models.CheckConstraint(
                condition=Q(status="") | Q(status__in=MilestoneStatus.values),
                name="milestone_status_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programme:milestone", args=[self.pk])

    @property
    def is_manual(self) -> bool:
        return self.kind == MilestoneKind.MANUAL

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_file or self.evidence_url)


class ProgrammeSnapshot(models.Model):
    """The figures of a programme on one day, written by the daily evaluation: one row per
    programme and date (an upsert), so running the evaluation twice never duplicates a day.

    `milestones` maps each milestone id to {"status", "value", "target"}; `backfilled` marks days
    filled in later for a day the evaluation missed (their metric values are the last measured
    ones, carried forward: nothing is invented for days nobody measured)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("programme")
    )
    date = models.DateField(_("date"))
    day_number = models.IntegerField(_("working day"))
    is_working_day = models.BooleanField(_("working day"), default=True)
    milestones = models.JSONField(_("milestones"), default=dict)
    done = models.PositiveSmallIntegerField(_("done"), default=0)
    on_track = models.PositiveSmallIntegerField(_("on track"), default=0)
    at_risk = models.PositiveSmallIntegerField(_("at risk"), default=0)
    late = models.PositiveSmallIntegerField(_("late"), default=0)
    backfilled = models.BooleanField(_("filled in later"), default=False)
    evaluated_at = models.DateTimeField(_("evaluated"))

    class Meta:
        db_table = "portal_programmesnapshot"  # made in the `portal` app
        verbose_name = _("daily snapshot")
        verbose_name_plural = _("daily snapshots")
        ordering = ["programme", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "date"], name="programme_snapshot_one_per_day"
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.date:%Y-%m-%d}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A milestone's status changed: one notification per recipient, milestone, day and new
    status (a unique constraint), e-mailed once (`emailed_at`) and listed in the portal."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="programme_notifications",
        verbose_name=_("recipient"),
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("milestone"),
    )
    date = models.DateField(_("date"))
    old_status = models.CharField(
        _("previous status"), max_length=10, choices=MilestoneStatus.choices, blank=True
    )
    new_status = models.CharField(_("new status"), max_length=10, choices=MilestoneStatus.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        db_table = "portal_notification"  # made in the `portal` app
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "milestone", "date", "new_status"],
                name="notification_once_per_change",
            ),
        ]

    def __str__(self):
        return f"{self.milestone}: {self.get_new_status_display()}"


class ProgrammeDigest(models.Model):
    """The weekly digest e-mailed to the team: one per programme and week (a unique constraint),
    so a retried or repeated task never sends it twice."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="digests", verbose_name=_("programme")
    )
    week = models.DateField(_("week (Monday)"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        db_table = "portal_programmedigest"  # made in the `portal` app
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "week"], name="programme_digest_weekly"),
        ]

    def __str__(self):
        return f"{self.programme} {self.week:%Y-%m-%d}"
