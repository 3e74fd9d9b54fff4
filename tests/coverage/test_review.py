"""Review: supervisors verify or reject (with a reason); only verified surveys count."""

import pytest
from django.core.exceptions import ValidationError

from coverage import services
from coverage.models import MapCell, ReviewStatus, VillageConnectivity
from coverage.selectors import with_connectivity
from villages.models import Village

from .factories import VILLAGE, make_survey

pytestmark = pytest.mark.django_db


def status_of(code=VILLAGE):
    return with_connectivity(Village.objects.filter(code=code)).get().connectivity


def test_pending_surveys_do_not_count(officer):
    make_survey(officer)
    assert status_of() == "no_data"
    assert not MapCell.objects.exists()


def test_verify_then_reject_with_reason(officer, supervisor):
    survey = make_survey(officer)
    services.survey_review(survey=survey, status="verified", reason="", by=supervisor)
    survey.refresh_from_db()
    assert survey.review_status == ReviewStatus.VERIFIED
    assert survey.reviewed_by == supervisor
    assert status_of() == "single_operator"
    assert VillageConnectivity.objects.get(village_id=VILLAGE).survey_count == 1
    assert MapCell.objects.filter(count=1).count() > 0
    with pytest.raises(ValidationError):
        services.survey_review(survey=survey, status="rejected", reason="", by=supervisor)
    services.survey_review(
        survey=survey, status="rejected", reason="Posisi di luar desa.", by=supervisor
    )
    survey.refresh_from_db()
    assert survey.review_status == ReviewStatus.REJECTED
    assert survey.review_reason == "Posisi di luar desa."
    assert status_of() == "no_data"
    assert not MapCell.objects.exists()


def test_rejection_needs_a_reason_and_nobody_reviews_their_own(officer, supervisor):
    survey = make_survey(officer)
    with pytest.raises(ValidationError):
        services.survey_review(survey=survey, status="rejected", reason=" ", by=supervisor)
    own = make_survey(supervisor)
    with pytest.raises(ValidationError):
        services.survey_review(survey=own, status="verified", reason="", by=supervisor)
    services.survey_review(survey=survey, status="verified", reason="", by=supervisor)
    with pytest.raises(ValidationError):
        services.survey_review(survey=survey, status="verified", reason="lagi", by=supervisor)


def test_review_page_and_api(officer, supervisor, staff_user, client):
    survey = make_survey(officer)
    client.force_login(officer)
    page = client.get(survey.get_absolute_url())
    assert page.status_code == 200
    assert (
        client.post(f"{survey.get_absolute_url()}review/", {"status": "verified"}).status_code
        == 403
    )
    client.force_login(staff_user)
    assert (
        client.post(f"{survey.get_absolute_url()}review/", {"status": "verified"}).status_code
        == 403
    )
    client.force_login(supervisor)
    response = client.post(f"{survey.get_absolute_url()}review/", {"status": "rejected"})
    assert response.status_code == 400
    assert "alasan" in response.content.decode().lower()
    response = client.post(f"{survey.get_absolute_url()}review/", {"status": "verified"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.review_status == "verified"
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(supervisor)
    response = api.post(
        f"/api/v1/surveys/{survey.client_uuid}/review/",
        {"status": "rejected", "reason": "Duplikat"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["review_status"] == "rejected"
    api.force_login(officer)
    assert (
        api.post(
            f"/api/v1/surveys/{survey.client_uuid}/review/", {"status": "verified"}, format="json"
        ).status_code
        == 403
    )
