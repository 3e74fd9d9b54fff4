"""Warkop Digital kiosks: where each stands, its status history, whether it is alive (check-ins)
and how much it is used (monthly reports). Writes go through `warkop.services`."""

import datetime

import pghistory
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_photo


class WarkopStatus(models.TextChoices):
    """Where a kiosk stands; transitions are in `warkop.services.ALLOWED_TRANSITIONS`."""

    PROPOSED = "proposed", _("Proposed")
    PREPARING = "preparing", _("Preparing")
    OPERATIONAL = "operational", _("Operational")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class Connectivity(models.TextChoices):
    """How the kiosk reaches the internet."""

    FIBRE = "fibre", _("Fibre")
    MOBILE_4G = "4g", _("4G")
    VSAT = "vsat", _("VSAT (satellite)")
    NONE = "none", _("No connection")


def report_due_month(today=None) -> datetime.date:
    """The month whose report is owed by now: last month once its due day has passed, else the
    month before (still in its grace period, last month is not yet overdue)."""
    today = today or timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    if today.day > settings.MONTHLY_REPORT_DUE_DAY:
        return last_month
    return (last_month - datetime.timedelta(days=1)).replace(day=1)


class WarkopQuerySet(models.QuerySet):
    """Reads over kiosks."""

    def operational(self):
        return self.filter(status=WarkopStatus.OPERATIONAL)

    def stale(self, now=None):
        """Operational kiosks with no check-in (nor a change to operational) for
        WARKOP_STALE_DAYS days, as of `now`: live, whether or not the daily task has flagged
        them yet (`is_stale` and `stale_since` record when it did)."""
        now = now or timezone.now()
        cutoff = now - datetime.timedelta(days=settings.WARKOP_STALE_DAYS)
        cutoff_date = timezone.localdate(cutoff)
        return self.operational().filter(
            Q(last_check_in_at__lt=cutoff)
            | Q(last_check_in_at__isnull=True, status_changed_on__lt=cutoff_date)
            | Q(last_check_in_at__isnull=True, status_changed_on__isnull=True)
        )

    def next_stale_at(self, now=None):
        """The next instant after `now` at which one of these kiosks becomes stale by the clock
        alone (its last check-in turns WARKOP_STALE_DAYS old); None if none will. Kiosks without
        a check-in turn stale at a local midnight (their date cut-off)."""
        now = now or timezone.now()
        days = datetime.timedelta(days=settings.WARKOP_STALE_DAYS)
        oldest = (
            self.operational()
            .filter(last_check_in_at__gte=now - days)
            .aggregate(oldest=models.Min("last_check_in_at"))["oldest"]
        )
        return oldest + days if oldest else None

    def report_overdue(self, today=None):
        """Operational kiosks whose monthly report is overdue: the report of the month before
        is missing once MONTHLY_REPORT_DUE_DAY of this month has passed. Annotated with
        `report_due_month` (the first day of the month owed)."""
        month = report_due_month(today)
        return (
            self.operational()
            .exclude(reports__month=month)
            .annotate(report_due_month=models.Value(month, output_field=models.DateField()))
        )

    def real(self):
        """Leaving out the sample data of `seed_demo` (docs/sample-data.md)."""
        return self.filter(is_sample=False)

    def samples(self):
        return self.filter(is_sample=True)

    def for_lists(self):
        """What the lists and exports show, in a constant number of queries."""
        return self.select_related("village__district__regency", "organisation").defer(
            "village__boundary",
            "village__district__boundary",
            "village__district__regency__boundary",
        )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Warkop(models.Model):
    """A village coffee shop turned service point (Warkop Digital)."""

    village = models.ForeignKey(
        "villages.Village",
        on_delete=models.PROTECT,
        related_name="kiosks",
        verbose_name=_("village"),
    )
    name = models.CharField(_("name"), max_length=120)
    # The owner's name and personal phone are personal data: the team and the kiosk's partner
    # see them, the public never does (docs/data-protection.md). The public finder shows only
    # the kiosk's business phone, and only with the owner's consent (`publish_phone`).
    owner_name = models.CharField(_("owner"), max_length=120)
    owner_phone = models.CharField(_("owner's personal phone"), max_length=40, blank=True)
    business_phone = models.CharField(
        _("kiosk's public phone"),
        max_length=40,
        blank=True,
        help_text=_("The kiosk's number for customers (not the owner's personal phone)."),
    )
    publish_phone = models.BooleanField(
        _("publish the kiosk's phone"),
        default=False,
        help_text=_(
            "The owner agrees that the kiosk's public phone is shown in the public service finder."
        ),
    )
    organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="warkops",
        verbose_name=_("partner organisation"),
    )
    # A geography column: distances in metres and nearest-first (KNN) ordering by PostGIS.
    location = models.PointField(_("location"), geography=True, srid=4326, spatial_index=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=WarkopStatus.choices, default=WarkopStatus.PROPOSED
    )
    status_changed_on = models.DateField(_("status since"), null=True, blank=True)
    connectivity = models.CharField(
        _("connectivity"), max_length=5, choices=Connectivity.choices, default=Connectivity.NONE
    )
    connectivity_provider = models.CharField(_("internet provider"), max_length=80, blank=True)
    has_learning_room = models.BooleanField(_("learning room"), default=False)
    learning_room_seats = models.PositiveSmallIntegerField(_("seats"), default=0)
    learning_room_devices = models.PositiveSmallIntegerField(_("devices"), default=0)
    opening_hours = models.CharField(
        _("opening hours"), max_length=120, blank=True, help_text=_("e.g. Mon–Sat 08.00–21.00")
    )
    last_check_in_at = models.DateTimeField(_("last check-in"), null=True, blank=True)
    is_stale = models.BooleanField(
        _("stale"),
        default=False,
        help_text=_("Operational, but no check-in for WARKOP_STALE_DAYS days."),
    )
    stale_since = models.DateField(_("stale since"), null=True, blank=True)
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Made up for demonstrations; not real.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = WarkopQuerySet.as_manager()

    # portal.core.scopes: officers see their kabupaten, partner members their organisation's kiosks.
    scope_regency_path = "village__district__regency"
    scope_organisation_path = "organisation"

    class Meta:
        verbose_name = _("Warkop Digital")
        verbose_name_plural = _("Warkop Digital kiosks")
        ordering = ["village_id", "name"]
        permissions = [
            ("change_status_warkop", _("Can change the status of a Warkop Digital")),
            ("view_coverage_gap", _("Can view villages without a service nearby")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=WarkopStatus.values), name="warkop_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(connectivity__in=Connectivity.values),
                name="warkop_connectivity_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_stale=False) | Q(status=WarkopStatus.OPERATIONAL),
                name="warkop_stale_only_when_operational",
            ),
            models.UniqueConstraint(
                fields=["village", "name"], name="warkop_name_unique_in_village"
            ),
            models.CheckConstraint(
                condition=Q(publish_phone=False) | ~Q(business_phone=""),
                name="warkop_published_phone_given",
            ),
        ]
        indexes = [
            GistIndex(fields=["location"], name="warkop_location_gist"),
            models.Index(fields=["status", "is_stale"], name="warkop_status_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("warkop:detail", args=[self.pk])

    @property
    def public_phone(self) -> str:
        """What the public finder may show: the kiosk's business phone, with the owner's
        consent; never the owner's personal phone."""
        return self.business_phone if self.publish_phone else ""


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class WarkopStatusChange(models.Model):
    """A dated status transition of a kiosk with its reason (written by warkop_change_status)."""

    warkop = models.ForeignKey(
        Warkop, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("kiosk")
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=WarkopStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=WarkopStatus.choices)
    changed_on = models.DateField(_("date"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    scope_regency_path = "warkop__village__district__regency"
    scope_organisation_path = "warkop__organisation"

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_on", "-id"]

    def __str__(self):
        return f"{self.warkop}: {self.from_status or '—'} → {self.to_status} ({self.changed_on})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class WarkopPhoto(models.Model):
    """A photo of a kiosk (type and size checked by `validate_photo`)."""

    warkop = models.ForeignKey(
        Warkop, on_delete=models.CASCADE, related_name="photos", verbose_name=_("kiosk")
    )
    image = models.ImageField(
        _("photo"), upload_to="warkop/photos/%Y/%m/", validators=[validate_photo]
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    scope_regency_path = "warkop__village__district__regency"
    scope_organisation_path = "warkop__organisation"

    class Meta:
        verbose_name = _("kiosk photo")
        verbose_name_plural = _("kiosk photos")
        ordering = ["-created_at"]

    def __str__(self):
        return self.caption or self.image.name


class CheckInKind(models.TextChoices):
    """How liveness was observed."""

    VISITED = "visited", _("Visited")
    ONLINE = "online", _("Online")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CheckIn(models.Model):
    """An officer or the operator saw the kiosk open and working (visited, or online)."""

    warkop = models.ForeignKey(
        Warkop, on_delete=models.CASCADE, related_name="check_ins", verbose_name=_("kiosk")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=CheckInKind.choices)
    checked_in_at = models.DateTimeField(_("when"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.ImageField(
        _("photo"),
        upload_to="warkop/checkins/%Y/%m/",
        blank=True,
        validators=[validate_photo],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    scope_regency_path = "warkop__village__district__regency"
    scope_organisation_path = "warkop__organisation"

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-checked_in_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CheckInKind.values), name="checkin_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["warkop", "-checked_in_at"], name="checkin_recent_idx")]

    def __str__(self):
        return f"{self.warkop} {self.get_kind_display()} {self.checked_in_at:%Y-%m-%d}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class MonthlyReport(models.Model):
    """A kiosk's activity in one month: learning-room use here, transactions per service in its
    lines. One report per kiosk and month; a correction updates it, and the audit trail keeps the
    earlier figures."""

    warkop = models.ForeignKey(
        Warkop, on_delete=models.CASCADE, related_name="reports", verbose_name=_("kiosk")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    learning_sessions = models.PositiveIntegerField(_("learning-room sessions"), default=0)
    learning_participants = models.PositiveIntegerField(_("participants"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    scope_regency_path = "warkop__village__district__regency"
    scope_organisation_path = "warkop__organisation"

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "warkop_id"]
        constraints = [
            models.UniqueConstraint(fields=["warkop", "month"], name="report_one_per_kiosk_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="report_month_is_first_day"),
        ]

    def __str__(self):
        return f"{self.warkop} {self.month:%Y-%m}"

    @property
    def transaction_count(self) -> int:
        return sum(line.transaction_count for line in self.lines.all())

    @property
    def transaction_value(self) -> int:
        return sum(line.transaction_value for line in self.lines.all())


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class MonthlyReportLine(models.Model):
    """Number and value (Rupiah) of a month's transactions in one service category."""

    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="lines", verbose_name=_("report")
    )
    category = models.ForeignKey(
        "payments.ServiceCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service"),
    )
    transaction_count = models.PositiveIntegerField(_("transactions"))
    transaction_value = models.PositiveBigIntegerField(_("value (Rp)"))

    scope_regency_path = "report__warkop__village__district__regency"
    scope_organisation_path = "report__warkop__organisation"

    class Meta:
        verbose_name = _("report line")
        verbose_name_plural = _("report lines")
        ordering = ["category__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "category"], name="report_line_unique"),
        ]

    def __str__(self):
        return f"{self.category}: {self.transaction_count} / Rp {self.transaction_value}"
