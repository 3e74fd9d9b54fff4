"""The API's renderers: JSON written by orjson, and GeoJSON.

`JSONRenderer` writes the same bytes as DRF's (compact, UTF-8, U+2028/2029 escaped, dates,
decimals and lazy strings as DRF's encoder writes them: orjson hands those to it) about ten
times faster. What orjson cannot write (an integer beyond 64 bits) is written by DRF's.
"""

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

_ENCODER = JSONEncoder()
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSONRenderer, through orjson for the compact form every client gets (an indented
    answer, asked for with `; indent=N`, is written by DRF's)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        renderer_context = renderer_context or {}
        if self.get_indent(accepted_media_type, renderer_context) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=_ENCODER.default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF: these two are valid JSON but not valid JavaScript.
        if b"\xe2\x80\xa8" in body or b"\xe2\x80\xa9" in body:
            body = body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
        return body


class GeoJSONRenderer(JSONRenderer):
    """Lets clients ask for `Accept: application/geo+json` on the `…/geojson/` actions (they
    write their GeoJSON themselves; errors come as JSON in this media type)."""

    media_type = "application/geo+json"
    format = "geojson"
