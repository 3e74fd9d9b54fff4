"""Forms of the payment-service pages: a kiosk's offering, and the gap view's question. They
validate input and hand it to the services; a rule a service refuses comes back as a form
error."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.bounds import ColumnBoundsFormMixin
from villages.forms import ServiceFormMixin

from . import selectors, services
from .models import Provider, ServiceOffering


class OfferingForm(ColumnBoundsFormMixin, ServiceFormMixin, forms.Form):
    bounds_model = ServiceOffering
    category = forms.ModelChoiceField(label=_("Service"), queryset=selectors.active_categories())
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Provider.objects.filter(is_active=True)
    )
    fee = forms.IntegerField(label=_("Fee (Rp)"), min_value=0, initial=0)
    hours = forms.CharField(
        label=_("Hours"),
        max_length=120,
        required=False,
        help_text=_("Leave empty when the service is offered whenever the kiosk is open."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def __init__(self, *args, instance: ServiceOffering | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "category": instance.category_id,
                "provider": instance.provider_id,
                "fee": instance.fee,
                "hours": instance.hours,
                "is_active": instance.is_active,
                "notes": instance.notes,
            }
        super().__init__(*args, **kwargs)
        self.instance = instance

    def save(self, *, warkop, by):
        try:
            return services.offering_save(
                warkop=warkop, offering=self.instance, by=by, **self.cleaned_data
            )
        except ValidationError as error:
            self.add_service_error(error)
            return None


class GapForm(forms.Form):
    regency = forms.ChoiceField(label=_("Regency/city"))
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=selectors.active_categories(),
        to_field_name="code",
    )
    km = forms.FloatField(label=_("Distance (km)"), min_value=0.5, max_value=100, initial=5)

    def __init__(self, *args, regencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regency"].choices = [(r.code, r.name) for r in regencies]
