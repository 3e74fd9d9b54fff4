"""The OpenAPI schema that tells the truth (checked by schemathesis: tests/portal/
test_schemathesis.py).

`PortalAutoSchema` is drf-spectacular's AutoSchema with what it does not know by itself:

- the error answers every operation can give, with their bodies: 400 (invalid input: body or
  query), 401 (no or a bad token), 403 (role or read-only token), 404 (no such object in the
  user's scope, or a page beyond the last), 406 (an Accept header it cannot satisfy), 415 (a
  body of another media type) and 429 (throttled); an operation's own declarations (e.g. 409)
  stay, and get the error body when they declare none;
- the pattern of a path parameter that the view restricts (`lookup_value_regex`, e.g. a village
  code): other values do not reach the view (they answer 404);
- request bodies as JSON, unless the view declares its own parsers (uploads): the nested
  fields of the portal's bodies (locations, report lines, measurements) have no form encoding;
- read-only fields as the model stores them: nullable where the model column is (a check-in's
  `recorded_by`), `""` among a choice's values where the model allows it blank (a manual
  milestone's `metric`), and a URL field that may be blank declared as a URL or `""`.
"""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions
from rest_framework.settings import api_settings

ERROR = {
    "type": "object",
    "description": "What went wrong, in words (in the request's language).",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "Invalid input: each key names a field of the body, a query parameter, "
        "`non_field_errors` or `detail`; each value lists the problems (nested like the field: "
        "a list of objects for a list of objects)."
    ),
    "additionalProperties": {},
}

ERROR_DESCRIPTIONS = {
    "400": "Invalid input: the body or a query parameter, each problem named by its field.",
    "401": "No credentials, or a token that is unknown, expired or revoked.",
    "403": "The user's role does not allow this, or the token is read-only.",
    "404": "No such object within the user's scope, or a page beyond the last.",
    "406": "The Accept header asks for no media type this operation answers in.",
    "415": "The body is not of a media type this operation reads.",
    "429": "Too many requests: throttled per token or address (see Retry-After).",
}

#: GeoJSON answers of the `…/geojson/` actions (and the coverage map).
FEATURE_COLLECTION = {
    "type": "object",
    "description": "A GeoJSON FeatureCollection (RFC 7946), WGS84 longitude/latitude.",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "geometry": {"type": "object", "nullable": True},
                    "properties": {"type": "object", "additionalProperties": {}},
                },
                "required": ["type", "geometry", "properties"],
            },
        },
    },
    "required": ["type", "features"],
}
GEOJSON_RESPONSE = OpenApiResponse(FEATURE_COLLECTION, description="GeoJSON FeatureCollection")


class PortalAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        self._add_path_patterns(operation)
        self._add_error_responses(operation)
        return operation

    def _get_format_parameters(self):
        # `?format=` is DRF's shortcut for the Accept header, which is the documented way
        return []

    # --- requests --------------------------------------------------------------------------------

    def map_parsers(self):
        media_types = super().map_parsers()
        if list(self.view.parser_classes) == list(api_settings.DEFAULT_PARSER_CLASSES):
            media_types = [m for m in media_types if m == "application/json"] or media_types
        return media_types

    def _add_path_patterns(self, operation):
        regex = getattr(self.view, "lookup_value_regex", None)
        if not regex or regex == "[^/.]+":
            return
        path_parameters = [p for p in operation.get("parameters", []) if p["in"] == "path"]
        if len(path_parameters) == 1:
            path_parameters[0]["schema"].setdefault("pattern", f"^{regex}$")

    # --- responses -------------------------------------------------------------------------------

    def _error_ref(self, name, schema):
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _add_error_responses(self, operation):
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        codes = []
        if has_body or any(p["in"] == "query" for p in parameters):
            codes.append("400")
        if not all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions()):
            codes += ["401", "403"]
        paginated = any(p["in"] == "query" and p["name"] == "page" for p in parameters)
        if paginated or any(p["in"] == "path" for p in parameters):
            codes.append("404")
        codes.append("406")
        if has_body:
            codes.append("415")
        if self.view.get_throttles():
            codes.append("429")
        media_types = [m for m in self.map_renderers("media_type") if m != "text/html"]
        responses = operation["responses"]
        for code in codes:
            responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code]})
        for code, response in responses.items():
            if code >= "400" and "content" not in response:  # declared without a body
                name, schema = (
                    ("ValidationError", VALIDATION_ERROR) if code == "400" else ("Error", ERROR)
                )
                ref = self._error_ref(name, schema)
                response["content"] = {media_type: {"schema": ref} for media_type in media_types}
        operation["responses"] = dict(sorted(responses.items()))

    # --- fields ----------------------------------------------------------------------------------

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if not schema:
            return schema
        model_field = _model_field(field) if field.read_only else None
        nullable = getattr(model_field, "null", False)
        blank = getattr(field, "allow_blank", False) or getattr(model_field, "blank", False)
        if "enum" in schema:
            if blank and "" not in schema["enum"]:
                schema["enum"].append("")
            if nullable and None not in schema["enum"]:
                schema["enum"].append(None)
        elif nullable and "$ref" not in schema and "allOf" not in schema:
            schema["nullable"] = True
        if blank and schema.get("format") == "uri":
            url = {"type": "string", "format": "uri"}
            if "maxLength" in schema:
                url["maxLength"] = schema.pop("maxLength")
            schema.pop("format")
            schema.pop("type", None)
            schema["anyOf"] = [url, {"type": "string", "maxLength": 0}]
        return schema


def _model_field(field):
    """The model field a serializer field reads (None when it reads no model field)."""
    meta = getattr(getattr(field, "parent", None), "Meta", None)
    model = getattr(meta, "model", None)
    attrs = getattr(field, "source_attrs", None)
    if model is None or not attrs:
        return None
    try:
        for attr in attrs[:-1]:
            model = model._meta.get_field(attr).related_model
            if model is None:
                return None
        return model._meta.get_field(attrs[-1])
    except FieldDoesNotExist:
        return None
