"""Writes of the 100-day programme: programmes, non-working days, milestones, the daily
evaluation, notifications and the weekly digest. Reads and rules live in `calendar`, `metrics`,
`status`; Celery tasks (`tasks`) and the pages call these."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.roles import Role

from .calendar import WorkingCalendar, programme_day
from .metrics import measure
from .models import (
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    NonWorkingDay,
    NonWorkingDayKind,
    Notification,
    Programme,
    ProgrammeDigest,
    ProgrammeSnapshot,
)
from .status import evaluate_status, target_of
from .status import trend_from_snapshots as trend_of


@transaction.atomic
def programme_make_current(*, programme):
    """Make `programme` the current one (the one every page shows); the others stop being."""

    Programme.objects.filter(is_current=True).exclude(pk=programme.pk).update(is_current=False)
    if not programme.is_current:
        programme.is_current = True
        programme.save(update_fields=["is_current", "updated_at"])
    return programme


@transaction.atomic
def non_working_day_add(*, date: datetime.date, name: str, kind: str, source: str = "", by=None):
    """Add a date that is not a working day (a cuti bersama the library does not know yet, a
    regional day off). Every programme's day count follows from the next page view."""

    kind = NonWorkingDayKind(kind)
    if not name.strip():
        raise ValidationError({"name": _("Name the day off.")})
    if date.weekday() >= 5:
        raise ValidationError({"date": _("Weekends are never working days: nothing to add.")})
    if NonWorkingDay.objects.filter(date=date).exists():
        raise ValidationError({"date": _("This date is already listed.")})
    return NonWorkingDay.objects.create(
        date=date, name=name.strip(), kind=kind, source=source.strip(), created_by=by
    )


def non_working_day_remove(*, day) -> None:
    day.delete()


@transaction.atomic
def milestone_record(
    *,
    milestone,
    done_on: datetime.date,
    by,
    evidence_file=None,
    evidence_url: str = "",
    note: str = "",
):
    """Record a manual milestone as done on `done_on`, with a document or a link as evidence;
    the programme is evaluated again for today, so its status (and notifications) follow."""

    # Lock the programme first, as the evaluation does, then the milestone.
    Programme.objects.select_for_update().get(pk=milestone.programme_id)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.kind != MilestoneKind.MANUAL:
        raise ValidationError(_("A measured milestone is done when its figure reaches the target."))
    if not evidence_file and not evidence_url.strip() and not milestone.has_evidence:
        raise ValidationError(_("Give the evidence: upload the document or give a link to it."))
    today = timezone.localdate()
    if done_on > today:
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    milestone.done_on = done_on
    if evidence_file:
        milestone.evidence_file = evidence_file
    if evidence_url.strip():
        milestone.evidence_url = evidence_url.strip()
    milestone.evidence_note = note.strip()
    milestone.recorded_by = by
    milestone.recorded_at = timezone.now()
    milestone.save()
    programme_evaluate(programme=milestone.programme, on=today)
    milestone.refresh_from_db()
    return milestone


def programme_team():
    """The team that receives the weekly digest, and the notifications of milestones without a
    responsible person: active users with the Provincial staff role and an e-mail address."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.PROVINCIAL_STAFF.value)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


class _Day:
    """A day's row while evaluating: what trend_from_snapshots reads from a snapshot."""

    def __init__(self, day_number, milestones):
        self.day_number = day_number
        self.milestones = milestones


@transaction.atomic
def programme_evaluate(*, programme, on: datetime.date) -> list:
    """Evaluate every milestone of `programme` on `on` and store that day's snapshot.

    Idempotent: the snapshot is an upsert on (programme, date), so a second run on a day updates
    it. Days missed since the last snapshot are filled in (`backfilled`, with the last measured
    values carried forward and each day's status computed for that day's working-day number).
    When `on` is the latest evaluated day, each milestone keeps its new status, and a change of
    status creates one notification per recipient (unique per milestone, recipient, day and
    status; `notifications_email_pending` e-mails them). Returns the snapshots written.
    """

    # One evaluation of a programme at a time (the beat, a retry and a recorded milestone).
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    calendar = WorkingCalendar.for_programme(programme)
    milestones = list(programme.milestones.select_related("responsible_person").order_by("pk"))
    day = calendar.day_number(on)
    previous = programme.snapshots.filter(date__lt=on).order_by("-date").first()
    window = settings.PROGRAMME_TREND_DAYS
    history = [
        _Day(s.day_number, s.milestones)
        for s in programme.snapshots.filter(date__lt=on, day_number__gte=day - window).order_by(
            "date"
        )
    ]

    gaps = []
    if previous is not None:
        gap = previous.date + datetime.timedelta(days=1)
        while gap < on:
            gaps.append(gap)
            gap += datetime.timedelta(days=1)
    live = measure(m.metric for m in milestones if m.kind == MilestoneKind.METRIC)
    carried = previous.milestones if previous is not None else {}
    now = timezone.now()
    rows = []
    for date in [*gaps, on]:
        number = calendar.day_number(date)
        backfilled = date != on
        figures = {}
        for milestone in milestones:
            if milestone.kind == MilestoneKind.METRIC:
                if backfilled:
                    old = carried.get(str(milestone.pk)) or {}
                    value, target = old.get("value"), old.get("target")
                else:
                    value, natural = live[milestone.metric]
                    target = target_of(milestone, natural)
                trend = trend_of(history, milestone.pk, number, value)
            else:
                value, target, trend = None, None, None
            status = evaluate_status(
                milestone=milestone, day=number, on=date, value=value, target=target, trend=trend
            )
            figures[str(milestone.pk)] = {"status": status, "value": value, "target": target}
        history.append(_Day(number, figures))
        counts = dict.fromkeys(MilestoneStatus.values, 0)
        for row in figures.values():
            counts[row["status"]] += 1
        rows.append(
            ProgrammeSnapshot(
                programme=programme,
                date=date,
                day_number=number,
                is_working_day=calendar.is_working_day(date),
                milestones=figures,
                backfilled=backfilled,
                evaluated_at=now,
                **counts,
            )
        )
    ProgrammeSnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["programme", "date"],
        update_fields=[
            "day_number",
            "is_working_day",
            "milestones",
            "backfilled",
            "evaluated_at",
            *MilestoneStatus.values,
        ],
    )
    if programme.snapshots.filter(date__gt=on).exists():
        return rows  # a past day re-evaluated: the milestones keep their latest state

    team = None
    notifications = []
    latest = rows[-1].milestones
    for milestone in milestones:
        row = latest[str(milestone.pk)]
        old = milestone.status
        if old != row["status"] and not (old == "" and row["status"] == MilestoneStatus.ON_TRACK):
            if milestone.responsible_person and milestone.responsible_person.is_active:
                recipients = [milestone.responsible_person]
            else:
                team = team if team is not None else list(programme_team())
                recipients = team
            notifications += [
                Notification(
                    recipient=user,
                    milestone=milestone,
                    date=on,
                    old_status=old,
                    new_status=row["status"],
                )
                for user in recipients
            ]
        milestone.status = row["status"]
        milestone.value = row["value"]
        milestone.target_value = row["target"]
        milestone.evaluated_on = on
    Milestone.objects.bulk_update(milestones, ["status", "value", "target_value", "evaluated_on"])
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    return rows


