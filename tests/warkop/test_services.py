"""Business rules of kiosks: status transitions, location in the province, check-ins and the stale
rule, monthly reports and their corrections, offering expiry and photo checks."""

import datetime
import io

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from pghistory.models import Events
from PIL import Image

from payments.models import ServiceCategory
from portal.core.roles import Role
from tests.factories import OrganisationFactory, UserFactory
from warkop.models import CheckInKind, Warkop, WarkopStatus
from warkop.services import (
    checkin_record,
    point_from_lat_lng,
    report_submit,
    warkop_add_photo,
    warkop_change_status,
    warkop_create,
    warkop_mark_stale,
    warkop_update,
)

from .factories import WarkopFactory, near, village

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(role=Role.PROVINCIAL_STAFF)


def new_kiosk(by, **kwargs):
    v = village()
    return warkop_create(
        village=v,
        name=kwargs.pop("name", "Warkop Baru"),
        owner_name="Bu Sari",
        location=near(v),
        by=by,
        **kwargs,
    )


def test_create_records_the_first_status_row(staff):
    kiosk = new_kiosk(staff)
    assert kiosk.status == WarkopStatus.PROPOSED
    assert [(c.from_status, c.to_status) for c in kiosk.status_changes.all()] == [("", "proposed")]


def test_location_outside_the_province_is_refused(staff):
    v = village()
    with pytest.raises(ValidationError) as error:
        warkop_create(
            village=v,
            name="Di Jakarta",
            owner_name="X",
            location=Point(106.8456, -6.2088, srid=4326),
            by=staff,
        )
    assert "location" in error.value.message_dict
    kiosk = new_kiosk(staff)
    with pytest.raises(ValidationError):
        warkop_update(warkop=kiosk, location=Point(101.45, 0.5, srid=4326), by=staff)  # Riau


def test_points_are_built_with_a_fixed_srid():
    point = point_from_lat_lng("-3.79", "102.26")
    assert (point.srid, round(point.x, 2), round(point.y, 2)) == (4326, 102.26, -3.79)
    for bad in (("x", "1"), ("91", "0"), ("0", "181")):
        with pytest.raises(ValidationError):
            point_from_lat_lng(*bad)


def test_only_allowed_transitions_with_dated_history(staff):
    kiosk = new_kiosk(staff)
    with pytest.raises(ValidationError):
        warkop_change_status(warkop=kiosk, status="operational", reason="too early", by=staff)
    with pytest.raises(ValidationError):
        warkop_change_status(warkop=kiosk, status="preparing", reason="  ", by=staff)
    for status in ("preparing", "operational", "suspended", "operational", "closed"):
        kiosk = warkop_change_status(warkop=kiosk, status=status, reason=f"to {status}", by=staff)
    assert kiosk.status == WarkopStatus.CLOSED
    with pytest.raises(ValidationError):
        warkop_change_status(warkop=kiosk, status="operational", reason="reopen", by=staff)
    rows = list(kiosk.status_changes.order_by("id"))
    assert [r.to_status for r in rows] == [
        "proposed",
        "preparing",
        "operational",
        "suspended",
        "operational",
        "closed",
    ]
    assert all(r.changed_on == timezone.localdate() and r.changed_by == staff for r in rows[1:])
    with pytest.raises(ValidationError):
        warkop_change_status(
            warkop=WarkopFactory(status="preparing"),
            status="operational",
            reason="r",
            by=staff,
            changed_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_partners_manage_only_their_organisation(staff):
    org = OrganisationFactory()
    partner = UserFactory(role=Role.PARTNER, scope__organisation=org)
    kiosk = new_kiosk(partner, organisation=None)
    assert kiosk.organisation == org  # a partner records kiosks of their own organisation
    with pytest.raises(PermissionDenied):
        new_kiosk(partner, name="Lain", organisation=OrganisationFactory())
    other = WarkopFactory(organisation=OrganisationFactory())
    with pytest.raises(PermissionDenied):
        warkop_update(warkop=other, by=partner, name="Rebut")
    with pytest.raises(PermissionDenied):
        checkin_record(warkop=other, kind=CheckInKind.ONLINE, by=partner)


def test_stale_rule_and_check_in_clears_it(settings):
    settings.WARKOP_STALE_DAYS = 14
    now = timezone.now()
    old = WarkopFactory(last_check_in_at=now - datetime.timedelta(days=20))
    fresh = WarkopFactory(last_check_in_at=now - datetime.timedelta(days=3))
    never = WarkopFactory(status_changed_on=timezone.localdate() - datetime.timedelta(days=30))
    new = WarkopFactory(status_changed_on=timezone.localdate())
    paused = WarkopFactory(
        status=WarkopStatus.SUSPENDED, last_check_in_at=now - datetime.timedelta(days=60)
    )
    assert warkop_mark_stale() == 2
    assert warkop_mark_stale() == 0  # idempotent
    stale = set(Warkop.objects.filter(is_stale=True).values_list("pk", flat=True))
    assert stale == {old.pk, never.pk}
    assert fresh.pk not in stale and new.pk not in stale and paused.pk not in stale
    checkin_record(warkop=old, kind=CheckInKind.VISITED, note="buka", by=None)
    old.refresh_from_db()
    assert (old.is_stale, old.stale_since) == (False, None)
    settings.WARKOP_STALE_DAYS = 2
    assert warkop_mark_stale() == 1  # `fresh` is now past the shorter limit


def test_report_rules_and_corrections_keep_earlier_figures(staff):
    kiosk = WarkopFactory()
    pln = ServiceCategory.objects.get(code="pln_token")
    pulsa = ServiceCategory.objects.get(code="pulsa")
    month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=15)
    report, created = report_submit(
        warkop=kiosk,
        month=month,
        lines={pln: (10, 500_000), pulsa: (4, 100_000)},
        learning_sessions=3,
        learning_participants=25,
        by=staff,
    )
    assert created and report.month.day == 1
    assert (report.transaction_count, report.transaction_value) == (14, 600_000)
    report, created = report_submit(
        warkop=kiosk,
        month=month,
        lines={pln: (12, 650_000)},
        learning_sessions=4,
        learning_participants=25,
        by=staff,
    )
    assert not created and kiosk.reports.count() == 1
    assert (report.transaction_count, report.transaction_value) == (12, 650_000)
    line_events = Events.objects.filter(pgh_obj_model="warkop.MonthlyReportLine")
    assert line_events.filter(pgh_label="update", pgh_data__transaction_value=650_000).exists()
    assert line_events.filter(pgh_label="insert", pgh_data__transaction_value=500_000).exists()
    assert Events.objects.filter(
        pgh_obj_model="warkop.MonthlyReport", pgh_label="update", pgh_data__learning_sessions=4
    ).exists()
    with pytest.raises(ValidationError):
        report_submit(warkop=kiosk, month=month, lines={pln: (-1, 0)}, by=staff)
    with pytest.raises(ValidationError):
        report_submit(warkop=kiosk, month=month, lines={}, learning_sessions=-2, by=staff)
    next_month = timezone.localdate().replace(day=28) + datetime.timedelta(days=5)
    with pytest.raises(ValidationError):
        report_submit(warkop=kiosk, month=next_month, lines={}, by=staff)


