"""Pages of the 100-day programme (namespace `programme`): the programme with its timeline and
burn-up charts, milestones, recording a manual milestone, non-working days, notifications.

Every page costs a constant number of queries whatever the number of milestones, snapshots or
notifications (asserted in tests/portal/test_programme_pages.py).
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from portal.core.decorators import permission_page
from portal.core.exports import export_response

from . import exports, services
from .calendar import WorkingCalendar, programme_day
from .charts import burn_ups, timeline
from .forms import MilestoneForm, MilestoneRecordForm, NonWorkingDayForm, ProgrammeForm
from .metrics import sample_kiosks
from .models import (
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    NonWorkingDay,
    Notification,
    Programme,
)
from .status import apply_live
from .tasks import evaluate_programme


def programme_summary(programme: Programme, on: datetime.date | None = None) -> dict:
    """Day n of the length, the end date and the milestones by status, live: what the dashboard
    and every programme page show. The statuses and figures are computed now from live data
    (`status.apply_live`); the daily snapshot of the evaluation stays the record. A constant
    number of queries: milestones, non-working days, recent snapshots, one per metric."""
    on = on or timezone.localdate()
    calendar = WorkingCalendar.for_programme(programme)
    day = programme_day(programme, on, calendar)
    milestones = list(
        programme.milestones.select_related("responsible_person").order_by("due_day", "pk")
    )
    recent = list(
        programme.snapshots.filter(
            date__lt=on, day_number__gte=day.number - settings.PROGRAMME_TREND_DAYS
        )
        .order_by("date")
        .only("programme_id", "date", "day_number", "milestones")
    )
    apply_live(milestones, day=day.number, on=on, snapshots=recent)
    for milestone in milestones:
        milestone.due_date = calendar.date_of(milestone.due_day)
        milestone.days_left = milestone.due_day - day.number
    return {
        "programme": programme,
        "day": day,
        "calendar": calendar,
        "milestones": milestones,
        "attention": [
            m for m in milestones if m.status in (MilestoneStatus.LATE, MilestoneStatus.AT_RISK)
        ],
        "counts": {
            status: sum(1 for m in milestones if m.status == status)
            for status in MilestoneStatus.values
        },
        "not_evaluated": sum(1 for m in milestones if not m.status),
        "sample_kiosks": sample_kiosks(),
    }


def dashboard_programme(user) -> dict | None:
    """The staff landing page's programme section: the current programme's day n and its
    milestones at risk or late (None for users who may not read the programme)."""
    if not user.has_perm("programme.view_programme"):
        return None
    programme = Programme.objects.current().first()
    if programme is None:
        return {"programme": None}
    return programme_summary(programme)


@permission_page("programme.view_programme")
def overview(request):
    """The current programme, or the list when none is current."""
    programme = Programme.objects.current().first()
    if programme is None:
        messages.info(request, _("No programme is current: choose one."))
        return redirect("programme:list")
    return _detail(request, programme)


@permission_page("programme.view_programme")
def detail(request, pk):
    return _detail(request, get_object_or_404(Programme, pk=pk))


def _detail(request, programme):
    context = programme_summary(programme)
    calendar, day = context["calendar"], context["day"]
    snapshots = list(
        programme.snapshots.order_by("date").only(
            "programme_id", "date", "day_number", "milestones", "backfilled"
        )
    )
    last = snapshots[-1] if snapshots else None
    context.update(
        {
            "timeline": timeline(programme, context["milestones"], day.number, calendar),
            "charts": burn_ups(programme, context["milestones"], snapshots, day.number, calendar),
            "last_snapshot": last,
            "snapshot_count": len(snapshots),
            "non_working_days": calendar.non_working_days(day.start, day.end),
            "years_without_leave": calendar.years_without_collective_leave(day.start, day.end),
        }
    )
    return render(request, "portal/programme/detail.html", context)


@permission_page("programme.view_programme")
def programme_list(request):
    programmes = Programme.objects.order_by("-is_current", "-start_date", "name")
    return render(request, "portal/programme/list.html", {"programmes": programmes})


@permission_page("programme.add_programme")
def programme_add(request):
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = form.save()
        messages.success(request, _("Programme created; add its milestones."))
        return redirect(programme)
    return render(
        request, "portal/programme/form.html", {"form": form, "title": _("New programme")}
    )


@permission_page("programme.change_programme")
def programme_edit(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Programme saved."))
        return redirect(programme)
    return render(
        request,
        "portal/programme/form.html",
        {"form": form, "title": programme.name, "programme": programme},
    )


@permission_page("programme.change_programme")
@require_POST
def programme_make_current(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    services.programme_make_current(programme=programme)
    messages.success(request, _("“%(name)s” is now the current programme.") % {"name": programme})
    return redirect("programme:overview")


@permission_page("programme.view_programme")
def milestones_export(request, pk, fmt):
    """The programme's milestones with their live status and figures, as CSV or XLSX."""
    programme = get_object_or_404(Programme, pk=pk)
    context = programme_summary(programme)
    return export_response(
        fmt=fmt,
        filename="tonggak-capaian",
        sheet=_("Milestones"),
        columns=exports.COLUMNS,
        queryset=exports.milestone_rows(context["milestones"]),
    )


