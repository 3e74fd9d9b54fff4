"""Payment services at the kiosks: the catalogue of service categories (PPOB bills and top-ups,
bank-agent services, QRIS, parcels), the providers behind them, and what each kiosk offers.

The catalogue is seeded by a migration from `shared/data/context/ppob_categories.csv` (a synthesis
of public PPOB catalogues, see `payments/data/SOURCE.md`) and the programme's partners named in
public news (`warkop_digital_facts.csv`).
"""

import datetime

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    """How a service works at the counter."""

    PREPAID = "prepaid", _("Prepaid / top-up")
    POSTPAID = "postpaid", _("Bill payment")
    BRANCHLESS_BANKING = "branchless_banking", _("Bank agent (Laku Pandai)")
    MERCHANT_PAYMENT = "merchant_payment", _("Merchant payment")
    LOGISTICS = "logistics", _("Parcels and post")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ServiceCategory(models.Model):
    """A kind of service a villager can get at a kiosk, e.g. "Token listrik PLN prabayar"."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ServiceKind.choices)
    examples = models.CharField(
        _("example billers and brands"),
        max_length=300,
        blank=True,
        help_text=_("Examples from public catalogues; some brand names are old."),
    )
    source = models.CharField(_("source"), max_length=600, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["sort_order", "label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ServiceKind.values), name="service_category_kind_valid"
            ),
        ]

    def __str__(self):
        return self.label


class ProviderKind(models.TextChoices):
    """What kind of organisation provides a service."""

    BANK = "bank", _("Bank")
    UTILITY = "utility", _("Utility")
    SOCIAL_SECURITY = "social_security", _("Social security")
    TELECOM = "telecom", _("Telecom operator")
    POSTAL = "postal", _("Post and parcels")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Provider(models.Model):
    """The company or agency behind a service: PLN, BPJS Kesehatan, a PDAM, a bank, ..."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ProviderKind.choices)
    is_programme_partner = models.BooleanField(
        _("programme partner"),
        default=False,
        help_text=_("Named in public news as a partner of the Warkop Digital programme."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ProviderKind.values), name="provider_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name


def verify_days() -> int:
    """Days after which an offering nobody has checked is shown as unverified."""
    return settings.OFFERING_VERIFY_DAYS


def verified_since(today: datetime.date | None = None) -> datetime.date:
    """The oldest check date that still counts as verified."""
    return (today or timezone.localdate()) - datetime.timedelta(days=verify_days())


class ServiceOfferingQuerySet(models.QuerySet):
    """Reads over offerings."""

    def active(self):
        return self.filter(is_active=True)

    def with_verification(self, today: datetime.date | None = None):
        """Annotate `is_verified`: checked within OFFERING_VERIFY_DAYS days."""
        return self.annotate(
            is_verified=Case(
                When(last_checked_on__gte=verified_since(today), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def unverified(self, today: datetime.date | None = None):
        return self.filter(
            Q(last_checked_on__isnull=True) | Q(last_checked_on__lt=verified_since(today))
        )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ServiceOffering(models.Model):
    """A kiosk offers a service category through a provider, at a fee and at certain hours.

    Writes go through `payments.services` (`offering_save`, `offering_verify`).
    """

    warkop = models.ForeignKey(
        "warkop.Warkop",
        on_delete=models.CASCADE,
        related_name="offerings",
        verbose_name=_("Warkop Digital"),
    )
    category = models.ForeignKey(
        ServiceCategory,
        on_delete=models.PROTECT,
        related_name="offerings",
        verbose_name=_("service"),
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="offerings", verbose_name=_("provider")
    )
    fee = models.PositiveIntegerField(
        _("fee (Rp)"), default=0, help_text=_("The kiosk's fee per transaction, in Rupiah.")
    )
    hours = models.CharField(
        _("hours"),
        max_length=120,
        blank=True,
        help_text=_("Leave empty when the service is offered whenever the kiosk is open."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_checked_on = models.DateField(_("last checked on"), null=True, blank=True)
    last_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last checked by"),
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ServiceOfferingQuerySet.as_manager()

    # portal.core.scopes: officers see their kabupaten, partners their organisation's kiosks.
    scope_regency_path = "warkop__village__district__regency"
    scope_organisation_path = "warkop__organisation"

    class Meta:
        verbose_name = _("service offering")
        verbose_name_plural = _("service offerings")
        ordering = ["warkop_id", "category__sort_order", "category__label"]
        constraints = [
            models.UniqueConstraint(
                fields=["warkop", "category", "provider"], name="offering_unique_per_kiosk"
            ),
        ]
        indexes = [models.Index(fields=["category", "is_active"], name="offering_category_idx")]

    def __str__(self):
        return f"{self.category} ({self.provider}) — {self.warkop}"

    def get_absolute_url(self):
        return self.warkop.get_absolute_url() + "#services"

    @property
    def is_unverified(self) -> bool:
        """Nobody has checked this offering within OFFERING_VERIFY_DAYS days."""
        annotated = getattr(self, "is_verified", None)
        if annotated is not None:
            return not annotated
        return self.last_checked_on is None or self.last_checked_on < verified_since()

    @property
    def effective_hours(self) -> str:
        return self.hours or self.warkop.opening_hours
