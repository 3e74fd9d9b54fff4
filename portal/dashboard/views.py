"""The staff landing page and the health check."""

from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse

from coverage.selectors import dashboard_summary as coverage_dashboard
from portal.core.roles import Role, user_role
from portal.programme.views import dashboard_programme
from villages.models import (
    District,
    Pilot,
    PilotStatus,
    Province,
    Regency,
    RegencyKind,
    Village,
    VillageKind,
)
from villages.views import district_map_config, registry_page
from warkop.selectors import dashboard_section as warkop_dashboard_section


def registry_counts(province_code: str) -> dict:
    """Counts of the registry in one province: three aggregate queries."""
    regencies = Regency.objects.filter(province_id=province_code).aggregate(
        total=Count("code"),
        kabupaten=Count("code", filter=Q(kind=RegencyKind.KABUPATEN)),
        kota=Count("code", filter=Q(kind=RegencyKind.KOTA)),
    )
    villages = Village.objects.filter(district__regency__province_id=province_code).aggregate(
        total=Count("code"),
        desa=Count("code", filter=Q(kind=VillageKind.DESA)),
        kelurahan=Count("code", filter=Q(kind=VillageKind.KELURAHAN)),
    )
    pilots = Pilot.objects.filter(village__district__regency__province_id=province_code).aggregate(
        **{status: Count("id", filter=Q(status=status)) for status in PilotStatus.values}
    )
    return {
        "provinces": Province.objects.count(),
        "regencies": regencies,
        "villages": villages,
        "pilots": pilots,
    }


def home(request):
    """The landing page after login: partners start on their kiosks, everyone else on the
    dashboard."""
    if request.user.is_authenticated and user_role(request.user) == Role.PARTNER:
        return redirect("payments:partner-home")
    return dashboard(request)


@registry_page
def dashboard(request):
    """Staff landing page, in sections: registry counts, the pilot target and the kecamatan map.

    The pilot target is live: a kecamatan counts once one of its desa/kelurahan has a selected
    pilot. The page costs a constant number of queries; the map loads its shapes from the API.
    """
    province = Province.objects.defer("boundary").filter(code=settings.PORTAL_PROVINCE).first()
    target = District.objects.filter(regency__province_id=settings.PORTAL_PROVINCE).pilot_target()
    regency_names = {row.regency.code: row.regency.name for row in target.regencies}
    context = {
        "province": province,
        "counts": registry_counts(settings.PORTAL_PROVINCE),
        "district_count": target.district_count,
        "target": target,
        "map_url": f"{reverse('api:district-geojson')}?province={settings.PORTAL_PROVINCE}",
        "map_config": district_map_config(regency_names),
        "warkop_dashboard": warkop_dashboard_section(request.user),
        "programme_section": dashboard_programme(request.user),
        "coverage": coverage_dashboard(request.user, settings.PORTAL_PROVINCE),
    }
    return render(request, "portal/dashboard.html", context)