def test_a_new_report_for_a_month_with_one_is_refused_in_words(staff):
    kiosk = WarkopFactory()
    month = timezone.localdate().replace(day=1)
    report, created = report_submit(warkop=kiosk, month=month, lines={}, by=staff, only_new=True)
    assert created
    with pytest.raises(ValidationError) as refused:
        report_submit(
            warkop=kiosk, month=month, lines={}, by=staff, learning_sessions=3, only_new=True
        )
    assert list(refused.value.message_dict) == ["month"]
    report.refresh_from_db()
    assert report.learning_sessions == 0  # nothing written
    corrected, created = report_submit(
        warkop=kiosk, month=month, lines={}, by=staff, learning_sessions=3
    )
    assert not created and corrected.learning_sessions == 3


def _image(fmt="PNG", size=(20, 20)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, fmt)
    return buffer.getvalue()


def test_photos_are_checked_by_content_and_size(staff, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    kiosk = WarkopFactory()
    photo = warkop_add_photo(
        warkop=kiosk, image=SimpleUploadedFile("a.png", _image(), "image/png"), by=staff
    )
    assert photo.pk
    fake = SimpleUploadedFile("evil.jpg", b"<?php echo 1; ?>" * 10, "image/jpeg")
    with pytest.raises(ValidationError):
        warkop_add_photo(warkop=kiosk, image=fake, by=staff)
    gif = SimpleUploadedFile("x.png", _image("GIF"), "image/png")
    with pytest.raises(ValidationError):
        warkop_add_photo(warkop=kiosk, image=gif, by=staff)
    settings.WARKOP_PHOTO_MAX_MB = 0
    with pytest.raises(ValidationError):
        warkop_add_photo(
            warkop=kiosk, image=SimpleUploadedFile("b.png", _image(), "image/png"), by=staff
        )


def test_check_in_times_are_bounded_to_the_recent_past(staff, settings):
    settings.CHECKIN_MAX_AGE_DAYS = 7
    kiosk = WarkopFactory()
    now = timezone.now()
    for when, words in [
        (datetime.datetime(2019, 6, 1, 9, tzinfo=datetime.UTC), "more than 7 days old"),
        (now - datetime.timedelta(days=7, minutes=1), "more than 7 days old"),
        (now + datetime.timedelta(minutes=6), "in the future"),
        (now + datetime.timedelta(days=365), "in the future"),
    ]:
        with pytest.raises(ValidationError) as refused, translation.override("en"):
            checkin_record(warkop=kiosk, kind=CheckInKind.VISITED, by=staff, checked_in_at=when)
        assert any(words in m for m in refused.value.message_dict["checked_in_at"])
    assert not kiosk.check_ins.exists()
    kiosk.refresh_from_db()
    assert kiosk.last_check_in_at is None  # nothing half-written
    # within the window, and a phone clock a few minutes fast, are fine
    for when in (now - datetime.timedelta(days=6, hours=23), now + datetime.timedelta(minutes=4)):
        checkin_record(warkop=kiosk, kind=CheckInKind.VISITED, by=staff, checked_in_at=when)
    assert kiosk.check_ins.count() == 2
    settings.CHECKIN_MAX_AGE_DAYS = 30  # the window is a setting
    checkin_record(
        warkop=kiosk,
        kind=CheckInKind.ONLINE,
        by=staff,
        checked_in_at=now - datetime.timedelta(days=20),
    )
    # commands (the sample data) may record older check-ins, never future ones
    checkin_record(
        warkop=kiosk,
        kind=CheckInKind.VISITED,
        by=None,
        checked_in_at=now - datetime.timedelta(days=40),
    )
    with pytest.raises(ValidationError):
        checkin_record(
            warkop=kiosk,
            kind=CheckInKind.VISITED,
            by=None,
            checked_in_at=now + datetime.timedelta(hours=1),
        )
