"""Network-coverage surveys and the connectivity of each village.

A Kominfotik officer stands somewhere in a village (its office, a kiosk site, a settlement, a
road), notes what each operator's network gives there (technology, signal strength, speeds,
latency), whether fibre optic passes nearby and whether there is electricity. Each survey carries
a UUID made on the officer's device, so a survey sent twice from an offline outbox is stored once
(`coverage.services.survey_submit`). A supervisor verifies or rejects every survey; only verified
surveys count, in the village connectivity status (`coverage.selectors`, rules in
docs/connectivity.md) and on the map (whose zoomed-out view reads `MapCell`, a grid of verified
survey counts kept up to date by the review service).
"""

import pghistory
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Operator(models.TextChoices):
    """The network names a phone shows. Indosat Ooredoo Hutchison runs IM3 and Tri; XL Axiata
    runs XL and Axis (one network each since their mergers)."""

    TELKOMSEL = "telkomsel", _("Telkomsel")
    INDOSAT = "indosat", _("Indosat (IM3, Tri)")
    XL = "xl", _("XL and Axis")
    SMARTFREN = "smartfren", _("Smartfren")
    OTHER = "other", _("Other")


class Technology(models.TextChoices):
    """The best technology the phone showed for an operator; `none` means no signal at all."""

    NONE = "none", _("No signal")
    G2 = "2g", _("2G")
    G3 = "3g", _("3G")
    G4 = "4g", _("4G")
    G5 = "5g", _("5G")


#: Technologies from worst to best (the index is the rank).
TECHNOLOGY_RANK = [Technology.NONE, Technology.G2, Technology.G3, Technology.G4, Technology.G5]


class PlaceType(models.TextChoices):
    """Where in the village the survey was taken."""

    VILLAGE_OFFICE = "village_office", _("Village office")
    KIOSK_SITE = "kiosk_site", _("Kiosk site")
    SETTLEMENT = "settlement", _("Settlement")
    ROAD = "road", _("Road")


class Fibre(models.TextChoices):
    """Fibre optic seen near the survey point."""

    NONE = "none", _("None seen")
    BACKBONE = "backbone", _("Backbone cable nearby")
    ACCESS_POINT = "access_point", _("Access point (ODP) nearby")


class Electricity(models.TextChoices):
    """Power available at the survey point."""

    PLN_24H = "pln_24h", _("PLN, 24 hours")
    PLN_PART = "pln_part", _("PLN, part of the day")
    OFF_GRID = "off_grid", _("Off-grid (generator, solar)")
    NONE = "none", _("No electricity")


class ReviewStatus(models.TextChoices):
    """A supervisor's review of a survey; only verified surveys count."""

    PENDING = "pending", _("Pending review")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class Source(models.TextChoices):
    """How the survey reached the portal."""

    FIELD_APP = "field_app", _("Field form")
    API = "api", _("API")
    IMPORT = "import", _("File import")


class ConnectivityStatus(models.TextChoices):
    """A village's connectivity, derived from its verified surveys (docs/connectivity.md).

    The order is the order in which the rules are tried; `no_data` (never surveyed, or no survey
    verified yet) is not `blank_spot` (surveyed, and no operator has a usable signal).
    """

    NO_DATA = "no_data", _("No data")
    BLANK_SPOT = "blank_spot", _("Blank spot")
    FIBRE_READY = "fibre_ready", _("Fibre-ready")
    SINGLE_OPERATOR = "single_operator", _("One operator only")
    WEAK = "weak", _("Weak signal")
    GOOD_4G = "good_4g", _("Good 4G")


#: The condition under which a survey counts (SurveyQuerySet.counting; SQL: COUNTS_SQL).
COUNTS = Q(review_status="verified") & (
    Q(outside_village_m__isnull=True) | Q(location_confirmed_at__isnull=False)
)
#: The same condition in SQL, on the alias `s` of coverage_survey (raw queries of the map).
COUNTS_SQL = (
    "s.review_status = 'verified'"
    " AND (s.outside_village_m IS NULL OR s.location_confirmed_at IS NOT NULL)"
)


