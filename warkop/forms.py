"""Forms of the kiosk pages. They validate input and hand it to the services, which hold the
business rules; a rule a service refuses comes back as a form error."""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.core.bounds import ColumnBoundsFormMixin, column_bounds
from villages.forms import ServiceFormMixin
from villages.models import Village

from . import services
from .models import (
    CheckInKind,
    Connectivity,
    MonthlyReport,
    MonthlyReportLine,
    Warkop,
    WarkopStatus,
)
from .validators import validate_photo


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, village):
        return f"{village.code} {village.name} — {village.district.name}"


class WarkopForm(ColumnBoundsFormMixin, ServiceFormMixin, forms.Form):
    """Create or edit a kiosk; the location comes from the map picker or the phone's GPS."""

    bounds_model = Warkop

    name = forms.CharField(label=_("Name"), max_length=120)
    village = VillageChoiceField(
        label=_("Village"),
        queryset=Village.objects.none(),  # the portal's province: set in __init__
    )
    organisation = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
    )
    owner_name = forms.CharField(label=_("Owner"), max_length=120)
    owner_phone = forms.CharField(
        label=_("Owner's personal phone"),
        max_length=40,
        required=False,
        help_text=_("For the team and the partner only; never shown to the public."),
    )
    business_phone = forms.CharField(
        label=_("Kiosk's public phone"),
        max_length=40,
        required=False,
        help_text=_("A number of the kiosk for customers, if it has one."),
    )
    publish_phone = forms.BooleanField(
        label=_(
            "The owner agrees that the kiosk's public phone is published in the public service "
            "finder (/layanan/)"
        ),
        required=False,
        help_text=_(
            "Ask the owner first. Without this consent the finder shows no phone number; the "
            "owner's personal phone is never published."
        ),
    )
    latitude = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    connectivity = forms.ChoiceField(label=_("Connectivity"), choices=Connectivity.choices)
    connectivity_provider = forms.CharField(
        label=_("Internet provider"), max_length=80, required=False
    )
    has_learning_room = forms.BooleanField(label=_("Learning room"), required=False)
    learning_room_seats = forms.IntegerField(label=_("Seats"), min_value=0, initial=0)
    learning_room_devices = forms.IntegerField(label=_("Devices"), min_value=0, initial=0)
    opening_hours = forms.CharField(
        label=_("Opening hours"),
        max_length=120,
        required=False,
        help_text=_("e.g. Mon–Sat 08.00–21.00"),
    )

    FIELDS = services.EDITABLE_FIELDS

    def __init__(self, *args, user=None, instance: Warkop | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(instance, name) for name in self.FIELDS},
                "village": instance.village_id,
                "organisation": instance.organisation_id,
                "latitude": round(instance.location.y, 6),
                "longitude": round(instance.location.x, 6),
            }
        super().__init__(*args, **kwargs)
        self.instance, self.user = instance, user
        self.fields["village"].queryset = (
            Village.objects.filter(district__regency__province_id=settings.PORTAL_PROVINCE)
            .select_related("district")
            .only("code", "name", "district__name")
            .order_by("code")
        )
        if user is not None and not user.has_perm("warkop.change_status_warkop"):
            # partners record kiosks of their own organisation (the service enforces it)
            self.fields.pop("organisation")
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs.update({"step": "any", "inputmode": "decimal"})

    def save(self) -> Warkop | None:
        data = self.cleaned_data
        fields = {name: data[name] for name in self.FIELDS}
        try:
            location = services.point_from_lat_lng(data["latitude"], data["longitude"])
            if self.instance is None:
                return services.warkop_create(
                    village=data["village"],
                    location=location,
                    organisation=data.get("organisation"),
                    by=self.user,
                    **fields,
                )
            extra = {"organisation": data.get("organisation")} if "organisation" in data else {}
            return services.warkop_update(
                warkop=self.instance,
                village=data["village"],
                location=location,
                by=self.user,
                **extra,
                **fields,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "location" in error.error_dict:
                self.add_error("latitude", error.error_dict.pop("location"))
            self.add_service_error(error)
            return None
        except PermissionDenied as error:
            self.add_error(None, str(error))
            return None


class StatusForm(ServiceFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=WarkopStatus.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    changed_on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for today."),
    )

    def __init__(self, *args, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["status"].choices = [
                (value, label) for value, label in WarkopStatus.choices if value in allowed
            ]

    def save(self, *, warkop, by):
        try:
            return services.warkop_change_status(
                warkop=warkop,
                status=self.cleaned_data["status"],
                reason=self.cleaned_data["reason"],
                changed_on=self.cleaned_data.get("changed_on"),
                by=by,
            )
        except ValidationError as error:
            self.add_service_error(error)
            return None


class CheckInForm(ServiceFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Check-in"), choices=CheckInKind.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    photo = forms.ImageField(label=_("Photo"), required=False, validators=[validate_photo])

    def save(self, *, warkop, by):
        try:
            return services.checkin_record(
                warkop=warkop,
                kind=self.cleaned_data["kind"],
                note=self.cleaned_data["note"],
                photo=self.cleaned_data.get("photo"),
                by=by,
            )
        except ValidationError as error:
            self.add_service_error(error)
            return None


class PhotoForm(ServiceFormMixin, forms.Form):
    image = forms.ImageField(label=_("Photo"), validators=[validate_photo])
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)

    def save(self, *, warkop, by):
        try:
            return services.warkop_add_photo(
                warkop=warkop,
                image=self.cleaned_data["image"],
                caption=self.cleaned_data["caption"],
                by=by,
            )
        except ValidationError as error:
            self.add_service_error(error)
            return None


class ReportForm(ColumnBoundsFormMixin, ServiceFormMixin, forms.Form):
    """A month's report: one count and value field pair per service category."""

    bounds_model = MonthlyReport

    month = forms.CharField(
        label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}), max_length=7
    )
    learning_sessions = forms.IntegerField(
        label=_("Learning-room sessions"), min_value=0, initial=0
    )
    learning_participants = forms.IntegerField(label=_("Participants"), min_value=0, initial=0)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        for category in self.categories:
            self.fields[f"count_{category.code}"] = forms.IntegerField(
                label=_("%(service)s: transactions") % {"service": category.label},
                required=False,
                **column_bounds(MonthlyReportLine, "transaction_count"),
            )
            self.fields[f"value_{category.code}"] = forms.IntegerField(
                label=_("%(service)s: value (Rp)") % {"service": category.label},
                required=False,
                **column_bounds(MonthlyReportLine, "transaction_value"),
            )

    def line_fields(self):
        return [
            (category, self[f"count_{category.code}"], self[f"value_{category.code}"])
            for category in self.categories
        ]

    def clean_month(self):
        value = self.cleaned_data["month"]
        try:
            return datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise ValidationError(_("Give the month as YYYY-MM.")) from None

    def clean(self):
        data = super().clean()
        month = data.get("month")
        if month and month > timezone.localdate().replace(day=1):
            self.add_error("month", _("A report cannot be for a future month."))
        return data

    def save(self, *, warkop, by):
        data = self.cleaned_data
        lines = {}
        for category in self.categories:
            count, value = data.get(f"count_{category.code}"), data.get(f"value_{category.code}")
            if count or value:
                lines[category] = (count or 0, value or 0)
        try:
            report, _created = services.report_submit(
                warkop=warkop,
                month=data["month"],
                lines=lines,
                learning_sessions=data["learning_sessions"],
                learning_participants=data["learning_participants"],
                notes=data["notes"],
                by=by,
            )
            return report
        except ValidationError as error:
            self.add_service_error(error)
            return None