def _portal_link(path: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + path


def notifications_email_pending(*, limit: int = 500) -> int:
    """E-mail the notifications not e-mailed yet, each in its own transaction with its row locked
    (skip_locked), so concurrent or repeated runs never send one twice. Returns how many."""

    sent = 0
    for pk in list(
        Notification.objects.filter(emailed_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    ):
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("milestone__programme", "recipient")
                .filter(pk=pk, emailed_at__isnull=True)
                .first()
            )
            if notification is None:
                continue
            milestone = notification.milestone
            if notification.recipient.email:
                day = programme_day(milestone.programme, notification.date)
                figure = ""
                if milestone.value is not None:
                    figure = _("Figure: %(value)s of %(target)s.\n") % {
                        "value": milestone.value,
                        "target": milestone.target_value,
                    }
                send_mail(
                    subject=_("[Programme] %(title)s: %(status)s")
                    % {"title": milestone.title, "status": notification.get_new_status_display()},
                    message=_(
                        "The milestone “%(title)s” (%(unit)s, due on working day %(due)d) "
                        "changed from %(old)s to %(new)s on %(date)s, working day %(day)d of "
                        "%(length)d.\n%(figure)s\n%(link)s\n"
                    )
                    % {
                        "title": milestone.title,
                        "unit": milestone.responsible_unit,
                        "due": milestone.due_day,
                        "old": notification.get_old_status_display() or _("not evaluated"),
                        "new": notification.get_new_status_display(),
                        "date": notification.date.strftime("%d-%m-%Y"),
                        "day": day.shown_number,
                        "length": day.length,
                        "figure": figure,
                        "link": _portal_link(milestone.get_absolute_url()),
                    },
                    from_email=None,
                    recipient_list=[notification.recipient.email],
                )
                sent += 1
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
    return sent


def notifications_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of `user`'s notifications (or all of them) as read."""

    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        queryset = queryset.filter(pk=pk)
    return queryset.update(read_at=timezone.now())


def weekly_digest_send(*, programme, week: datetime.date):
    """E-mail the team the programme's week: day n of the length, the milestones at risk or
    late, those done. Once per programme and week (unique constraint); returns the digest, or
    None when it had already been sent."""

    with transaction.atomic():
        digest, _created = ProgrammeDigest.objects.get_or_create(programme=programme, week=week)
        digest = ProgrammeDigest.objects.select_for_update().get(pk=digest.pk)
        if digest.sent_at is not None:
            return None
        today = timezone.localdate()
        milestones = list(programme.milestones.order_by("due_day", "pk"))
        context = {
            "programme": programme,
            "day": programme_day(programme, today),
            "week": week,
            "late": [m for m in milestones if m.status == MilestoneStatus.LATE],
            "at_risk": [m for m in milestones if m.status == MilestoneStatus.AT_RISK],
            "done": [m for m in milestones if m.status == MilestoneStatus.DONE],
            "on_track": [m for m in milestones if m.status == MilestoneStatus.ON_TRACK],
            "link": _portal_link(programme.get_absolute_url()),
        }
        body = render_to_string("portal/programme/digest_email.txt", context)
        subject = _("[Programme] Week of %(week)s: working day %(day)d of %(length)d") % {
            "week": week.strftime("%d-%m-%Y"),
            "day": context["day"].shown_number,
            "length": programme.length_working_days,
        }
        team = list(programme_team())
        messages = [EmailMessage(subject, body, None, [user.email]) for user in team]
        get_connection().send_messages(messages)
        digest.sent_at = timezone.now()
        digest.recipients = len(team)
        digest.save(update_fields=["sent_at", "recipients"])
        return digest