@permission_page("programme.change_programme")
@require_POST
def programme_evaluate_now(request, pk):
    """Record today's evaluation now instead of at PROGRAMME_EVALUATION_TIME: the same Celery task
    as the daily run, so a second run on the day updates the day's snapshot (unique per
    programme and date) and notifies only changes."""
    programme = get_object_or_404(Programme, pk=pk)
    try:
        evaluate_programme.delay(programme.pk, timezone.localdate().isoformat())
    except (KombuOperationalError, RedisError, OSError):
        messages.error(
            request,
            _("The task queue cannot be reached; the figures on this page are live all the same."),
        )
    else:
        messages.success(
            request,
            _("Evaluation requested: today's snapshot is recorded within a minute."),
        )
    return redirect(
        "programme:overview" if programme.is_current else "programme:detail",
        *([] if programme.is_current else [programme.pk]),
    )


@permission_page("programme.add_milestone")
def milestone_add(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    form = MilestoneForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        milestone = form.save()
        messages.success(request, _("Milestone added; it is evaluated with the programme."))
        return redirect(milestone)
    return render(
        request,
        "portal/programme/form.html",
        {"form": form, "title": _("New milestone"), "programme": programme},
    )


@permission_page("programme.change_milestone")
def milestone_edit(request, pk):
    milestone = get_object_or_404(Milestone.objects.select_related("programme"), pk=pk)
    form = MilestoneForm(request.POST or None, instance=milestone, programme=milestone.programme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Milestone saved."))
        return redirect(milestone)
    return render(
        request,
        "portal/programme/form.html",
        {"form": form, "title": milestone.title, "programme": milestone.programme},
    )


@permission_page("programme.view_milestone")
def milestone_detail(request, pk):
    """A milestone: its evidence or live figure, and its status day by day."""
    milestone = get_object_or_404(
        Milestone.objects.select_related("programme", "responsible_person", "recorded_by"), pk=pk
    )
    calendar = WorkingCalendar.for_programme(milestone.programme)
    day = programme_day(milestone.programme, timezone.localdate(), calendar)
    key = str(milestone.pk)
    history = []
    previous = None
    for snapshot in milestone.programme.snapshots.order_by("date").only(
        "programme_id", "date", "day_number", "milestones", "backfilled"
    ):
        row = snapshot.milestones.get(key)
        if row is None:
            continue
        history.append(
            {
                "date": snapshot.date,
                "day_number": snapshot.day_number,
                "status": row["status"],
                "status_label": MilestoneStatus(row["status"]).label,
                "value": row.get("value"),
                "target": row.get("target"),
                "backfilled": snapshot.backfilled,
                "changed": previous is not None and previous != row["status"],
            }
        )
        previous = row["status"]
    history.reverse()
    context = {
        "milestone": milestone,
        "programme": milestone.programme,
        "day": day,
        "due_date": calendar.date_of(milestone.due_day),
        "history": history,
        "notifications": milestone.notifications.select_related("recipient").order_by(
            "-date", "-pk"
        )[:50],
        "can_record": milestone.kind == MilestoneKind.MANUAL
        and request.user.has_perm("programme.record_milestone"),
    }
    return render(request, "portal/programme/milestone.html", context)


@permission_page("programme.record_milestone")
def milestone_record(request, pk):
    milestone = get_object_or_404(Milestone.objects.select_related("programme"), pk=pk)
    if milestone.kind != MilestoneKind.MANUAL:
        raise Http404("A measured milestone is not recorded by hand.")
    form = MilestoneRecordForm(
        request.POST or None,
        request.FILES or None,
        initial={"done_on": milestone.done_on or timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_record(
                milestone=milestone,
                by=request.user,
                done_on=form.cleaned_data["done_on"],
                evidence_file=form.cleaned_data["evidence_file"],
                evidence_url=form.cleaned_data["evidence_url"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Milestone recorded as done."))
            return redirect(milestone)
    return render(
        request,
        "portal/programme/record.html",
        {"form": form, "milestone": milestone, "programme": milestone.programme},
    )


@permission_page("programme.view_milestone")
def milestone_evidence(request, pk):
    """The evidence document, to users who may read the milestone (never a public media URL)."""
    milestone = get_object_or_404(Milestone, pk=pk)
    if not milestone.evidence_file:
        raise Http404("No document.")
    return FileResponse(
        milestone.evidence_file.open("rb"),
        as_attachment=True,
        filename=milestone.evidence_file.name.rsplit("/", 1)[-1],
    )


@permission_page("programme.view_nonworkingday")
def non_working_days(request):
    """Staff-added non-working days, and the holidays and cuti bersama of the current programme
    the library knows."""
    form = NonWorkingDayForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("programme.add_nonworkingday"):
            return render(request, "403.html", status=403)
        if form.is_valid():
            try:
                services.non_working_day_add(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Non-working day added."))
                return redirect("programme:non-working-days")
    programme = Programme.objects.current().first()
    library = []
    if programme is not None:
        calendar = WorkingCalendar.for_programme(programme)
        day = programme_day(programme, timezone.localdate(), calendar)
        library = calendar.non_working_days(day.start, day.end)
    context = {
        "form": form,
        "added": NonWorkingDay.objects.select_related("created_by").order_by("-date"),
        "programme": programme,
        "library": library,
    }
    return render(request, "portal/programme/non_working_days.html", context)


@permission_page("programme.delete_nonworkingday")
@require_POST
def non_working_day_delete(request, pk):
    day = get_object_or_404(NonWorkingDay, pk=pk)
    services.non_working_day_remove(day=day)
    messages.success(request, _("%(day)s is a working day again.") % {"day": day.date})
    return redirect("programme:non-working-days")


@login_required
def notifications(request):
    """The user's own notifications of milestone status changes, newest first."""
    queryset = Notification.objects.filter(recipient=request.user).select_related(
        "milestone__programme"
    )
    page = Paginator(queryset.order_by("-date", "-pk"), 50).get_page(request.GET.get("page"))
    return render(request, "portal/programme/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request):
    pk = request.POST.get("notification")
    services.notifications_mark_read(user=request.user, pk=int(pk) if pk and pk.isdigit() else None)
    return redirect("programme:notifications")


@never_cache
@login_required
@require_GET
def status(request):
    """What the header shows on every page (static/js/programme.js): the current programme's
    day n of its length with the end date, and the user's unread notifications."""
    body = {
        "unread": Notification.objects.filter(recipient=request.user).unread().count(),
        "notifications_url": reverse("programme:notifications"),
        "programme": None,
    }
    if request.user.has_perm("programme.view_programme"):
        programme = Programme.objects.current().first()
        if programme is not None:
            day = programme_day(programme, timezone.localdate())
            body["programme"] = {
                "name": programme.name,
                "url": reverse("programme:overview"),
                "day": day.shown_number,
                "length": day.length,
                "started": day.started,
                "finished": day.finished,
                "start": day.start.isoformat(),
                "end": day.end.isoformat(),
                "label": _status_label(day),
            }
    return JsonResponse(body)


def _status_label(day) -> str:
    end = day.end.strftime("%d-%m-%Y")
    if not day.started:
        return _("Programme starts %(start)s · ends %(end)s") % {
            "start": day.start.strftime("%d-%m-%Y"),
            "end": end,
        }
    if day.finished:
        return _("Programme ended %(end)s (%(length)d working days)") % {
            "end": end,
            "length": day.length,
        }
    return _("Day %(day)d of %(length)d · ends %(end)s") % {
        "day": day.shown_number,
        "length": day.length,
        "end": end,
    }
