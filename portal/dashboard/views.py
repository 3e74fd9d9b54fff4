"""The staff landing page and the health check."""

import pickle
from functools import partial

from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from coverage.selectors import dashboard_summary as coverage_dashboard
from portal.core.datacache import cached
from portal.core.roles import Role, user_role
from portal.core.scopes import scope_key
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
from warkop.selectors import figures_until as warkop_figures_until


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


def dashboard_figures(user) -> dict:
    """Every figure of the dashboard as `user`'s scope shows them (about 20 queries at any size
    of the data; read from the figures cache by the page)."""
    province = Province.objects.defer("boundary").filter(code=settings.PORTAL_PROVINCE).first()
    target = District.objects.filter(regency__province_id=settings.PORTAL_PROVINCE).pilot_target()
    regency_names = {row.regency.code: row.regency.name for row in target.regencies}
    return {
        "province": province,
        "counts": registry_counts(settings.PORTAL_PROVINCE),
        "district_count": target.district_count,
        "target": target,
        "map_url": f"{reverse('api:district-geojson')}?province={settings.PORTAL_PROVINCE}",
        "map_config": district_map_config(regency_names),
        "warkop_dashboard": warkop_dashboard_section(user),
        "programme_section": dashboard_programme(user),
        "coverage": coverage_dashboard(user, settings.PORTAL_PROVINCE),
    }


#: The figures' names (dashboard_figures), in the page's context for whoever reads them.
FIGURES = (
    "counts",
    "district_count",
    "target",
    "map_url",
    "map_config",
    "warkop_dashboard",
    "programme_section",
    "coverage",
)


def _figure(figures, key):
    return figures[key]


@registry_page
def dashboard(request):
    """Staff landing page, in sections: registry counts, the pilot target and the kecamatan map.

    The figures are live: a kecamatan counts once one of its desa/kelurahan has a selected pilot,
    at once. They are read from the figures cache (portal/core/datacache.py), kept per scope
    until the next write to the data (or the clock) changes them; a cache hit costs a handful of
    queries (session, user, role, permissions, the data's version).
    """
    user = request.user

    def build() -> dict:
        figures = dashboard_figures(user)
        return {
            "province": figures["province"],
            "sections_html": render_to_string("portal/dashboard/sections.html", figures, request),
            # Hundreds of model instances: kept pickled, unpickled only if something reads them.
            "figures": pickle.dumps(figures, pickle.HIGHEST_PROTOCOL),
        }

    kept = cached("dashboard", build, scope=scope_key(user), until=warkop_figures_until)
    figures = SimpleLazyObject(lambda: pickle.loads(kept["figures"]))  # noqa: S301 (our own)
    context = {key: SimpleLazyObject(partial(_figure, figures, key)) for key in FIGURES}
    context.update(province=kept["province"], sections_html=kept["sections_html"])
    return render(request, "portal/dashboard.html", context)
