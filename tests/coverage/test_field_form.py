"""The field form's modules, the survey fields declared once (coverage/fields.py) and what the
form, the API, the import and the content hash derive from them."""

import dataclasses
import json
import re
from pathlib import Path

from django.core.files.storage import FileSystemStorage

from coverage import fields, importers, services
from coverage.api.serializers import MeasurementSerializer, SurveySerializer
from coverage.field_views import FIELD_MODULES
from coverage.models import Measurement, Operator, Technology

REPO = Path(__file__).resolve().parents[2]
COVERAGE_STATIC = REPO / "coverage" / "static"
MODULES = COVERAGE_STATIC / "coverage" / "field"
IMPORT = re.compile(r"""\b(?:import|export)\s[^;'"]*?\bfrom\s*["']([^"']+)["']""")


def field_config(html: str) -> dict:
    start = html.index('id="field-config"')
    return json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])


def test_every_module_is_cached_by_the_service_worker(officer, client):
    modules = sorted(path.name for path in MODULES.glob("*.mjs"))
    assert {"main.mjs", "outbox.mjs", "sync.mjs", "form.mjs"} <= set(modules)
    assert not (COVERAGE_STATIC / "coverage" / "field.js").exists()
    client.force_login(officer)
    html = client.get("/coverage/field/").content.decode()
    assert '<script type="module" src="/static/coverage/field/main.mjs"></script>' in html
    config = json.loads(
        re.search(r"const CONFIG = (.*);", client.get("/coverage/field/sw.js").content.decode())[1]
    )
    assert [url for url in config["assets"] if url.endswith(".mjs")] == [
        f"/static/coverage/field/{name}" for name in modules
    ]
    # What the page itself loads is cached too (an uncached script fails offline).
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert url in config["assets"], url


def test_every_import_of_a_module_is_a_module_of_the_form():
    for path in MODULES.glob("*.mjs"):
        source = path.read_text()
        assert "<script" not in source
        for target in IMPORT.findall(source):
            assert target.startswith("./"), (path.name, target)
            assert f"coverage/field/{target[2:]}" in FIELD_MODULES, (path.name, target)


def test_service_worker_version_follows_the_modules_contents(officer, client, tmp_path, settings):
    """In development the URLs stay the same when a module changes: its content changes the
    service worker's version, so the phone fetches the new module."""

    def version():
        body = client.get("/coverage/field/sw.js").content.decode()
        return json.loads(re.search(r"const CONFIG = (.*);", body)[1])["version"]

    before = version()
    copy = tmp_path / "coverage" / "field"
    copy.mkdir(parents=True)
    for path in MODULES.glob("*.mjs"):
        (copy / path.name).write_text(path.read_text())
    (copy / "main.mjs").write_text((copy / "main.mjs").read_text() + "\n// changed\n")
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]
    from django.contrib.staticfiles import finders

    finders.get_finder.cache_clear()
    try:
        assert version() != before
    finally:
        finders.get_finder.cache_clear()


def test_production_storage_points_module_imports_at_hashed_names(tmp_path):
    """collectstatic's storage rewrites `import … from "./outbox.mjs"` to the hashed name that
    `{% static %}` (and so the service worker's cache list) gives that module."""
    from portal.core.staticfiles import StaticFilesStorage

    source = FileSystemStorage(location=COVERAGE_STATIC)
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    for name in FIELD_MODULES:
        with source.open(name) as handle:
            storage.save(name, handle)
    processed = list(storage.post_process({name: (source, name) for name in FIELD_MODULES}))
    assert not [error for _name, _hashed, error in processed if isinstance(error, Exception)]
    main = storage.stored_name("coverage/field/main.mjs")
    assert re.fullmatch(r"coverage/field/main\.[0-9a-f]{12}\.mjs", main)
    targets = IMPORT.findall((tmp_path / main).read_text())
    assert len(targets) >= 4
    for target in targets:
        module = f"coverage/field/{target[2:]}"
        assert re.fullmatch(r"\./[a-z-]+\.[0-9a-f]{12}\.mjs", target), target
        assert (tmp_path / module).is_file()
        assert module in {storage.stored_name(name) for name in FIELD_MODULES}


