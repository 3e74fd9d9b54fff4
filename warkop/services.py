"""Writes with business rules on kiosks: creating and editing them (location inside the village's
province), status transitions, check-ins and the stale rule, photos and monthly reports."""

import datetime

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Organisation
from portal.core.images import sanitise_image
from portal.core.roles import Role, user_role
from portal.core.scopes import organisation_scope, scoped
from villages.models import Province, Village

from .models import (
    CheckIn,
    CheckInKind,
    Connectivity,
    MonthlyReport,
    MonthlyReportLine,
    Warkop,
    WarkopPhoto,
    WarkopStatus,
    WarkopStatusChange,
)
from .validators import max_photo_bytes

# Which status may follow which. A closed kiosk stays closed (a reopening is a new kiosk).
ALLOWED_TRANSITIONS = {
    WarkopStatus.PROPOSED: {WarkopStatus.PREPARING, WarkopStatus.CLOSED},
    WarkopStatus.PREPARING: {WarkopStatus.OPERATIONAL, WarkopStatus.CLOSED},
    WarkopStatus.OPERATIONAL: {WarkopStatus.SUSPENDED, WarkopStatus.CLOSED},
    WarkopStatus.SUSPENDED: {WarkopStatus.OPERATIONAL, WarkopStatus.CLOSED},
    WarkopStatus.CLOSED: set(),
}

#: Fields of a kiosk that warkop_create and warkop_update accept besides the required ones.
EDITABLE_FIELDS = (
    "name",
    "owner_name",
    "owner_phone",
    "business_phone",
    "publish_phone",
    "address",
    "connectivity",
    "connectivity_provider",
    "has_learning_room",
    "learning_room_seats",
    "learning_room_devices",
    "opening_hours",
)


# --- Location ----------------------------------------------------------------------------------


