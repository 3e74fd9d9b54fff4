"""The programme's evaluation through a real Celery worker against Redis and the test database:
twice on one day, once after a gap of days, and a pilot metric turning done with one e-mail."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from portal.core.roles import Role
from portal.programme.models import MilestoneStatus, Notification, ProgrammeSnapshot
from portal.programme.services import programme_make_current
from tests.celery_worker import celery_worker
from tests.factories import MilestoneFactory, ProgrammeFactory, UserFactory
from villages.models import District
from villages.services import pilot_decide, pilot_propose

REPO = Path(__file__).resolve().parents[2]
D = datetime.date
START = D(2026, 11, 2)  # Monday, working day 1


@pytest.fixture
def worker(committed_registry, tmp_path):
    """A Celery worker process on the test database, e-mailing into files under tmp_path;
    yields (queue, mail directory)."""
    mail_dir = tmp_path / "mail"
    with celery_worker(
        tmp_path,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    ) as queue:
        yield queue, mail_dir


def run(queue, task, *args):
    return task.apply_async(args=args, queue=queue).get(timeout=120)


def mails(mail_dir: Path) -> list[str]:
    """The messages the worker wrote (the file backend appends them, one file per connection)."""
    if not mail_dir.exists():
        return []
    messages = []
    for path in sorted(mail_dir.iterdir()):
        text = path.read_text()
        messages += [part for part in text.split("-" * 79) if "Subject:" in part]
    return messages


@pytest.mark.worker
def test_real_worker_evaluates_days_fills_gaps_and_notifies_once(worker):
    from portal.programme.tasks import evaluate_programme, send_weekly_digest

    queue, mail_dir = worker

    owner = UserFactory(username="pj-pilot", role=Role.PROVINCIAL_STAFF)
    secretary = UserFactory(username="pj-sk", role=Role.PROVINCIAL_STAFF)
    programme = ProgrammeFactory(name="100 hari (uji worker)", start_date=START)
    programme_make_current(programme=programme)
    decree = MilestoneFactory(
        programme=programme, title="SK Tim Percepatan", due_day=5, responsible_person=secretary
    )
    pilots = MilestoneFactory(
        programme=programme,
        title="Desa percontohan di setiap kecamatan",
        kind="metric",
        metric="pilot_districts",
        due_day=45,
        responsible_person=owner,
    )

    # Twice on the same day: one snapshot, updated.
    first = run(queue, evaluate_programme, programme.pk, "2026-11-04")
    second = run(queue, evaluate_programme, programme.pk, "2026-11-04")
    assert first["snapshots"] == second["snapshots"] == ["2026-11-04"]
    assert ProgrammeSnapshot.objects.filter(programme=programme).count() == 1
    assert second["day_number"] == 3
    assert second["statuses"] == {str(decree.pk): "at_risk", str(pilots.pk): "on_track"}

    # After a gap: 5 to 9 November filled in, 10 November evaluated.
    after = run(queue, evaluate_programme, programme.pk, "2026-11-10")
    assert after["snapshots"] == [f"2026-11-{d:02d}" for d in range(5, 11)]
    snapshots = list(ProgrammeSnapshot.objects.filter(programme=programme).order_by("date"))
    assert len(snapshots) == 7
    assert [s.backfilled for s in snapshots] == [False, True, True, True, True, True, False]
    assert [s.day_number for s in snapshots] == [3, 4, 5, 5, 5, 6, 7]
    assert [s.milestones[str(decree.pk)]["status"] for s in snapshots][-2:] == ["late", "late"]
    assert after["statuses"][str(decree.pk)] == "late"

    # Every kecamatan but one gets a selected pilot; then the last one.
    districts = list(District.objects.order_by("code"))
    for district in districts:
        village = district.villages.order_by("code").first()
        pilot = pilot_propose(village=village, proposed_by="Camat", reason="Siap.", by=owner)
        if district != districts[-1]:
            pilot_decide(pilot=pilot, status="selected", reason="Layak.", by=owner)
    before = run(queue, evaluate_programme, programme.pk, "2026-11-11")
    assert before["statuses"][str(pilots.pk)] != "done"
    last = districts[-1].villages.order_by("code").first().pilot
    pilot_decide(pilot=last, status="selected", reason="Layak.", by=owner)
    done = run(queue, evaluate_programme, programme.pk, "2026-11-12")
    again = run(queue, evaluate_programme, programme.pk, "2026-11-12")
    assert done["statuses"][str(pilots.pk)] == again["statuses"][str(pilots.pk)] == "done"
    assert again["emails"] == 0

    done_notes = Notification.objects.filter(milestone=pilots, new_status="done")
    assert [(n.recipient_id, n.date) for n in done_notes] == [(owner.pk, D(2026, 11, 12))]
    assert done_notes.get().emailed_at is not None
    messages = mails(mail_dir)
    # Each status change of a milestone is e-mailed once to its responsible person: the flat
    # trend after the gap put the pilot milestone at risk, 128 pilots back on track, then done.
    pilot_mails = [m for m in messages if "To: pj-pilot@example.org" in m]
    changes = list(Notification.objects.filter(milestone=pilots).order_by("pk"))
    assert [n.new_status for n in changes] == ["at_risk", "on_track", "done"]
    assert len(pilot_mails) == len(changes)
    # Mails are written in the portal's language (Bahasa Indonesia by default).
    with translation.override(settings.LANGUAGE_CODE):
        done_label = str(MilestoneStatus.DONE.label)
    assert len([m for m in pilot_mails if done_label in m and "12-11-2026" in m]) == 1
    decree_mails = [m for m in messages if "To: pj-sk@example.org" in m]
    assert len(decree_mails) == 2  # at risk (first evaluation), then late

    # The weekly digest goes to the team once.
    digest = run(queue, send_weekly_digest, programme.pk, "2026-11-12")
    repeat = run(queue, send_weekly_digest, programme.pk, "2026-11-13")
    assert digest == {
        "programme": programme.pk,
        "week": "2026-11-09",
        "sent": True,
        "recipients": 2,
    }
    assert repeat["sent"] is False
    assert len(mails(mail_dir)) == len(messages) + 2


@pytest.mark.worker
def test_evaluate_now_from_the_page_runs_on_the_worker_and_keeps_one_snapshot_a_day(
    worker, client, tmp_path
):
    """Staff press "Record the evaluation now" twice: the same task as the daily run, on a real
    worker; the day keeps one snapshot (unique per programme and date), with the live figure."""
    from django.utils import timezone

    from portal.celery import app
    from portal.programme.tasks import evaluate_programme

    queue, _mail_dir = worker
    staff = UserFactory(username="staf-evaluasi", role=Role.PROVINCIAL_STAFF)
    programme = ProgrammeFactory(name="100 hari (evaluasi sekarang)", start_date=START)
    programme_make_current(programme=programme)
    milestone = MilestoneFactory(
        programme=programme, kind="metric", metric="pilot_districts", due_day=45
    )
    client.force_login(staff)
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue  # the page's task goes to this test's worker
    try:
        for _ in range(2):
            response = client.post(f"/programme/{programme.pk}/evaluate/")
            assert response.status_code == 302
    finally:
        app.conf.task_default_queue = default_queue
    # The worker takes its queue in order: when this third run is done, so are the page's two.
    today = timezone.localdate()
    run(queue, evaluate_programme, programme.pk, today.isoformat())
    [snapshot] = ProgrammeSnapshot.objects.filter(programme=programme)
    assert snapshot.date == today
    assert snapshot.milestones[str(milestone.pk)]["target"] == District.objects.count()
    log = (tmp_path / "worker.log").read_text()
    assert log.count("Task portal.tasks.evaluate_programme[") >= 3 * 2  # received, succeeded
    assert log.count("succeeded in") >= 3
