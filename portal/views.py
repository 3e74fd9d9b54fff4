"""The staff landing page and the health check."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from villages.models import District, Province, Regency, Village

from .health import check_broker, check_database


@login_required
def dashboard(request):
    """Staff landing page: registry counts, the pilot target and the kecamatan map."""
    context = {
        "counts": {
            "provinces": Province.objects.count(),
            "regencies": Regency.objects.count(),
            "districts": District.objects.count(),
            "villages": Village.objects.count(),
        },
        "target": District.objects.pilot_target(),
    }
    return render(request, "portal/dashboard.html", context)


@never_cache
@require_GET
def healthz(request):
    """200 with the state of the database and the broker; 503 when either is down."""
    database = check_database()
    broker = check_broker()
    ok = database["ok"] and broker["ok"]
    body = {"status": "ok" if ok else "unavailable", "database": database, "broker": broker}
    return JsonResponse(body, status=200 if ok else 503)
