"""Who may do what: partner organisations, each user's role scope, and partner API tokens.

Roles are Django groups (created by a migration, see `portal.core.roles`); a user's regional scope
and organisation live on `Profile`; `portal.core.scopes` applies them to every queryset in one
place.
"""

import hashlib
import secrets

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "bkl"  # noqa: S105 - a public marker, not a secret


class OrganisationKind(models.TextChoices):
    """What kind of partner an organisation is."""

    KIOSK_OPERATOR = "kiosk_operator", _("Kiosk operator")
    BANK = "bank", _("Bank")
    TELECOM = "telecom", _("Telecom provider")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Organisation(models.Model):
    """A partner organisation: the kiosk operator company, a bank, a telecom provider, ..."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("account:organisation", args=[self.pk])

    # portal.core.scopes: a partner member reaches only their own organisation.
    scope_organisation_path = "pk"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # Staff user management (portal.accounts.services): the role given, deactivation and
    # reactivation, an invitation sent again; the event's context holds the new role and scope.
    pghistory.ManualEvent("account.role"),
    pghistory.ManualEvent("account.deactivated"),
    pghistory.ManualEvent("account.activated"),
    pghistory.ManualEvent("account.invited"),
)
class Profile(models.Model):
    """A user's scope: the kabupaten/kota an officer or supervisor is limited to (none: the
    whole province) and the organisation a partner member belongs to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
    )
    regencies = models.ManyToManyField(
        "villages.Regency",
        blank=True,
        related_name="+",
        verbose_name=_("kabupaten/kota in scope"),
        help_text=_("Leave empty for the whole province."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        permissions = [
            ("view_audit", _("Can view the audit trail")),
            ("invite_user", _("Can invite users with a role and scope")),
        ]

    def __str__(self):
        return str(self.user)


class ApiTokenAccess(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A named API token of a user. Only a SHA-256 digest of the secret is stored; the secret is
    shown once, when the token is created (`portal.accounts.services.api_token_create`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    access = models.CharField(_("access"), max_length=10, choices=ApiTokenAccess.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="api_token_name_unique_per_user"),
            models.CheckConstraint(
                condition=Q(access__in=ApiTokenAccess.values), name="api_token_access_valid"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @staticmethod
    def generate() -> tuple[str, str]:
        """A new (prefix, full token) pair; the full token is `bkl_<prefix>_<secret>`."""
        prefix = secrets.token_hex(4)
        return prefix, f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def can_write(self) -> bool:
        return self.access == ApiTokenAccess.READ_WRITE
