"""Writes with business rules in the portal app: API tokens, organisations and user
invitations."""

import datetime
import logging

import pghistory
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from portal.core.roles import PROVINCE_WIDE, Role, grantable_roles, user_role
from portal.core.scopes import grant_scope_errors, scoped

from .models import ApiToken, ApiTokenAccess, Organisation, Profile

logger = logging.getLogger(__name__)


@transaction.atomic
def api_token_create(*, user, name: str, access: str, valid_days: int) -> tuple[ApiToken, str]:
    """Create a named token for `user`; returns the token and its secret, which is never stored
    and must be shown to the user once."""
    access = ApiTokenAccess(access)
    if not 1 <= valid_days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"valid_days": _("Between 1 and %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS}}
        )
    if ApiToken.objects.filter(user=user, name=name).exists():
        raise ValidationError({"name": _("You already have a token with this name.")})
    prefix, secret = ApiToken.generate()
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                user=user,
                name=name,
                prefix=prefix,
                digest=ApiToken.hash(secret),
                access=access,
                expires_at=timezone.now() + datetime.timedelta(days=valid_days),
            )
    except IntegrityError as exc:  # a prefix collision: vanishingly rare, ask to retry
        raise ValidationError(_("Could not create the token; try again.")) from exc
    return token, secret


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token now; it answers 401 from the next request on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


# --- Organisations -----------------------------------------------------------------------------

#: What a partner member may change on their own organisation. Its name, kind and active flag say
#: who the partner is and whether it takes part: provincial staff change those.
ORGANISATION_CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
ORGANISATION_STAFF_FIELDS = ("name", "kind", "is_active")


@transaction.atomic
def organisation_save(*, by, organisation: Organisation | None = None, **fields) -> Organisation:
    """Create an organisation, or change `organisation` with `fields`. Provincial staff (and
    admins, commands: `by=None`) set every field; anyone else changes only the contact fields of
    an organisation in their scope: a change to another field is refused, naming the field
    (sending its current value again is fine, as a PUT does)."""
    unknown = set(fields) - {*ORGANISATION_CONTACT_FIELDS, *ORGANISATION_STAFF_FIELDS}
    if unknown:
        raise ValueError(f"unknown organisation fields: {sorted(unknown)}")
    staff = by is None or user_role(by) in PROVINCE_WIDE
    if not staff:
        if organisation is None:
            raise PermissionDenied(_("Only provincial staff add organisations."))
        if not scoped(Organisation.objects.filter(pk=organisation.pk), by).exists():
            raise PermissionDenied(_("This organisation is outside your scope."))
        refused = {
            key: _("Only provincial staff may change this.")
            for key in ORGANISATION_STAFF_FIELDS
            if key in fields and fields[key] != getattr(organisation, key)
        }
        if refused:
            raise ValidationError(refused)
    organisation = organisation or Organisation()
    for key, value in fields.items():
        setattr(organisation, key, value)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def user_invite(
    *,
    username: str,
    email: str,
    role: str,
    by,
    base_url: str,
    first_name: str = "",
    last_name: str = "",
    regencies=(),
    organisation: Organisation | None = None,
):
    """Create a user with a role and scope, without a usable password, and e-mail them a link to
    choose one (the password-reset confirmation page).

    `by` grants only a role of `portal.core.roles.grantable_roles(by)` and a scope within their own
    (`portal.core.scopes.grant_scope_errors`): a forged request for more is refused here.
    """
    if role not in grantable_roles(by):
        raise ValidationError({"role": _("You may not grant this role.")})
    role = Role(role)
    scope_errors = grant_scope_errors(by, role=role, regencies=regencies, organisation=organisation)
    if scope_errors:
        raise ValidationError(scope_errors)
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail already exists.")})
    if role == Role.PARTNER and organisation is None:
        raise ValidationError({"organisation": _("A partner member belongs to an organisation.")})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == Role.ADMIN,
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=role.value))
    profile = Profile.objects.create(
        user=user, organisation=organisation if role == Role.PARTNER else None
    )
    if role in (Role.OFFICER, Role.SUPERVISOR) and regencies:
        profile.regencies.set(regencies)
    _send_invitation(user=user, role=role, by=by, base_url=base_url)
    return user


