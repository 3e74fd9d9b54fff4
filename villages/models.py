"""The official registry: Kemendagri administrative units of Bengkulu (and any other province
imported), their geography and the pilot villages (desa percontohan) of the programme.

Every unit is keyed by its Kemendagri code (`17`, `17.01`, `17.01.01`, `17.01.01.2001`): the code is
the primary key, so a code is never renumbered and every kiosk, survey and pilot hangs off it.
"""

from dataclasses import dataclass, field

import pghistory
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import CreatedByImport, track_registry_unit
from .codes import code_field, within_parent
from .search import SearchQuerySet, search_fields, search_indexes


class RegencyKind(models.TextChoices):
    """Kabupaten (regency) or kota (city); regency segment 71-79 is a kota."""

    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")

    @classmethod
    def from_code(cls, code: str) -> "RegencyKind":
        """The kind a regency code implies (`17.71` is a kota, `17.01` a kabupaten)."""
        segment = code.split(".")[1]
        return cls.KOTA if segment.startswith("7") else cls.KABUPATEN


class VillageKind(models.TextChoices):
    """Desa (self-governing village) or kelurahan (urban administrative unit)."""

    KELURAHAN = "kelurahan", _("Kelurahan")
    DESA = "desa", _("Desa")

    @classmethod
    def from_code(cls, code: str) -> "VillageKind":
        """The kind a village code implies: segment 1xxx is a kelurahan, 2xxx a desa."""
        segment = code.split(".")[3]
        return cls.KELURAHAN if segment.startswith("1") else cls.DESA


@pghistory.track(pghistory.InsertEvent())
class RegistryImport(models.Model):
    """One `import_regions` run that changed the registry: when, by whom (its audit context),
    which files (SHA-256), which provinces and what it created, renamed and found missing.

    The units it created point to it (`imported_by`): their creation is recorded here, once.
    """

    created_at = models.DateTimeField(_("imported at"), default=timezone.now)
    context = models.ForeignKey(
        "pghistory.Context",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,  # the context row is written by the audit trigger of this row
        verbose_name=_("audit context"),
    )
    scope = ArrayField(models.CharField(max_length=2), verbose_name=_("provinces"))
    files = models.JSONField(
        _("files"), help_text=_("name, size in bytes and SHA-256 of each file")
    )
    changes = models.JSONField(
        _("changes"), help_text=_("per level: rows in the files, created, renamed, missing")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")

    def __str__(self):
        return f"#{self.pk} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def created_count(self) -> int:
        return sum(level.get("created", 0) for level in self.changes.values())


class AdministrativeUnit(CreatedByImport, models.Model):
    """Fields every unit of the registry shares: code, name and geography."""

    name = models.CharField(_("name"), max_length=120)
    # Spatial indexes are partial (Meta.indexes): a freshly imported registry has no geometry yet,
    # and an index over NULLs only slows the import down.
    centroid = models.PointField(
        _("centroid"), srid=4326, null=True, blank=True, spatial_index=False
    )
    boundary = models.MultiPolygonField(
        _("boundary (simplified)"), srid=4326, null=True, blank=True, spatial_index=False
    )
    # The name's normal forms for villages.search, stored by PostgreSQL (trigram-indexed).
    search_name, search_compact = search_fields()
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    imported_by = models.ForeignKey(
        RegistryImport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,  # read from the unit to its import, never the other way
        verbose_name=_("created by import"),
    )

    class Meta:
        abstract = True
        ordering = ["code"]
        # Written as expressions: Django 5.2's PostGIS schema editor drops the condition of an
        # index declared with fields= on a geometry column (ticket #36694), which left these
        # indexes whole. F("centroid") is stored by PostgreSQL as a plain column index.
        indexes = [
            GistIndex(
                F("centroid"),
                name="%(class)s_centroid_gist",
                condition=Q(centroid__isnull=False),
            ),
            GistIndex(
                F("boundary"),
                name="%(class)s_boundary_gist",
                condition=Q(boundary__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


@track_registry_unit
class Province(AdministrativeUnit):
    """A provinsi, e.g. 17 Bengkulu."""

    code = code_field(2)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=10, decimal_places=3, null=True)
    population = models.PositiveIntegerField(_("population"), null=True)

    objects = SearchQuerySet.as_manager()
    search_level = "province"

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        indexes = [*AdministrativeUnit.Meta.indexes, *search_indexes("province")]

    def get_absolute_url(self):
        return reverse("villages:province", args=[self.code])


class RegencyQuerySet(SearchQuerySet):
    """Reads over kabupaten/kota."""

    def in_province(self, province):
        return self.filter(province=province)

    def with_pilot_target(self):
        """Annotate `district_count` and `districts_with_pilot` (kecamatan with a pilot)."""
        return self.annotate(
            district_count=Count("districts", distinct=True),
            districts_with_pilot=Count(
                "districts",
                filter=Q(districts__villages__pilot__status=PilotStatus.SELECTED),
                distinct=True,
            ),
        )

    def with_village_counts(self):
        return self.annotate(
            village_count=Count("districts__villages", distinct=True),
            desa_count=Count(
                "districts__villages",
                filter=Q(districts__villages__kind=VillageKind.DESA),
                distinct=True,
            ),
        )


@track_registry_unit
class Regency(AdministrativeUnit):
    """A kabupaten or kota, e.g. 17.01 Kabupaten Bengkulu Selatan, 17.71 Kota Bengkulu."""

    code = code_field(5)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="regencies", verbose_name=_("province")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RegencyKind.choices)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=10, decimal_places=3, null=True)
    population = models.PositiveIntegerField(_("population"), null=True)
    population_male = models.PositiveIntegerField(_("male population"), null=True)
    population_female = models.PositiveIntegerField(_("female population"), null=True)
    # Searched without its "Kabupaten"/"Kota" (villages.search), and as a whole.
    search_name, search_compact = search_fields(strip_kind=True)
    search_full = search_fields()[0]

    objects = RegencyQuerySet.as_manager()
    search_level = "regency"

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("regency/city")
        verbose_name_plural = _("regencies/cities")
        indexes = [*AdministrativeUnit.Meta.indexes, *search_indexes("regency", full=True)]
        constraints = [
            models.CheckConstraint(
                condition=within_parent("province_id", 5), name="regency_code_in_province"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RegencyKind.values), name="regency_kind_valid"
            ),
        ]

    def get_absolute_url(self):
        return reverse("villages:regency", args=[self.code])