class SurveyQuerySet(models.QuerySet):
    """Reads over surveys."""

    def verified(self):
        """Surveys a supervisor verified (see `counting` for those that count)."""
        return self.filter(review_status=ReviewStatus.VERIFIED)

    def counting(self):
        """Surveys that count in the village connectivity and on the map: verified, and either
        taken within SURVEY_LOCATION_TOLERANCE_M of their village or with their location
        confirmed by a supervisor (docs/connectivity.md)."""
        return self.filter(COUNTS)

    def location_unconfirmed(self):
        """Surveys whose point lies outside their village and nobody confirmed it yet."""
        return self.filter(outside_village_m__isnull=False, location_confirmed_at__isnull=True)

    def pending(self):
        return self.filter(review_status=ReviewStatus.PENDING)

    def in_regency(self, regency):
        return self.filter(village__district__regency=regency)

    def for_lists(self):
        """What the lists show, in a constant number of queries."""
        return self.select_related("village__district__regency", "officer", "reviewed_by").defer(
            "village__boundary",
            "village__district__boundary",
            "village__district__regency__boundary",
        )


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    attrs={"location": models.PointField(srid=4326, spatial_index=False)},
)
class Survey(models.Model):
    """One visit to one place: who, where, when, fibre and power, and the measurements."""

    client_uuid = models.UUIDField(
        _("client UUID"), help_text=_("Made on the officer's device; a survey is stored once.")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coverage_surveys",
        verbose_name=_("officer"),
    )
    village = models.ForeignKey(
        "villages.Village",
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("village"),
        db_index=False,  # survey_village_review_idx starts with the village
    )
    observed_at = models.DateTimeField(_("surveyed at"))
    location = models.PointField(_("location"), srid=4326, spatial_index=False)
    accuracy_m = models.PositiveIntegerField(_("position accuracy (m)"), null=True, blank=True)
    place_type = models.CharField(_("place"), max_length=20, choices=PlaceType.choices)
    fibre = models.CharField(
        _("fibre optic"), max_length=20, choices=Fibre.choices, default=Fibre.NONE
    )
    fibre_distance_m = models.PositiveIntegerField(
        _("distance to the fibre (m)"), null=True, blank=True
    )
    fibre_provider = models.CharField(_("fibre provider"), max_length=80, blank=True)
    electricity = models.CharField(_("electricity"), max_length=20, choices=Electricity.choices)
    notes = models.TextField(_("notes"), blank=True)
    # Derived from the measurements when the survey is stored (coverage.services).
    best_technology = models.CharField(
        _("best signal"), max_length=4, choices=Technology.choices, default=Technology.NONE
    )
    operators_with_signal = models.PositiveSmallIntegerField(
        _("operators with a usable signal"), default=0
    )
    content_hash = models.CharField(_("content hash"), max_length=64, editable=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    review_status = models.CharField(
        _("review"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("reason for the review"), blank=True)
    # Location plausibility (coverage.services.survey_submit): a point outside the province is
    # refused; one farther than SURVEY_LOCATION_TOLERANCE_M outside the village is kept, flagged
    # with its distance, and counts only once a supervisor confirms it.
    outside_village_m = models.PositiveIntegerField(
        _("distance outside the village (m)"),
        null=True,
        blank=True,
        help_text=_(
            "Set when the point lies farther outside the village's boundary than the tolerance; "
            "the survey counts only once a supervisor confirms its location."
        ),
    )
    location_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location confirmed by"),
    )
    location_confirmed_at = models.DateTimeField(_("location confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SurveyQuerySet.as_manager()

    # portal.core.scopes: officers and supervisors limited to some kabupaten see only their surveys.
    scope_regency_path = "village__district__regency"

    class Meta:
        verbose_name = _("coverage survey")
        verbose_name_plural = _("coverage surveys")
        ordering = ["-observed_at", "-id"]
        permissions = [
            ("review_survey", _("Can verify or reject coverage surveys")),
            ("import_survey", _("Can import coverage surveys from files")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["client_uuid"], name="survey_client_uuid_unique"),
            models.CheckConstraint(
                condition=Q(review_status__in=ReviewStatus.values), name="survey_review_valid"
            ),
            models.CheckConstraint(
                condition=Q(review_status=ReviewStatus.PENDING)
                | (Q(reviewed_by__isnull=False) & Q(reviewed_at__isnull=False)),
                name="survey_review_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(review_status=ReviewStatus.REJECTED) | ~Q(review_reason=""),
                name="survey_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(location_confirmed_by__isnull=True, location_confirmed_at__isnull=True)
                | Q(
                    location_confirmed_by__isnull=False,
                    location_confirmed_at__isnull=False,
                    outside_village_m__isnull=False,
                ),
                name="survey_location_confirmation_recorded",
            ),
            models.CheckConstraint(
                condition=Q(place_type__in=PlaceType.values), name="survey_place_type_valid"
            ),
            models.CheckConstraint(condition=Q(fibre__in=Fibre.values), name="survey_fibre_valid"),
            models.CheckConstraint(
                condition=Q(electricity__in=Electricity.values), name="survey_electricity_valid"
            ),
        ]
        indexes = [
            GistIndex(fields=["location"], name="survey_location_gist"),
            # The map's detail view: verified points in a bounding box.
            # An expression: with fields=, Django 5.2's PostGIS schema editor drops the condition
            # of a geometry index (ticket #36694) and this index was a copy of the one above.
            GistIndex(
                F("location"),
                name="survey_verified_location_gist",
                condition=Q(review_status="verified"),
            ),
            models.Index(fields=["village", "review_status"], name="survey_village_review_idx"),
            models.Index(fields=["review_status", "-observed_at"], name="survey_review_queue_idx"),
        ]

    def __str__(self):
        return (
            f"{self.village_id} {self.observed_at:%Y-%m-%d %H:%M} ({self.get_place_type_display()})"
        )

    def get_absolute_url(self):
        return reverse("coverage:survey", args=[self.client_uuid])

    @property
    def outside_village_km(self) -> float | None:
        return None if self.outside_village_m is None else self.outside_village_m / 1000

    @property
    def location_needs_confirmation(self) -> bool:
        """The point lies outside the village and no supervisor confirmed it yet."""
        return self.outside_village_m is not None and self.location_confirmed_at is None

    @property
    def counts(self) -> bool:
        """Counts in the village connectivity and on the map (same rule as `COUNTS`)."""
        return self.review_status == ReviewStatus.VERIFIED and not self.location_needs_confirmation


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Measurement(models.Model):
    """What one operator's network gives at the survey point."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("survey")
    )
    operator = models.CharField(_("operator"), max_length=12, choices=Operator.choices)
    technology = models.CharField(_("technology"), max_length=4, choices=Technology.choices)
    signal_dbm = models.SmallIntegerField(_("signal strength (dBm)"), null=True, blank=True)
    download_mbps = models.DecimalField(
        _("download (Mbps)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    upload_mbps = models.DecimalField(
        _("upload (Mbps)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), null=True, blank=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["survey", "operator"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "operator"], name="measurement_one_per_operator"
            ),
            models.CheckConstraint(
                condition=Q(operator__in=Operator.values), name="measurement_operator_valid"
            ),
            models.CheckConstraint(
                condition=Q(technology__in=Technology.values), name="measurement_technology_valid"
            ),
            models.CheckConstraint(
                condition=Q(signal_dbm__isnull=True)
                | (Q(signal_dbm__gte=-150) & Q(signal_dbm__lte=-20)),
                name="measurement_dbm_range",
            ),
        ]

    def __str__(self):
        return f"{self.get_operator_display()}: {self.get_technology_display()}"


def photo_path(instance, filename):
    """coverage/<survey UUID>/<photo UUID>.jpg (or .png: photos with transparency)."""
    extension = "png" if str(filename).lower().endswith(".png") else "jpg"
    return f"coverage/{instance.survey.client_uuid}/{instance.client_uuid}.{extension}"


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class SurveyPhoto(models.Model):
    """A photo taken with the survey (the place, the tower, the fibre box), stored re-encoded
    without metadata by `coverage.services.survey_photo_add` (JPEG, or PNG with transparency)."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="photos", verbose_name=_("survey")
    )
    client_uuid = models.UUIDField(_("client UUID"))
    image = models.FileField(_("photo"), upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey photo")
        verbose_name_plural = _("survey photos")
        ordering = ["survey", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["client_uuid"], name="survey_photo_client_uuid_unique")
        ]

    def __str__(self):
        return self.caption or str(self.client_uuid)

    def get_absolute_url(self):
        return reverse("coverage:photo", args=[self.pk])


class MapCell(models.Model):
    """Verified surveys counted per cell of a Web-Mercator grid, per zoom level and kabupaten.

    Level L cuts the world into 2^L × 2^L cells (a cell is a quarter of a map tile at zoom L-2,
    i.e. 64 screen pixels), so a zoomed-out map reads a few hundred rows instead of aggregating
    every point. Kept in step by `coverage.services` when a survey is verified or stops being
    verified; `manage.py rebuild_coverage_grid` recomputes it from scratch.
    """

    level = models.PositiveSmallIntegerField(_("level"))
    x = models.IntegerField()
    y = models.IntegerField()
    regency = models.ForeignKey(
        "villages.Regency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    count = models.IntegerField(default=0)
    count_none = models.IntegerField(default=0)
    count_2g = models.IntegerField(default=0)
    count_3g = models.IntegerField(default=0)
    count_4g = models.IntegerField(default=0)
    count_5g = models.IntegerField(default=0)
    sum_lng = models.FloatField(default=0)
    sum_lat = models.FloatField(default=0)

    class Meta:
        verbose_name = _("map cell")
        verbose_name_plural = _("map cells")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "x", "y", "regency"], name="mapcell_level_xy_regency_unique"
            )
        ]

    def __str__(self):
        return f"L{self.level} {self.x}/{self.y} {self.regency_id}: {self.count}"


