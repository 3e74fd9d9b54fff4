"""The health check: the one page of the core layer."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import check_broker, check_cache, check_database, may_see_details


@never_cache
@require_GET
def healthz(request):
    """200 when the database, the broker and the cache answer, else 503 naming the parts that are
    down (`down`). Versions, timings and errors only for staff and holders of HEALTH_TOKEN
    (portal.core.health.may_see_details)."""
    parts = {"database": check_database(), "broker": check_broker(), "cache": check_cache()}
    down = [name for name, state in parts.items() if not state["ok"]]
    body = {"status": "unavailable", "down": down} if down else {"status": "ok"}
    if may_see_details(request):
        body.update(parts)
    ok = not down
    return JsonResponse(body, status=200 if ok else 503)