def point_from_lat_lng(lat, lng) -> Point:
    """A WGS84 point from latitude and longitude. The SRID is fixed (4326): no user-supplied
    spatial reference ever reaches GDAL."""
    try:
        lat, lng = float(lat), float(lng)
    except (TypeError, ValueError):
        raise ValidationError(
            {"location": _("Give the latitude and longitude as numbers.")}
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationError({"location": _("The latitude or longitude is out of range.")})
    return Point(lng, lat, srid=4326)


#: The province boundary is simplified: a point this close to it (about 500 m) still counts.
BOUNDARY_TOLERANCE_DEGREES = 0.005


def check_location(*, village: Village, location: Point) -> None:
    """Refuse a village of another province than the portal's (PORTAL_PROVINCE), and a location
    outside that province (its simplified boundary; a point on the border counts as inside)."""
    if village.pk[:2] != settings.PORTAL_PROVINCE:
        raise ValidationError(
            {
                "village": _("%(village)s is not in the province this portal serves.")
                % {"village": village.name}
            }
        )
    if location is None:
        raise ValidationError({"location": _("Mark the kiosk's location on the map.")})
    point = Point(location.x, location.y, srid=4326)
    inside = Province.objects.filter(code=settings.PORTAL_PROVINCE).filter(
        Q(boundary__isnull=True) | Q(boundary__dwithin=(point, BOUNDARY_TOLERANCE_DEGREES))
    )
    if not inside.exists():
        raise ValidationError(
            {"location": _("This location lies outside the province of the village.")}
        )


# --- Who may change which kiosk ----------------------------------------------------------------


def ensure_can_manage(user, warkop: Warkop) -> None:
    """A user may change a kiosk only within their scope (partners: their organisation's)."""
    if user is None:  # commands and tasks
        return
    if not scoped(Warkop.objects.filter(pk=warkop.pk), user).exists():
        raise PermissionDenied(_("This kiosk is outside your scope."))


def _organisation_for(user, organisation: Organisation | None) -> Organisation | None:
    """Partner members always record kiosks for their own organisation."""
    if user is not None and user_role(user) == Role.PARTNER:
        own = organisation_scope(user)
        if own is None:
            raise PermissionDenied(_("Your account belongs to no organisation."))
        if organisation is not None and organisation.pk != own:
            raise PermissionDenied(_("Partners record kiosks of their own organisation only."))
        return Organisation.objects.get(pk=own)
    return organisation


def _clean_fields(fields: dict) -> dict:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown kiosk fields: {sorted(unknown)}")
    cleaned = dict(fields)
    for key in ("name", "owner_name"):
        if key in cleaned:
            cleaned[key] = (cleaned[key] or "").strip()
            if not cleaned[key]:
                raise ValidationError({key: _("This field cannot be empty.")})
    if cleaned.get("connectivity") not in (None, *Connectivity.values):
        raise ValidationError({"connectivity": _("Unknown connectivity.")})
    for key in ("learning_room_seats", "learning_room_devices"):
        if key in cleaned and (cleaned[key] is None or int(cleaned[key]) < 0):
            raise ValidationError({key: _("Give a number of zero or more.")})
    for key in ("owner_phone", "business_phone"):
        if key in cleaned:
            cleaned[key] = (cleaned[key] or "").strip()
    if "publish_phone" in cleaned:
        cleaned["publish_phone"] = bool(cleaned["publish_phone"])
    return cleaned


def _check_published_phone(*, business_phone: str, publish_phone: bool) -> None:
    """The finder shows the kiosk's public phone only with the owner's consent, and there must
    be a number to show."""
    if publish_phone and not business_phone:
        raise ValidationError(
            {"business_phone": _("Give the kiosk's public phone, or do not tick its publication.")}
        )


# --- Kiosks ------------------------------------------------------------------------------------


@transaction.atomic
def warkop_create(
    *,
    village: Village,
    name: str,
    owner_name: str,
    location: Point,
    by,
    organisation: Organisation | None = None,
    is_sample: bool = False,
    **fields,
) -> Warkop:
    """Record a new kiosk (status proposed) with its first status-history row. The finder
    shows its `business_phone` only with `publish_phone` (the owner's consent)."""
    fields = _clean_fields({"name": name, "owner_name": owner_name, **fields})
    _check_published_phone(
        business_phone=fields.get("business_phone", ""),
        publish_phone=fields.get("publish_phone", False),
    )
    check_location(village=village, location=location)
    organisation = _organisation_for(by, organisation)
    if Warkop.objects.filter(village=village, name__iexact=fields["name"]).exists():
        raise ValidationError({"name": _("This village already has a kiosk with this name.")})
    today = timezone.localdate()
    warkop = Warkop.objects.create(
        village=village,
        location=Point(location.x, location.y, srid=4326),
        organisation=organisation,
        status=WarkopStatus.PROPOSED,
        status_changed_on=today,
        is_sample=is_sample,
        created_by=by,
        **fields,
    )
    WarkopStatusChange.objects.create(
        warkop=warkop,
        from_status="",
        to_status=WarkopStatus.PROPOSED,
        changed_on=today,
        reason=_("Kiosk recorded."),
        changed_by=by,
    )
    return warkop


@transaction.atomic
def warkop_update(
    *,
    warkop: Warkop,
    by,
    village: Village | None = None,
    location: Point | None = None,
    organisation: Organisation | None | bool = False,
    **fields,
) -> Warkop:
    """Change a kiosk's details (not its status: see warkop_change_status). `organisation=False`
    leaves it as it is."""
    ensure_can_manage(by, warkop)
    warkop = Warkop.objects.select_for_update().get(pk=warkop.pk)
    fields = _clean_fields(fields)
    if village is not None or location is not None:
        new_village = village or warkop.village
        new_location = location or warkop.location
        check_location(village=new_village, location=new_location)
        warkop.village = new_village
        warkop.location = Point(new_location.x, new_location.y, srid=4326)
    if organisation is not False:
        partner = by is not None and user_role(by) == Role.PARTNER
        if partner and (organisation is None or organisation.pk != organisation_scope(by)):
            raise PermissionDenied(_("Partners cannot hand a kiosk to another organisation."))
        warkop.organisation = organisation
    if "name" in fields:
        clash = Warkop.objects.filter(village=warkop.village, name__iexact=fields["name"]).exclude(
            pk=warkop.pk
        )
        if clash.exists():
            raise ValidationError({"name": _("This village already has a kiosk with this name.")})
    for key, value in fields.items():
        setattr(warkop, key, value)
    _check_published_phone(business_phone=warkop.business_phone, publish_phone=warkop.publish_phone)
    warkop.save()
    return warkop


@transaction.atomic
def warkop_change_status(
    *,
    warkop: Warkop,
    status: str,
    reason: str,
    by,
    changed_on: datetime.date | None = None,
) -> Warkop:
    """Move a kiosk to `status` when ALLOWED_TRANSITIONS allows it, with a dated history row."""
    ensure_can_manage(by, warkop)
    warkop = Warkop.objects.select_for_update().get(pk=warkop.pk)
    try:
        status = WarkopStatus(status)
    except ValueError:
        raise ValidationError({"status": _("Unknown status.")}) from None
    current = WarkopStatus(warkop.status)
    if status not in ALLOWED_TRANSITIONS[current]:
        raise ValidationError(
            {
                "status": _("A kiosk that is %(current)s cannot become %(new)s.")
                % {"current": current.label.lower(), "new": status.label.lower()}
            }
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the change.")})
    today = timezone.localdate()
    changed_on = changed_on or today
    if changed_on > today:
        raise ValidationError({"changed_on": _("The date cannot be in the future.")})
    if warkop.status_changed_on and changed_on < warkop.status_changed_on:
        raise ValidationError(
            {"changed_on": _("The date cannot be before the previous status change.")}
        )
    WarkopStatusChange.objects.create(
        warkop=warkop,
        from_status=current,
        to_status=status,
        changed_on=changed_on,
        reason=reason,
        changed_by=by,
    )
    warkop.status = status
    warkop.status_changed_on = changed_on
    if status != WarkopStatus.OPERATIONAL:
        warkop.is_stale, warkop.stale_since = False, None
    warkop.save()
    return warkop


def clean_photo(image, *, field: str):
    """The uploaded photo checked and re-encoded without metadata (EXIF GPS, device, time) by
    `portal.core.images`: the file to store. A refusal names the field."""
    try:
        clean = sanitise_image(image, max_bytes=max_photo_bytes())
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    return clean.as_file(getattr(image, "name", "") or "photo")


@transaction.atomic
def warkop_add_photo(*, warkop: Warkop, image, by, caption: str = "") -> WarkopPhoto:
    """Attach a photo to a kiosk: checked, and stored re-encoded without metadata."""
    ensure_can_manage(by, warkop)
    image = clean_photo(image, field="image")
    photo = WarkopPhoto(warkop=warkop, image=image, caption=caption.strip(), uploaded_by=by)
    # The image was checked by clean_photo; decoding it again would change nothing.
    photo.full_clean(exclude=["warkop", "uploaded_by", "image"])
    photo.save()
    return photo


# --- Liveness ----------------------------------------------------------------------------------


def stale_days() -> int:
    return settings.WARKOP_STALE_DAYS


#: How far ahead of the server's clock a check-in time may be (a phone's clock runs fast).
CHECKIN_CLOCK_SKEW = datetime.timedelta(minutes=5)


def check_checkin_time(checked_in_at: datetime.datetime, *, now: datetime.datetime) -> None:
    """A check-in says the kiosk was seen working recently: its time may be neither in the future
    (beyond CHECKIN_CLOCK_SKEW) nor more than CHECKIN_MAX_AGE_DAYS days ago."""
    if checked_in_at > now + CHECKIN_CLOCK_SKEW:
        raise ValidationError({"checked_in_at": _("A check-in cannot be in the future.")})
    days = settings.CHECKIN_MAX_AGE_DAYS
    if checked_in_at < now - datetime.timedelta(days=days):
        raise ValidationError(
            {
                "checked_in_at": _(
                    "A check-in cannot be more than %(days)d days old: record what you saw "
                    "recently."
                )
                % {"days": days}
            }
        )


@transaction.atomic
def checkin_record(
    *,
    warkop: Warkop,
    kind: str,
    by,
    note: str = "",
    photo=None,
    checked_in_at: datetime.datetime | None = None,
) -> CheckIn:
    """Record that the kiosk was seen open and working; a recent check-in clears `stale`.
    People (pages, API) record check-ins of the last CHECKIN_MAX_AGE_DAYS days
    (`check_checkin_time`); commands (`by=None`, such as the sample data) may record older ones,
    never future ones."""
    ensure_can_manage(by, warkop)
    if kind not in CheckInKind.values:
        raise ValidationError({"kind": _("Say whether the kiosk was visited or seen online.")})
    now = timezone.now()
    checked_in_at = checked_in_at or now
    if by is not None:
        check_checkin_time(checked_in_at, now=now)
    elif checked_in_at > now + CHECKIN_CLOCK_SKEW:
        raise ValidationError({"checked_in_at": _("A check-in cannot be in the future.")})
    warkop = Warkop.objects.select_for_update().get(pk=warkop.pk)
    if warkop.status == WarkopStatus.CLOSED:
        raise ValidationError(_("A closed kiosk takes no check-ins."))
    check_in = CheckIn(
        warkop=warkop,
        kind=kind,
        note=(note or "").strip(),
        checked_in_at=checked_in_at,
        recorded_by=by,
    )
    if photo:
        check_in.photo = clean_photo(photo, field="photo")
        check_in.full_clean(exclude=["warkop", "recorded_by", "photo"])
    check_in.save()
    if warkop.last_check_in_at is None or checked_in_at > warkop.last_check_in_at:
        warkop.last_check_in_at = checked_in_at
    cutoff = now - datetime.timedelta(days=stale_days())
    if warkop.is_stale and warkop.last_check_in_at >= cutoff:
        warkop.is_stale, warkop.stale_since = False, None
    warkop.save(update_fields=["last_check_in_at", "is_stale", "stale_since", "updated_at"])
    return check_in


def stale_candidates(now: datetime.datetime | None = None):
    """Operational kiosks with no check-in (nor a status change to operational) for
    WARKOP_STALE_DAYS days."""
    return Warkop.objects.stale(now)


@transaction.atomic
def warkop_mark_stale(*, now: datetime.datetime | None = None) -> int:
    """Mark stale the operational kiosks without a recent check-in. Idempotent: a kiosk already
    stale keeps its `stale_since`; returns how many kiosks became stale now."""
    now = now or timezone.now()
    return (
        stale_candidates(now)
        .filter(is_stale=False)
        .update(is_stale=True, stale_since=timezone.localdate(now), updated_at=now)
    )


# --- Monthly reports ---------------------------------------------------------------------------


def first_of_month(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


@transaction.atomic
def report_submit(
    *,
    warkop: Warkop,
    month: datetime.date,
    lines: dict,
    by,
    learning_sessions: int = 0,
    learning_participants: int = 0,
    notes: str = "",
    only_new: bool = False,
) -> tuple[MonthlyReport, bool]:
    """Submit (or correct) a kiosk's report of one month. `lines` maps a ServiceCategory to
    (transaction count, value in Rupiah). Negative figures and future months are refused; a
    correction overwrites the figures, whose earlier values stay in the audit trail. One report
    per kiosk and month: with `only_new` (a new report, not a correction) a month that already
    has one is refused. Returns (report, created)."""
    ensure_can_manage(by, warkop)
    month = first_of_month(month)
    if month > first_of_month(timezone.localdate()):
        raise ValidationError({"month": _("A report cannot be for a future month.")})
    errors = {}
    for key, value in (
        ("learning_sessions", learning_sessions),
        ("learning_participants", learning_participants),
    ):
        if value is None or int(value) < 0:
            errors[key] = _("Give a number of zero or more.")
    for category, (count, value) in lines.items():
        if count is None or value is None or int(count) < 0 or int(value) < 0:
            errors["lines"] = _(
                "Transactions and their value cannot be negative (%(service)s)."
            ) % {"service": category}
    if errors:
        raise ValidationError(errors)
    report, created = MonthlyReport.objects.select_for_update().get_or_create(
        warkop=warkop,
        month=month,
        defaults={
            "learning_sessions": learning_sessions,
            "learning_participants": learning_participants,
            "notes": notes,
            "submitted_by": by,
        },
    )
    if not created and only_new:
        raise ValidationError(
            {"month": _("This kiosk already has a report for this month: correct it instead.")}
        )
    if not created:
        report.learning_sessions = learning_sessions
        report.learning_participants = learning_participants
        report.notes = notes
        report.submitted_by = by
        report.save()
    existing = {line.category_id: line for line in report.lines.all()}
    for category, (count, value) in lines.items():
        line = existing.pop(category.pk, None)
        if line is None:
            MonthlyReportLine.objects.create(
                report=report,
                category=category,
                transaction_count=int(count),
                transaction_value=int(value),
            )
        elif (line.transaction_count, line.transaction_value) != (int(count), int(value)):
            line.transaction_count, line.transaction_value = int(count), int(value)
            line.save()
    if existing:  # categories left out of a correction count as none
        MonthlyReportLine.objects.filter(pk__in=[line.pk for line in existing.values()]).delete()
    return report, created