class VillageConnectivity(models.Model):
    """The connectivity of one village, derived from its verified surveys by the rules of
    docs/connectivity.md (`coverage.selectors.classify`).

    A village without a row has no verified survey (`no_data`). The review service recomputes a
    village's row whenever one of its surveys is verified or stops being verified;
    `manage.py rebuild_coverage` recomputes every row. Read it through
    `coverage.selectors.with_connectivity()`.
    """

    village = models.OneToOneField(
        "villages.Village",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="coverage_status",
        verbose_name=_("village"),
    )
    status = models.CharField(_("connectivity"), max_length=16, choices=ConnectivityStatus.choices)
    survey_count = models.PositiveIntegerField(_("verified surveys"))
    latest_survey_at = models.DateTimeField(_("latest verified survey"), null=True)
    operator_count = models.PositiveSmallIntegerField(_("operators with a usable signal"))
    operators = models.CharField(_("operators with a usable signal"), max_length=80, blank=True)
    best_technology = models.CharField(
        _("best signal"), max_length=4, choices=Technology.choices, default=Technology.NONE
    )
    fibre_ready = models.BooleanField(_("fibre access point nearby"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("village connectivity")
        verbose_name_plural = _("village connectivity")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ConnectivityStatus.values), name="connectivity_status_valid"
            )
        ]
        indexes = [models.Index(fields=["status"], name="connectivity_status_idx")]

    def __str__(self):
        return f"{self.village_id}: {self.get_status_display()}"
