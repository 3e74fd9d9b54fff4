"""Forms of the registry pages. Pilot forms validate input and hand it to `villages.services`,
which holds the business rules; a rule the service refuses comes back as a form error."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Pilot, PilotStatus, Village
from .search import MAX_QUERY


class ServiceFormMixin:
    """Turn a ValidationError raised by a service into errors of this form."""

    def add_service_error(self, error: ValidationError):
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class PilotProposeForm(ServiceFormMixin, forms.Form):
    """Record a proposal (usually by the camat) of a village as desa percontohan."""

    proposed_by = forms.CharField(
        label=_("Proposed by"),
        max_length=120,
        help_text=_("Who proposed it, e.g. the camat."),
    )
    proposed_on = forms.DateField(
        label=_("Proposed on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text=_("Leave empty for today."),
    )
    proposal_reason = forms.CharField(
        label=_("Reason for the proposal"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_proposed_on(self):
        value = self.cleaned_data.get("proposed_on")
        if value and value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value

    def save(self, *, village: Village, by) -> Pilot | None:
        """Propose the village; return the pilot, or None with the refusal as a form error."""
        try:
            return services.pilot_propose(
                village=village,
                proposed_by=self.cleaned_data["proposed_by"],
                reason=self.cleaned_data["proposal_reason"],
                proposed_on=self.cleaned_data.get("proposed_on"),
                by=by,
            )
        except ValidationError as error:
            self.add_service_error(error)
            return None


class PilotDecideForm(ServiceFormMixin, forms.Form):
    """Select, reject or withdraw a pilot. Which decision is allowed is the service's rule."""

    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (PilotStatus.SELECTED, PilotStatus.SELECTED.label),
            (PilotStatus.REJECTED, PilotStatus.REJECTED.label),
            (PilotStatus.WITHDRAWN, PilotStatus.WITHDRAWN.label),
        ],
    )
    decided_on = forms.DateField(
        label=_("Decided on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text=_("Leave empty for today."),
    )
    decision_reason = forms.CharField(
        label=_("Reason for the decision"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_decided_on(self):
        value = self.cleaned_data.get("decided_on")
        if value and value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value

    def save(self, *, pilot: Pilot, by) -> Pilot | None:
        """Record the decision; return the pilot, or None with the refusal as a form error."""
        try:
            return services.pilot_decide(
                pilot=pilot,
                status=self.cleaned_data["status"],
                reason=self.cleaned_data["decision_reason"],
                decided_on=self.cleaned_data.get("decided_on"),
                by=by,
            )
        except ValidationError as error:
            self.add_service_error(error)
            return None


class SearchForm(forms.Form):
    """The registry's search box (villages.search): a name or a code, and the kind of unit."""

    KINDS = [
        ("", _("All kinds")),
        ("regency", _("Kabupaten/kota")),
        ("district", _("Kecamatan")),
        ("desa", _("Desa")),
        ("kelurahan", _("Kelurahan")),
    ]

    q = forms.CharField(label=_("Name or Kemendagri code"), max_length=MAX_QUERY, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS, required=False)

    def levels(self) -> tuple[tuple[str, ...], str]:
        """(levels searched, village kind) for villages.selectors.search_places."""
        kind = self.cleaned_data.get("kind") or ""
        if kind in ("desa", "kelurahan"):
            return ("village",), kind
        if kind:
            return (kind,), ""
        return ("regency", "district", "village"), ""