class DistrictQuerySet(SearchQuerySet):
    """Reads over kecamatan."""

    def in_regency(self, regency):
        return self.filter(regency=regency)

    def with_pilot_status(self):
        """Annotate `has_pilot` (a selected pilot exists) and `pilot_count`."""
        selected = Pilot.objects.filter(
            village__district=OuterRef("pk"), status=PilotStatus.SELECTED
        )
        return self.annotate(
            has_pilot=Exists(selected),
            pilot_count=Count(
                "villages", filter=Q(villages__pilot__status=PilotStatus.SELECTED), distinct=True
            ),
        )

    def grouped_by_regency(self, province_code: str) -> list[tuple["Regency", list["District"]]]:
        """[(regency, [its kecamatan])] of a province, ordered by code, in two queries: the
        choices of the kabupaten/kecamatan filters."""
        regencies = (
            Regency.objects.filter(province_id=province_code).only("code", "name").order_by("code")
        )
        groups = {regency.code: (regency, []) for regency in regencies}
        districts = self.filter(regency__province_id=province_code).only(
            "code", "name", "regency_id"
        )
        for district in districts.order_by("code"):
            groups[district.regency_id][1].append(district)
        return list(groups.values())

    def without_pilot(self):
        return self.with_pilot_status().filter(has_pilot=False)

    def pilot_target(self) -> "PilotTarget":
        """The live target: at least one selected pilot in every kecamatan of this queryset."""
        rows = list(
            self.with_pilot_status()
            .select_related("regency")
            .order_by("code")
            .only("code", "name", "regency__code", "regency__name", "regency__kind")
        )
        target = PilotTarget(district_count=len(rows))
        per_regency: dict[str, RegencyTarget] = {}
        for district in rows:
            regency = per_regency.setdefault(
                district.regency.code, RegencyTarget(regency=district.regency)
            )
            regency.district_count += 1
            if district.has_pilot:
                regency.districts_with_pilot += 1
                target.districts_with_pilot += 1
            else:
                regency.missing.append(district)
                target.missing.append(district)
        target.regencies = list(per_regency.values())
        return target


@dataclass
class RegencyTarget:
    """Pilot target figures of one kabupaten/kota."""

    regency: "Regency"
    district_count: int = 0
    districts_with_pilot: int = 0
    missing: list = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.district_count > 0 and self.districts_with_pilot == self.district_count

    @property
    def percent(self) -> float:
        return 100.0 * self.districts_with_pilot / self.district_count if self.district_count else 0


