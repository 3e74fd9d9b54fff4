"""Writes with business rules in the portal app: API tokens, organisations and user
invitations."""

import datetime

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import ApiToken, ApiTokenAccess, Organisation, Profile
from .roles import PROVINCE_WIDE, Role, grantable_roles, user_role
from .scopes import grant_scope_errors, scoped


@transaction.atomic
def api_token_create(*, user, name: str, access: str, valid_days: int) -> tuple[ApiToken, str]:
    """Create a named token for `user`; returns the token and its secret, which is never stored
    and must be shown to the user once."""
    access = ApiTokenAccess(access)
    if not 1 <= valid_days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"valid_days": _("Between 1 and %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS}}
        )
    if ApiToken.objects.filter(user=user, name=name).exists():
        raise ValidationError({"name": _("You already have a token with this name.")})
    prefix, secret = ApiToken.generate()
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                user=user,
                name=name,
                prefix=prefix,
                digest=ApiToken.hash(secret),
                access=access,
                expires_at=timezone.now() + datetime.timedelta(days=valid_days),
            )
    except IntegrityError as exc:  # a prefix collision: vanishingly rare, ask to retry
        raise ValidationError(_("Could not create the token; try again.")) from exc
    return token, secret


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token now; it answers 401 from the next request on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


# --- Organisations -----------------------------------------------------------------------------

#: What a partner member may change on their own organisation. Its name, kind and active flag say
#: who the partner is and whether it takes part: provincial staff change those.
ORGANISATION_CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
ORGANISATION_STAFF_FIELDS = ("name", "kind", "is_active")


@transaction.atomic
def organisation_save(*, by, organisation: Organisation | None = None, **fields) -> Organisation:
    """Create an organisation, or change `organisation` with `fields`. Provincial staff (and
    admins, commands: `by=None`) set every field; anyone else changes only the contact fields of
    an organisation in their scope: a change to another field is refused, naming the field
    (sending its current value again is fine, as a PUT does)."""
    unknown = set(fields) - {*ORGANISATION_CONTACT_FIELDS, *ORGANISATION_STAFF_FIELDS}
    if unknown:
        raise ValueError(f"unknown organisation fields: {sorted(unknown)}")
    staff = by is None or user_role(by) in PROVINCE_WIDE
    if not staff:
        if organisation is None:
            raise PermissionDenied(_("Only provincial staff add organisations."))
        if not scoped(Organisation.objects.filter(pk=organisation.pk), by).exists():
            raise PermissionDenied(_("This organisation is outside your scope."))
        refused = {
            key: _("Only provincial staff may change this.")
            for key in ORGANISATION_STAFF_FIELDS
            if key in fields and fields[key] != getattr(organisation, key)
        }
        if refused:
            raise ValidationError(refused)
    organisation = organisation or Organisation()
    for key, value in fields.items():
        setattr(organisation, key, value)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def user_invite(
    *,
    username: str,
    email: str,
    role: str,
    by,
    base_url: str,
    first_name: str = "",
    last_name: str = "",
    regencies=(),
    organisation: Organisation | None = None,
):
    """Create a user with a role and scope, without a usable password, and e-mail them a link to
    choose one (the password-reset confirmation page).

    `by` grants only a role of `portal.roles.grantable_roles(by)` and a scope within their own
    (`portal.scopes.grant_scope_errors`): a forged request for more is refused here.
    """
    if role not in grantable_roles(by):
        raise ValidationError({"role": _("You may not grant this role.")})
    role = Role(role)
    scope_errors = grant_scope_errors(by, role=role, regencies=regencies, organisation=organisation)
    if scope_errors:
        raise ValidationError(scope_errors)
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail already exists.")})
    if role == Role.PARTNER and organisation is None:
        raise ValidationError({"organisation": _("A partner member belongs to an organisation.")})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == Role.ADMIN,
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=role.value))
    profile = Profile.objects.create(
        user=user, organisation=organisation if role == Role.PARTNER else None
    )
    if role in (Role.OFFICER, Role.SUPERVISOR) and regencies:
        profile.regencies.set(regencies)
    link = base_url.rstrip("/") + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    inviter = by.get_full_name() or by.username
    send_mail(
        subject=_("Invitation to the Bengkulu village digital economy portal"),
        message=_(
            "%(inviter)s has invited you to the portal of Tim Percepatan Ekonomi Digital Desa "
            "as %(role)s.\n\nYour username: %(username)s\nChoose your password here (the link "
            "works for three days):\n%(link)s\n"
        )
        % {"inviter": inviter, "role": role.label, "username": username, "link": link},
        from_email=None,
        recipient_list=[email],
    )
    return user


def login_failures_clear(*, user) -> int:
    """Forget the failed logins counted for `user`'s account from every address (after a
    completed password reset: whoever chose the new password owns the account). Failures from an
    address against other accounts still count for that address. Returns the records removed."""
    return axes_reset(username=user.get_username())


# --- The 100-day programme ---------------------------------------------------------------------
# Reads and rules live in portal.programme; these are its writes. Celery tasks (portal.tasks) and
# the pages call them.


@transaction.atomic
def programme_make_current(*, programme):
    """Make `programme` the current one (the one every page shows); the others stop being."""
    from .models import Programme

    Programme.objects.filter(is_current=True).exclude(pk=programme.pk).update(is_current=False)
    if not programme.is_current:
        programme.is_current = True
        programme.save(update_fields=["is_current", "updated_at"])
    return programme


@transaction.atomic
def non_working_day_add(*, date: datetime.date, name: str, kind: str, source: str = "", by=None):
    """Add a date that is not a working day (a cuti bersama the library does not know yet, a
    regional day off). Every programme's day count follows from the next page view."""
    from .models import NonWorkingDay, NonWorkingDayKind

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
    from .models import Milestone, MilestoneKind, Programme

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
    from .models import (
        Milestone,
        MilestoneKind,
        MilestoneStatus,
        Notification,
        Programme,
        ProgrammeSnapshot,
    )
    from .programme import WorkingCalendar, evaluate_status, measure, target_of
    from .programme import trend_from_snapshots as trend_of

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
    from .models import Notification
    from .programme import programme_day

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
    from .models import Notification

    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        queryset = queryset.filter(pk=pk)
    return queryset.update(read_at=timezone.now())


def weekly_digest_send(*, programme, week: datetime.date):
    """E-mail the team the programme's week: day n of the length, the milestones at risk or
    late, those done. Once per programme and week (unique constraint); returns the digest, or
    None when it had already been sent."""
    from django.core.mail import EmailMessage, get_connection
    from django.template.loader import render_to_string

    from .models import MilestoneStatus, ProgrammeDigest
    from .programme import programme_day

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
