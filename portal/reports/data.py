"""What a report says, computed once when it is generated, as a JSON document: the programme's
day, a scorecard per kabupaten/kota, the pilots, the blank spots, the kiosks and the milestones.

Aggregates and registry facts only: no officer, owner or phone (docs/data-protection.md). Sample
data (`seed_demo`'s kiosks) is left out, and the report says how many were left out. A constant
number of queries, whatever the number of villages."""

import datetime

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coverage.models import ConnectivityStatus, Survey, VillageConnectivity
from portal.programme.calendar import programme_day
from portal.programme.views import programme_summary
from villages.models import Pilot, PilotStatus, Regency
from warkop.models import Warkop, WarkopStatus


def F_regency(prefix: str):  # noqa: N802 - reads like the F() it wraps
    return F(f"{prefix}__district__regency_id")


def _date(value) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def in_period(start: datetime.date, end: datetime.date, province: str) -> dict:
    """What happened in the province between `start` and `end` (both included, Asia/Jakarta):
    pilot villages selected, surveys verified, real kiosks that started operating (three
    queries)."""
    here = {"village__district__regency__province_id": province}
    return {
        "pilots_selected": Pilot.objects.selected()
        .filter(decided_on__range=(start, end), **here)
        .count(),
        "surveys_verified": Survey.objects.verified()
        .filter(reviewed_at__date__range=(start, end), **here)
        .count(),
        "kiosks_opened": Warkop.objects.real()
        .filter(status=WarkopStatus.OPERATIONAL, status_changed_on__range=(start, end), **here)
        .count(),
    }


def report_data(*, programme, kind: str, start: datetime.date, end: datetime.date) -> dict:
    """The figures of a report of `programme` over `start`–`end`, as of now."""
    province = settings.PORTAL_PROVINCE
    summary = programme_summary(programme, on=end)
    day = programme_day(programme, end)
    regencies = list(
        Regency.objects.in_province(province)
        .with_pilot_target()
        .order_by("code")
        .values("code", "name", "district_count", "districts_with_pilot")
    )
    per = {row["code"]: row for row in regencies}
    for row in regencies:
        row.update(pilots=0, surveys=0, blank_spots=0, kiosks=0)

    def add(rows, key, field):
        for item in rows:
            if item[key] in per:
                per[item[key]][field] = item["n"]

    add(
        Pilot.objects.selected().values(code=F_regency("village")).annotate(n=Count("id")),
        "code",
        "pilots",
    )
    add(
        Survey.objects.verified().values(code=F_regency("village")).annotate(n=Count("id")),
        "code",
        "surveys",
    )
    add(
        VillageConnectivity.objects.filter(status=ConnectivityStatus.BLANK_SPOT)
        .values(code=F_regency("village"))
        .annotate(n=Count("pk")),
        "code",
        "blank_spots",
    )
    real_kiosks = Warkop.objects.real()
    add(
        real_kiosks.filter(status=WarkopStatus.OPERATIONAL)
        .values(code=F_regency("village"))
        .annotate(n=Count("pk")),
        "code",
        "kiosks",
    )
    pilots = [
        {
            "regency": p["village__district__regency__name"],
            "district": p["village__district__name"],
            "village": p["village__name"],
            "code": p["village_id"],
            "status": str(PilotStatus(p["status"]).label),
            "decided_on": _date(p["decided_on"]),
        }
        for p in Pilot.objects.filter(
            village__district__regency__province_id=province,
            status__in=[PilotStatus.SELECTED, PilotStatus.PROPOSED],
        )
        .order_by("village_id")
        .values(
            "village_id",
            "village__name",
            "village__district__name",
            "village__district__regency__name",
            "status",
            "decided_on",
        )
    ]
    blank_spots = [
        {
            "regency": v["village__district__regency__name"],
            "district": v["village__district__name"],
            "village": v["village__name"],
            "code": v["village_id"],
            "surveys": v["survey_count"],
            "latest": _date(v["latest_survey_at"] and timezone.localtime(v["latest_survey_at"])),
            "pilot": bool(v["pilot_status"]),
        }
        for v in VillageConnectivity.objects.filter(
            status=ConnectivityStatus.BLANK_SPOT,
            village__district__regency__province_id=province,
        )
        .order_by("village_id")
        .values(
            "village_id",
            "village__name",
            "village__district__name",
            "village__district__regency__name",
            "survey_count",
            "latest_survey_at",
        )
        .annotate(pilot_status=Count("village__pilot", filter=Q(village__pilot__status="selected")))
    ]
    stale = set(real_kiosks.stale().values_list("pk", flat=True))
    kiosks = [
        {
            "name": k["name"],
            "village": k["village__name"],
            "district": k["village__district__name"],
            "regency": k["village__district__regency__name"],
            "status": str(WarkopStatus(k["status"]).label),
            "last_visit": _date(
                k["last_check_in_at"] and timezone.localtime(k["last_check_in_at"])
            ),
            "stale": k["pk"] in stale,
        }
        for k in real_kiosks.filter(village__district__regency__province_id=province)
        .order_by("village_id", "name")
        .values(
            "pk",
            "name",
            "village__name",
            "village__district__name",
            "village__district__regency__name",
            "status",
            "last_check_in_at",
        )
    ]
    milestones = [
        {
            "due_day": m.due_day,
            "due_date": _date(m.due_date),
            "title": m.title,
            "responsible_unit": m.responsible_unit,
            "value": m.value,
            "target": m.target_value,
            "status": m.status,
            "status_label": str(m.get_status_display()),
        }
        for m in summary["milestones"]
    ]
    totals = {
        key: sum(row[key] for row in regencies)
        for key in ("district_count", "districts_with_pilot", "pilots", "surveys", "blank_spots")
    }
    totals["kiosks"] = sum(row["kiosks"] for row in regencies)
    return {
        "kind": kind,
        "programme": programme.name,
        "period_start": _date(start),
        "period_end": _date(end),
        "day": day.shown_number,
        "length": day.length,
        "generated_at": timezone.localtime().strftime("%d-%m-%Y %H:%M WIB"),
        "regencies": regencies,
        "totals": totals,
        "pilots": pilots,
        "blank_spots": blank_spots,
        "kiosks": kiosks,
        "in_period": in_period(start, end, province),
        "sample_kiosks_left_out": Warkop.objects.samples()
        .filter(village__district__regency__province_id=province)
        .count(),
        "milestones": milestones,
        "counts": summary["counts"],
        "title": _("Weekly progress report") if kind == "weekly" else _("100-day report"),
    }