# --- The survey fields, declared once ---------------------------------------------------------


def test_api_import_and_services_derive_the_survey_fields_from_one_declaration():
    writable = [
        name
        for name, field in SurveySerializer().fields.items()
        if not field.read_only and name not in ("client_uuid", "village", "measurements")
    ]
    assert writable == list(fields.SURVEY_FIELDS)
    entered = {f.name for f in dataclasses.fields(services.SurveyInput)}
    assert entered == {"client_uuid", "village", "measurements", *fields.SURVEY_FIELDS}
    assert list(MeasurementSerializer().fields) == ["operator", *fields.MEASUREMENT_FIELDS]
    stored = {f.name for f in Measurement._meta.concrete_fields} - {"id", "survey", "operator"}
    assert stored == set(fields.MEASUREMENT_FIELDS)
    assert fields.import_columns() == importers.TEMPLATE_COLUMNS
    assert set(fields.SURVEY_FIELDS.values()) <= set(importers.TEMPLATE_COLUMNS)
    assert tuple(Operator.values) == fields.OPERATORS
    assert [c for c in importers.TEMPLATE_COLUMNS if c.startswith("telkomsel_")] == [
        "telkomsel_technology",
        "telkomsel_dbm",
        "telkomsel_download_mbps",
        "telkomsel_upload_mbps",
        "telkomsel_latency_ms",
    ]


def test_the_api_schema_keeps_its_field_order():
    """The survey's fields come from the declaration; the API's schema is unchanged."""
    from drf_spectacular.generators import SchemaGenerator

    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    # What a survey answers (the position as a point) and what a POST sends (latitude/longitude).
    assert list(schemas["Survey"]["properties"])[:11] == [
        "client_uuid",
        "village",
        "village_name",
        "officer",
        "observed_at",
        "location",
        "accuracy_m",
        "place_type",
        "fibre",
        "fibre_distance_m",
        "fibre_provider",
    ]
    assert list(schemas["SurveyRequest"]["properties"])[:10] == [
        "client_uuid",
        "village",
        "observed_at",
        "latitude",
        "longitude",
        "accuracy_m",
        "place_type",
        "fibre",
        "fibre_distance_m",
        "fibre_provider",
    ]


def test_field_form_gets_fields_operators_and_labels_from_the_server(officer, client):
    client.force_login(officer)
    html = client.get("/coverage/field/").content.decode()
    form = field_config(html)["fields"]
    assert [row[0] for row in form["survey"]] == list(fields.SURVEY_FIELDS)
    kinds = {name: kind for name, kind, _required in form["survey"]}
    assert kinds["observed_at"] == "datetime"
    assert kinds["latitude"] == "number"
    assert kinds["accuracy_m"] == "integer"
    assert kinds["place_type"] == "choice"
    assert kinds["notes"] == "text"
    required = {name for name, _kind, is_required in form["survey"] if is_required}
    assert required == {"observed_at", "latitude", "longitude", "place_type", "electricity"}
    assert [row[0] for row in form["measurement"]] == list(fields.MEASUREMENT_NUMBERS)
    assert form["operators"] == [[value, str(label)] for value, label in Operator.choices]
    assert form["technologies"]["none"] == str(Technology.NONE.label)
    assert form["noSignal"] == Technology.NONE
    # Every declared field has its input; every operator its measurement inputs.
    for name in fields.SURVEY_FIELDS:
        assert f'name="{name}"' in html, name
    for operator in Operator.values:
        for name in fields.MEASUREMENT_FIELDS:
            assert f'name="{operator}-{name}"' in html, (operator, name)
    # The scripts declare no operator or field list of their own.
    scripts = "".join(path.read_text() for path in MODULES.glob("*.mjs"))
    for operator in Operator.values:
        assert f'"{operator}"' not in scripts, operator
    assert "signal_dbm" not in scripts


def test_field_form_is_translated(officer, client):
    client.force_login(officer)
    form = field_config(client.get("/coverage/field/").content.decode())
    assert form["fields"]["technologies"]["none"] == "Tidak ada sinyal"
    assert "{field}" in form["messages"]["notNumber"]
    assert form["messages"]["notNumber"] != "{field}: “{value}” is not a number."
