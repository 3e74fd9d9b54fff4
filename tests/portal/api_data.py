"""A small, realistic data set for whole-API tests (schemathesis): organisations, kiosks with
offerings, check-ins and reports, coverage surveys in each review state, pilots and a programme
with milestones and a snapshot; and a partner, an officer and a staff user, each with a
read-write API token. Made through the services, as the portal makes them."""

import datetime

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from payments.catalogue import seed as seed_catalogue
from payments.models import Provider, ServiceCategory
from payments.services import offering_save
from portal.accounts import services as account_services
from portal.accounts.models import OrganisationKind
from portal.core.roles import Role, sync_roles
from portal.programme import services as programme_services
from portal.programme.models import Milestone, Programme
from villages import services as village_services
from villages.models import Village
from warkop import services as warkop_services

from ..coverage.factories import OTHER_REGENCY_VILLAGE, VILLAGE, make_survey
from ..coverage.factories import measurement as survey_measurement
from ..factories import MilestoneFactory, OrganisationFactory, ProgrammeFactory, UserFactory
from ..warkop.factories import WarkopFactory

ROLES = ("partner", "officer", "staff")


def populate() -> dict[str, str]:
    """Make the data set; returns the secret of a read-write token per role in ROLES."""
    sync_roles(Group, Permission)
    seed_catalogue(ServiceCategory, Provider)  # a transactional test may have emptied it
    own = OrganisationFactory(name="PT Warkop Mitra", contact_email="mitra@example.org")
    other = OrganisationFactory(name="Bank Lain", kind=OrganisationKind.BANK)
    partner = UserFactory(username="api-mitra", role=Role.PARTNER, scope__organisation=own)
    officer = UserFactory(username="api-petugas", role=Role.OFFICER, scope__regencies=["17.01"])
    supervisor = UserFactory(username="api-supervisor", role=Role.SUPERVISOR)
    staff = UserFactory(username="api-staf", role=Role.PROVINCIAL_STAFF)

    pln = ServiceCategory.objects.get(code="pln_token")
    now = timezone.now()
    kiosks = [
        WarkopFactory(organisation=own, village=_village(VILLAGE)),
        WarkopFactory(organisation=own, village=_village("17.71.01.1001")),
        WarkopFactory(organisation=other, village=_village(OTHER_REGENCY_VILLAGE)),
        WarkopFactory(organisation=None, village=_village("17.01.02.2001")),
    ]
    for kiosk in kiosks:
        offering_save(
            warkop=kiosk,
            category=pln,
            provider=Provider.objects.get(code="pln"),
            fee=2500,
            hours="08-21",
            by=staff,
        )
        warkop_services.checkin_record(
            warkop=kiosk,
            kind="visited",
            by=staff,
            checked_in_at=now - datetime.timedelta(days=1),
            note="Buka",
        )
        warkop_services.report_submit(
            warkop=kiosk,
            month=timezone.localdate().replace(day=1) - datetime.timedelta(days=1),
            lines={pln: (12, 300_000)},
            learning_sessions=2,
            learning_participants=15,
            by=staff,
        )

    pending = make_survey(officer)
    verified = make_survey(officer, measurements=[survey_measurement(down="12.5", up="3.25")])
    rejected = make_survey(officer, fibre_provider="", fibre_distance_m=None)
    make_survey(supervisor, village=OTHER_REGENCY_VILLAGE)
    from coverage import services as coverage_services

    coverage_services.survey_review(survey=verified, status="verified", reason="", by=supervisor)
    coverage_services.survey_review(
        survey=rejected, status="rejected", reason="Lokasi salah", by=supervisor
    )
    assert pending.review_status == "pending"

    pilot = village_services.pilot_propose(
        village=_village(VILLAGE), proposed_by="Camat", reason="Dekat pasar", by=staff
    )
    village_services.pilot_decide(pilot=pilot, status="selected", reason="Siap", by=staff)
    village_services.pilot_propose(
        village=_village("17.71.01.1001"), proposed_by="Camat", reason="Usulan", by=staff
    )

    if not Programme.objects.filter(is_current=True).exists():
        programme = ProgrammeFactory(start_date=timezone.localdate() - datetime.timedelta(days=20))
        programme_services.programme_make_current(programme=programme)
    programme = Programme.objects.get(is_current=True)
    if not programme.milestones.exists():
        MilestoneFactory(programme=programme)
        MilestoneFactory(programme=programme, kind="metric", metric="pilot_districts", target=10)
    done = Milestone.objects.filter(programme=programme, kind="manual").first()
    programme_services.milestone_record(
        milestone=done,
        done_on=timezone.localdate(),
        by=staff,
        evidence_url="https://example.org/sk.pdf",
    )

    tokens = {}
    for role, user in (("partner", partner), ("officer", officer), ("staff", staff)):
        _token, secret = account_services.api_token_create(
            user=user, name="schemathesis", access="read_write", valid_days=1
        )
        tokens[role] = secret
    return tokens


def _village(code: str) -> Village:
    return Village.objects.defer("boundary").get(code=code)
