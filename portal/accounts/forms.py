"""Forms of the portal app: login, password reset, API tokens, invitations."""

import logging

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core import ratelimit
from portal.core.clients import client_address
from portal.core.roles import PROVINCE_WIDE, Role, grantable_roles, user_role
from portal.core.scopes import regency_scope, scoped
from villages.models import Regency

from .auth import lockout_reason
from .models import ApiTokenAccess, Organisation
from .services import ORGANISATION_STAFF_FIELDS

logger = logging.getLogger(__name__)


class LoginForm(AuthenticationForm):
    """Username or e-mail, and a clear message while this address is locked out
    (portal.accounts.auth)."""

    username = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        # Django's own words name the field through %(username)s, which the Indonesian catalogue
        # already spells out ("Masukkan nama pengguna nama pengguna ..."): say it once, ourselves.
        "invalid_login": _(
            "Please enter a correct username (or e-mail) and password. Both are case-sensitive."
        ),
        "locked_out": _(
            "Too many failed logins for this account from your address. Try again in an hour, "
            "or reset your password: a completed reset lifts this lock."
        ),
        "address_locked_out": _("Too many failed logins from your address. Try again in an hour."),
    }

    def _refuse_if_locked_out(self, username):
        reason = lockout_reason(self.request, username)
        if reason == "address":
            raise ValidationError(
                self.error_messages["address_locked_out"], code="address_locked_out"
            )
        if reason == "account":
            raise ValidationError(self.error_messages["locked_out"], code="locked_out")

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            self._refuse_if_locked_out(username)
        try:
            return super().clean()
        except ValidationError:
            if username:  # this failure may have been the last one allowed
                self._refuse_if_locked_out(username)
            raise


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form with its mails throttled: at most PASSWORD_RESETS_PER_ADDRESS requests
    an hour from one address, and PASSWORD_RESETS_PER_ACCOUNT mails an hour to one account.
    Over a limit no mail leaves, and the page answers as always (no account enumeration).
    Counted in Redis, and let through while Redis is down (portal.core.ratelimit)."""

    def save(self, *args, request=None, **kwargs):
        address = client_address(request)
        if ratelimit.hit(
            f"password-reset:address:{address}",
            limit=settings.PASSWORD_RESETS_PER_ADDRESS,
            window=ratelimit.HOUR,
        ):
            logger.warning("Password reset: too many requests from one address, none sent.")
            return
        super().save(*args, request=request, **kwargs)

    def get_users(self, email):
        for user in super().get_users(email):
            if ratelimit.hit(
                f"password-reset:account:{user.pk}",
                limit=settings.PASSWORD_RESETS_PER_ACCOUNT,
                window=ratelimit.HOUR,
            ):
                logger.warning("Password reset: too many mails to user %s, none sent.", user.pk)
                continue
            yield user


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    access = forms.ChoiceField(label=_("Access"), choices=ApiTokenAccess.choices)
    valid_days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=settings.API_TOKEN_MAX_DAYS,
        initial=90,
    )


class InviteForm(forms.Form):
    """Invite a user with a role and scope. `by` is the inviter: the role choices are the roles
    they may grant (`portal.core.roles.grantable_roles`), none pre-selected, and the kabupaten/kota
    and organisations those within their own scope; `portal.accounts.services.user_invite` checks it
    again."""

    username = forms.RegexField(
        label=_("Username"), max_length=150, regex=r"^[\w.@+-]+$", strip=True
    )
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        error_messages={"invalid_choice": _("You may not grant this role.")},
    )
    regencies = forms.ModelMultipleChoiceField(
        label=_("Kabupaten/kota in scope"),
        queryset=Regency.objects.order_by("code"),
        required=False,
        help_text=_("Officers and supervisors only; leave empty for the whole province."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        help_text=_("Required for partner members."),
    )

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "---------")] + [
            (role.value, role.label) for role in grantable_roles(by)
        ]
        limit = regency_scope(by)
        if limit is not None:
            self.fields["regencies"].queryset = Regency.objects.filter(code__in=limit).order_by(
                "code"
            )
            self.fields["regencies"].help_text = _("Officers and supervisors only; within yours.")
        self.fields["organisation"].queryset = scoped(
            Organisation.objects.filter(is_active=True), by
        )

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == Role.PARTNER and not data.get("organisation"):
            self.add_error("organisation", _("A partner member belongs to an organisation."))
        if role not in (Role.OFFICER, Role.SUPERVISOR) and data.get("regencies"):
            self.add_error("regencies", _("Only officers and supervisors have a regional scope."))
        return data


class UserRoleForm(InviteForm):
    """Another role and scope for an existing user: the invitation's role, kabupaten/kota and
    organisation fields, with the same limits (`user_change_role` checks them again)."""

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, by=by, **kwargs)
        for name in ("username", "email", "first_name", "last_name"):
            del self.fields[name]


class UserFilterForm(forms.Form):
    """The user list's filters."""

    q = forms.CharField(label=_("Name, username or e-mail"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False)
    active = forms.ChoiceField(
        label=_("Active"),
        required=False,
        choices=[("", _("All")), ("yes", _("Active")), ("no", _("Deactivated"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All"))] + [(r.value, r.label) for r in Role]


class OrganisationForm(forms.ModelForm):
    """An organisation; for anyone but provincial staff its name, kind and active flag are shown
    read-only (portal.accounts.services.organisation_save refuses a change to them anyway)."""

    class Meta:
        model = Organisation
        fields = ["name", "kind", "contact_name", "contact_email", "contact_phone", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user_role(user) not in PROVINCE_WIDE:
            for name in ORGANISATION_STAFF_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Provincial staff change this.")
