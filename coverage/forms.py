"""Forms of the coverage pages; the rules live in `coverage.services`."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from villages.forms import ServiceFormMixin

from .models import ReviewStatus


class ReviewForm(ServiceFormMixin, forms.Form):
    """A supervisor's verdict on a survey."""

    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ReviewStatus.VERIFIED, _("Verify")),
            (ReviewStatus.REJECTED, _("Reject")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reject, or to change an earlier review."),
    )
    confirm_location = forms.BooleanField(
        label=_("I confirm the location: this survey was taken for this village"),
        required=False,
        help_text=_(
            "The point lies outside the village's boundary. Without this confirmation a verified "
            "survey does not count in the village's connectivity or on the map."
        ),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV, XLSX or outbox file"),
        help_text=_(
            "An export of KoboToolbox, ODK or the template below, or the outbox file the field "
            "form saves (.json); at most %(limit)s MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.json"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "limit": settings.IMPORT_MAX_MB
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": settings.IMPORT_MAX_MB}
            )
        if not upload.name.lower().endswith((".csv", ".xlsx", ".json")):
            raise forms.ValidationError(_("Upload a .csv, .xlsx or .json (outbox) file."))
        return upload
