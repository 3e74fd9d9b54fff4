"""Forms of the portal app: login, API tokens, invitations."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from villages.models import Regency

from .auth import is_locked_out
from .models import ApiTokenAccess, Organisation
from .roles import PROVINCE_WIDE, Role, user_role
from .services import ORGANISATION_STAFF_FIELDS


class LoginForm(AuthenticationForm):
    """Username or e-mail, and a clear message while locked out."""

    username = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked_out": _(
            "Too many failed logins for this account or from this address. "
            "Try again in an hour, or reset your password."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and is_locked_out(username, self.request):
            raise ValidationError(self.error_messages["locked_out"], code="locked_out")
        return super().clean()


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
    username = forms.RegexField(
        label=_("Username"), max_length=150, regex=r"^[\w.@+-]+$", strip=True
    )
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
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

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == Role.PARTNER and not data.get("organisation"):
            self.add_error("organisation", _("A partner member belongs to an organisation."))
        if role not in (Role.OFFICER, Role.SUPERVISOR) and data.get("regencies"):
            self.add_error("regencies", _("Only officers and supervisors have a regional scope."))
        return data


class OrganisationForm(forms.ModelForm):
    """An organisation; for anyone but provincial staff its name, kind and active flag are shown
    read-only (portal.services.organisation_save refuses a change to them anyway)."""

    class Meta:
        model = Organisation
        fields = ["name", "kind", "contact_name", "contact_email", "contact_phone", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user_role(user) not in PROVINCE_WIDE:
            for name in ORGANISATION_STAFF_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Provincial staff change this.")