def _send_invitation(*, user, role: Role, by, base_url: str) -> None:
    """E-mail `user` a link to choose a password; a mail failure is a ValidationError raised
    inside the caller's transaction, so nothing it wrote is kept."""
    username = user.username
    link = base_url.rstrip("/") + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    inviter = by.get_full_name() or by.username
    try:
        send_mail(
            subject=_("Invitation to the Bengkulu village digital economy portal"),
            message=_(
                "%(inviter)s has invited you to the portal of Tim Percepatan Ekonomi Digital Desa "
                "as %(role)s.\n\nYour username: %(username)s\nChoose your password here (the "
                "link works for three days):\n%(link)s\n"
            )
            % {"inviter": inviter, "role": role.label, "username": username, "link": link},
            from_email=None,
            recipient_list=[user.email],
        )
    except OSError as error:  # mail server down or refusing (smtplib errors are OSErrors)
        logger.warning("Invitation to %s not sent: %r", username, error)
        # Raised inside the atomic block: the user and profile are not kept either.
        raise ValidationError(
            _("The invitation e-mail could not be sent; nothing was saved. Try again later.")
        ) from error


def _manageable(*, user, by) -> Role | None:
    """`user`'s role, if `by` may manage them: not themselves, and a role `by` may grant."""
    role = user_role(user)
    if user.pk == by.pk:
        raise ValidationError(_("You cannot change your own account here."))
    if role is not None and role not in grantable_roles(by):
        raise PermissionDenied(_("You may not manage a user with this role."))
    if role is not None and grant_scope_errors(
        by,
        role=role,
        regencies=list(user.profile.regencies.values_list("code", flat=True))
        if hasattr(user, "profile")
        else [],
        organisation=getattr(getattr(user, "profile", None), "organisation", None),
    ):
        raise PermissionDenied(_("This user is outside your scope."))
    return role


@transaction.atomic
def user_change_role(*, user, role: str, by, regencies=(), organisation=None):
    """Give `user` another role and scope, within what `by` may grant (the same rules as an
    invitation). Recorded in the audit trail as a role change, with the new role and scope."""
    _manageable(user=user, by=by)
    if role not in grantable_roles(by):
        raise ValidationError({"role": _("You may not grant this role.")})
    role = Role(role)
    errors = grant_scope_errors(by, role=role, regencies=regencies, organisation=organisation)
    if errors:
        raise ValidationError(errors)
    if role == Role.PARTNER and organisation is None:
        raise ValidationError({"organisation": _("A partner member belongs to an organisation.")})
    user.groups.set([Group.objects.get(name=role.value)])
    if user.is_staff != (role == Role.ADMIN):
        user.is_staff = role == Role.ADMIN
        user.save(update_fields=["is_staff"])
    profile, _created = Profile.objects.get_or_create(user=user)
    profile.organisation = organisation if role == Role.PARTNER else None
    profile.save()
    codes = [getattr(r, "pk", r) for r in regencies or ()]
    profile.regencies.set(codes if role in (Role.OFFICER, Role.SUPERVISOR) else [])
    with pghistory.context(role=role.value, regencies=sorted(codes)):
        pghistory.create_event(profile, label="account.role")
    return user


@transaction.atomic
def user_set_active(*, user, active: bool, by):
    """Deactivate (or reactivate) `user`. A deactivated user cannot log in, their open sessions
    stop at their next request (Django's backend refuses inactive users) and their API tokens are
    refused at once (`ApiTokenAuthentication`). Audited, with who did it."""
    _manageable(user=user, by=by)
    user.is_active = active
    user.save(update_fields=["is_active"])
    profile, _created = Profile.objects.get_or_create(user=user)
    with pghistory.context(is_active=active):
        pghistory.create_event(
            profile, label="account.activated" if active else "account.deactivated"
        )
    return user


@transaction.atomic
def user_resend_invitation(*, user, by, base_url: str):
    """Send the invitation again to a user who has not chosen a password yet."""
    role = _manageable(user=user, by=by)
    if user.has_usable_password():
        raise ValidationError(
            _("This user has already chosen a password: they can reset it from the login page.")
        )
    if not user.is_active:
        raise ValidationError(_("This user is deactivated: reactivate them first."))
    _send_invitation(user=user, role=role or Role.OFFICER, by=by, base_url=base_url)
    profile, _created = Profile.objects.get_or_create(user=user)
    pghistory.create_event(profile, label="account.invited")
    return user


def login_failures_clear(*, user) -> int:
    """Forget the failed logins counted for `user`'s account from every address (after a
    completed password reset: whoever chose the new password owns the account). Failures from an
    address against other accounts still count for that address. Returns the records removed."""
    return axes_reset(username=user.get_username())
