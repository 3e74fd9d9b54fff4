"""The public service finder: no login, Bahasa Indonesia, light enough for a cheap phone on a slow
connection. Choose a service and a village (searched by name) or "near me" (the browser's location,
posted as lat/lng); get the kiosks offering it, nearest first, with distance, hours and fee. The
map is optional: the page works without JavaScript, and the map's scripts load only on request.

Anonymous use is throttled per address (FINDER_RATE_PER_MINUTE) by portal.core.ratelimit: while
Redis is down the finder answers unthrottled."""

import json

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from portal.core import ratelimit
from portal.core.clients import client_address
from portal.core.datacache import cached, next_midnight
from villages.selectors import place_by_code, search_places
from warkop.services import point_from_lat_lng

from .selectors import active_categories, nearest_offerings

#: Places offered when a search matches several.
CHOICES_LIMIT = 15
#: villages.search's tiers of an exact name and of a name starting with the query.
EXACT, PREFIX = 5, 4


def throttled(request) -> bool:
    """Count this search for the visitor's address; True past FINDER_RATE_PER_MINUTE a minute
    (portal.core.ratelimit: open, with a logged warning, while Redis is down)."""
    return bool(
        ratelimit.hit(
            f"finder:{client_address(request)}", limit=settings.FINDER_RATE_PER_MINUTE, window=60
        )
    )


class Search:
    """What the visitor asked: a service and an origin (a place of the registry, or a point)."""

    def __init__(self, data):
        self.service_code = (data.get("layanan") or "").strip()[:40]
        # `desa`: the code of the place chosen (a village, or a kecamatan/kabupaten's centre).
        self.place_code = (data.get("desa") or "").strip()[:20]
        self.query = (data.get("q") or "").strip()[:80]
        self.lat, self.lng = data.get("lat"), data.get("lng")
        self.error = ""
        self.category = None
        self.place = None  # villages.selectors.Place
        self.origin: Point | None = None
        self.choices: list = []

    def resolve(self, categories):
        by_code = {category.code: category for category in categories}
        if not self.service_code:
            return
        self.category = by_code.get(self.service_code)
        if self.category is None:
            self.error = _("Choose a service from the list.")
            return
        if self.lat and self.lng:
            try:
                self.origin = point_from_lat_lng(self.lat, self.lng)
            except ValidationError:
                self.error = _("Your location could not be read.")
            return
        province = settings.PORTAL_PROVINCE
        if self.place_code:
            self.place = place_by_code(self.place_code, province=province)
            if self.place is None:
                self.error = _("Choose a place from the list.")
        elif self.query:
            # The registry's forgiving search (villages.search): "batu ampr", "Kephiang".
            matches = search_places(
                self.query, province=province, limit=CHOICES_LIMIT, with_centroid=True
            )
            # One match, or one exact name and nothing else starting like it: no need to ask.
            close = [place for place in matches if place.unit.search_tier >= PREFIX]
            if len(matches) == 1 or (len(close) == 1 and close[0].unit.search_tier == EXACT):
                self.place = (close or matches)[0]
            else:
                self.choices = matches
                if not matches:
                    self.error = _("No village matches “%(q)s”.") % {"q": self.query}
        else:
            self.error = _("Type the name of your village, or use your location.")
        if self.place is not None:
            if self.place.centroid is None:
                self.error = _("This village has no location in the registry.")
            else:
                self.origin = self.place.centroid

    def params(self) -> str:
        """The query string of the map's data for this search."""
        if self.origin is None or self.category is None:
            return ""
        return f"layanan={self.category.code}&lat={self.origin.y:.6f}&lng={self.origin.x:.6f}"


def _categories():
    return list(active_categories().only("code", "label", "kind"))


def _too_many(request):
    response = render(request, "payments/finder_throttled.html", status=429)
    response["Retry-After"] = "60"
    return response


@csrf_protect
@require_http_methods(["GET", "POST"])
def finder(request):
    """The finder page: GET with a village, POST with the browser's location (kept out of URLs)."""
    data = request.POST if request.method == "POST" else request.GET
    search = Search(data)
    if search.service_code and throttled(request):
        return _too_many(request)

    def build() -> dict:
        context = finder_context(search)
        return {
            part: render_to_string(f"payments/finder_{part[:-5]}.html", context, request)
            for part in ("search_html", "results_html")
        }

    if request.method == "POST":  # the visitor's own location: never kept
        parts = build()
    else:  # a search by village: the same for every visitor until the data changes
        key = "&".join(f"{k}={v}" for k, v in sorted(request.GET.items()))
        parts = cached(f"finder:{key}", build, until=next_midnight)
    return render(request, "payments/finder.html", {**parts, "service_code": search.service_code})


def finder_context(search: Search) -> dict:
    categories = _categories()
    search.resolve(categories)
    results = []
    if search.origin is not None and search.category is not None:
        results = list(nearest_offerings(category=search.category, origin=search.origin))
    map_config = {
        "colorProperty": "kind",
        "colors": {"kiosk": "#1f8a4c", "origin": "#1d3557"},
        "legend": [
            {"color": "#1f8a4c", "label": _("Warkop Digital")},
            {"color": "#1d3557", "label": _("Search point")},
        ],
        "tooltip": [{"property": "distance", "label": _("Distance")}],
    }
    params = search.params()
    return {
        "categories": categories,
        "search": search,
        "results": results,
        "map_url": f"{reverse('payments:finder-geojson')}?{params}" if params else "",
        "map_config": map_config,
    }


def format_km(metres: float) -> str:
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f} m"
    return f"{metres / 1000:.1f} km".replace(".", ",")


@require_GET
@vary_on_headers("Accept-Language")
def finder_geojson(request):
    """The finder's results as GeoJSON points for the optional map, with the search point."""
    search = Search(request.GET)
    if not (search.service_code and search.lat and search.lng):
        return HttpResponse(
            '{"type":"FeatureCollection","features":[]}', content_type="application/geo+json"
        )
    if throttled(request):
        return _too_many(request)
    search.resolve(_categories())
    features = []
    if search.origin is not None and search.category is not None:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [search.origin.x, search.origin.y]},
                "properties": {"kind": "origin", "name": _("Search point")},
            }
        )
        for offering in nearest_offerings(category=search.category, origin=search.origin):
            kiosk = offering.warkop
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [round(kiosk.location.x, 6), round(kiosk.location.y, 6)],
                    },
                    "properties": {
                        "kind": "kiosk",
                        "name": kiosk.name,
                        "distance": format_km(offering.distance.m),
                        # The kiosk's public phone with the owner's consent, never the owner's.
                        **({"phone": kiosk.public_phone} if kiosk.public_phone else {}),
                    },
                }
            )
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return HttpResponse(body, content_type="application/geo+json")
