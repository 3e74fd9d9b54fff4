"""Renderers besides JSON."""

from rest_framework.renderers import JSONRenderer


class GeoJSONRenderer(JSONRenderer):
    """Lets clients ask for `Accept: application/geo+json` on the `…/geojson/` actions (they
    write their GeoJSON themselves; errors come as JSON in this media type)."""

    media_type = "application/geo+json"
    format = "geojson"
