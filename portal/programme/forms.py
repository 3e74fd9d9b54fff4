"""Forms of the 100-day programme pages."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Metric, Milestone, MilestoneKind, NonWorkingDay, NonWorkingDayKind, Programme

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EVIDENCE_EXTENSIONS = {"pdf", "jpg", "jpeg", "png", "doc", "docx", "odt", "xls", "xlsx", "ods"}


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "description", "start_date", "length_working_days"]
        widgets = {"start_date": DATE_INPUT, "description": forms.Textarea(attrs={"rows": 3})}

    def clean_length_working_days(self):
        length = self.cleaned_data["length_working_days"]
        if self.instance.pk:
            last_due = (
                self.instance.milestones.order_by("-due_day")
                .values_list("due_day", flat=True)
                .first()
            )
            if last_due and length < last_due:
                raise ValidationError(
                    _("A milestone is due on working day %(day)d: the programme cannot be shorter.")
                    % {"day": last_due}
                )
        return length


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = [
            "title",
            "description",
            "responsible_unit",
            "responsible_person",
            "due_day",
            "kind",
            "metric",
            "target",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["responsible_person"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )
        self.fields["metric"].choices = [("", "—"), *Metric.choices]

    def clean_due_day(self):
        due = self.cleaned_data["due_day"]
        if not 1 <= due <= self.programme.length_working_days:
            raise ValidationError(
                _("Between working day 1 and %(length)d.")
                % {"length": self.programme.length_working_days}
            )
        return due

    def clean(self):
        data = super().clean()
        kind, metric = data.get("kind"), data.get("metric")
        if kind == MilestoneKind.METRIC and not metric:
            self.add_error("metric", _("Choose the figure this milestone measures."))
        if kind == MilestoneKind.MANUAL:
            if metric:
                self.add_error("metric", _("A manual milestone measures no figure."))
            if data.get("target") is not None:
                self.add_error("target", _("A manual milestone has no target figure."))
        if self.instance.pk and self.instance.done_on and kind != MilestoneKind.MANUAL:
            self.add_error("kind", _("This milestone was recorded as done by hand."))
        return data

    def save(self, commit=True):
        self.instance.programme = self.programme
        return super().save(commit)


class MilestoneRecordForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE_INPUT)
    evidence_file = forms.FileField(
        label=_("Evidence document"),
        required=False,
        help_text=_("PDF, image or office document, up to %(mb)d MB."),
    )
    evidence_url = forms.URLField(
        label=_("or a link to it"), required=False, max_length=500, assume_scheme="https"
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["evidence_file"]
        field.help_text = field.help_text % {"mb": settings.PROGRAMME_EVIDENCE_MAX_MB}

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            if extension not in EVIDENCE_EXTENSIONS:
                raise ValidationError(_("Upload a PDF, an image or an office document."))
            limit = settings.PROGRAMME_EVIDENCE_MAX_MB
            if upload.size > limit * 1024 * 1024:
                raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": limit})
        return upload


class NonWorkingDayForm(forms.ModelForm):
    class Meta:
        model = NonWorkingDay
        fields = ["date", "name", "kind", "source"]
        widgets = {"date": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = NonWorkingDayKind.COLLECTIVE_LEAVE