@dataclass
class PilotTarget:
    """The province-wide pilot target: n of all kecamatan have a selected pilot."""

    district_count: int = 0
    districts_with_pilot: int = 0
    regencies: list = field(default_factory=list)
    missing: list = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.district_count > 0 and not self.missing

    @property
    def percent(self) -> float:
        return 100.0 * self.districts_with_pilot / self.district_count if self.district_count else 0


@track_registry_unit
class District(AdministrativeUnit):
    """A kecamatan, e.g. 17.01.01 Kedurang."""

    code = code_field(8)
    regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, related_name="districts", verbose_name=_("regency/city")
    )
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=10, decimal_places=3, null=True)
    population = models.PositiveIntegerField(_("population"), null=True)

    objects = DistrictQuerySet.as_manager()
    search_level = "district"

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("district (kecamatan)")
        verbose_name_plural = _("districts (kecamatan)")
        indexes = [*AdministrativeUnit.Meta.indexes, *search_indexes("district")]
        constraints = [
            models.CheckConstraint(
                condition=within_parent("regency_id", 8), name="district_code_in_regency"
            ),
        ]

    def get_absolute_url(self):
        return reverse("villages:district", args=[self.code])


class VillageQuerySet(SearchQuerySet):
    """Reads over desa/kelurahan."""

    def in_province(self, province):
        return self.filter(district__regency__province=province)

    def in_regency(self, regency):
        return self.filter(district__regency=regency)

    def in_district(self, district):
        return self.filter(district=district)

    def pilots(self):
        return self.filter(pilot__status=PilotStatus.SELECTED)


@track_registry_unit
class Village(AdministrativeUnit):
    """A desa or kelurahan, e.g. 17.01.01.2001 Batu Ampar."""

    code = code_field(13)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="villages",
        verbose_name=_("district (kecamatan)"),
        db_index=False,  # indexed in Meta without a LIKE twin: codes use the C collation
    )
    kind = models.CharField(_("kind"), max_length=10, choices=VillageKind.choices)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=10, decimal_places=3, null=True)
    population = models.PositiveIntegerField(_("population"), null=True)

    objects = VillageQuerySet.as_manager()
    search_level = "village"

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("village (desa/kelurahan)")
        verbose_name_plural = _("villages (desa/kelurahan)")
        constraints = [
            models.CheckConstraint(
                condition=within_parent("district_id", 13), name="village_code_in_district"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=VillageKind.values), name="village_kind_valid"
            ),
        ]
        indexes = [
            *AdministrativeUnit.Meta.indexes,
            models.Index(fields=["district"], name="village_district_idx"),
            *search_indexes("village"),
        ]

    def get_absolute_url(self):
        return reverse("villages:village", args=[self.code])


class PilotStatus(models.TextChoices):
    """Where a pilot proposal stands."""

    PROPOSED = "proposed", _("Proposed")
    SELECTED = "selected", _("Selected")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PilotQuerySet(models.QuerySet):
    def selected(self):
        return self.filter(status=PilotStatus.SELECTED)

    def in_regency(self, regency):
        return self.filter(village__district__regency=regency)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Pilot(models.Model):
    """A village proposed (in practice by the camat) and then selected as a desa percontohan.

    One record per village; its status moves proposed → selected or rejected, and a selected pilot
    can be withdrawn. Writes go through `villages.services`.
    """

    village = models.OneToOneField(
        Village, on_delete=models.PROTECT, related_name="pilot", verbose_name=_("village")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PilotStatus.choices, default=PilotStatus.PROPOSED
    )
    proposed_on = models.DateField(_("proposed on"))
    proposed_by = models.CharField(
        _("proposed by"), max_length=120, help_text=_("Who proposed it, e.g. the camat.")
    )
    proposal_reason = models.TextField(_("reason for the proposal"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PilotQuerySet.as_manager()

    # portal.core.scopes: officers limited to some kabupaten see only their pilots.
    scope_regency_path = "village__district__regency"

    class Meta:
        verbose_name = _("pilot village")
        verbose_name_plural = _("pilot villages")
        ordering = ["village__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PilotStatus.values), name="pilot_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=PilotStatus.PROPOSED)
                | (Q(decided_on__isnull=False) & Q(decided_by__isnull=False)),
                name="pilot_decision_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.village} ({self.get_status_display()})"

    def get_absolute_url(self):
        return self.village.get_absolute_url()
