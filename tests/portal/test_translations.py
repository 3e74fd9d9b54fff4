"""Every word on an Indonesian page is Indonesian: every string marked for translation has a
translation, no choice label stays English, and the audit trail speaks in the fields' labels and
in human words (no raw field names, hex geometry or `True`)."""

import importlib.util
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.gis.geos import Point
from django.utils import translation

from tests.conftest import REPO
from villages.models import Village

# Labels that are the same word in both languages: proper names, acronyms, technologies.
SAME_IN_BOTH = re.compile(
    r"^(\d+G|PLN.*|QRIS|BPJS.*|PDAM.*|Bank|Admin|Email|E-mail|Status|Total|Desa|Kelurahan|"
    r"Kecamatan|Kabupaten|Kota|Provinsi|Warkop.*|Internet|Wi-?Fi.*|Radio|Modem|Router|VSAT.*|"
    r"Blank spot|Fiber.*|Online|Offline|Telkomsel|Indosat.*|XL.*|Smartfren|Tri|[A-Z0-9 /.+-]{1,6})$"
)


def load_messages_script():
    spec = importlib.util.spec_from_file_location("messages_script", REPO / "scripts/messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_marked_string_has_an_indonesian_translation():
    missing = load_messages_script().check()
    assert missing == [], "untranslated (run `make messages`, then translate):\n" + "\n".join(
        missing
    )


def project_models():
    for config in apps.get_app_configs():
        if REPO in Path(config.path).parents and ".venv" not in Path(config.path).parts:
            yield from config.get_models()


def test_no_choice_label_stays_english_on_an_indonesian_page():
    english = []
    for model in project_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or []:
                with translation.override("en"):
                    in_english = str(label)
                with translation.override("id"):
                    in_indonesian = str(label)
                if in_indonesian == in_english and not SAME_IN_BOTH.match(in_english):
                    english.append(f"{model._meta.label}.{field.name}={value!r}: {in_english!r}")
    assert english == []


def test_a_choice_labelled_none_is_indonesian():
    from coverage.models import Electricity

    with translation.override("id"):
        assert str(Electricity.NONE.label) == "Tidak ada listrik"


@pytest.mark.django_db
def test_a_village_history_speaks_in_labels_and_human_words(client):
    from tests.factories import UserFactory

    admin = UserFactory(username="auditor", is_superuser=True, is_staff=True)
    client.force_login(admin)
    village = Village.objects.get(code="17.01.01.2002")
    Village.objects.filter(pk=village.pk).update(
        name="Rantau Sialang Baru", centroid=Point(102.0, -4.0, srid=4326)
    )
    page = client.get(f"/registry/villages/{village.code}/", HTTP_ACCEPT_LANGUAGE="id")
    assert page.status_code == 200
    html = page.content.decode()
    history = html[html.index("diff-list") :]
    assert "Rantau Sialang Baru" in history
    assert "lokasi berubah" in history
    assert "0106000020E6" not in history.upper()  # the hex of a geometry
    assert "<strong>name</strong>" not in history
    assert "True" not in history and "False" not in history


@pytest.mark.django_db
def test_audit_values_are_words():
    from portal.core.audit import describe
    from warkop.models import Warkop

    event = SimpleNamespace(
        pgh_context={},
        pgh_label="insert",
        pgh_obj_model="warkop.Warkop",
        pgh_obj_id="1",
        pgh_diff=None,
        pgh_data={"is_sample": True, "status": "operational", "no_such_column": 3},
    )
    with translation.override("id"):
        [described] = describe([event])
        sample_label = str(Warkop._meta.get_field("is_sample").verbose_name).capitalize()
        status_label = str(Warkop._meta.get_field("status").verbose_name).capitalize()
        operating = str(dict(Warkop._meta.get_field("status").flatchoices)["operational"])
    values = {label: after for label, _before, after in described.changes}
    assert values[sample_label] == "Ya"
    assert values[status_label] == operating != "Operational"
    assert "is_sample" not in values
    assert (
        described.object_display.endswith(" 1") and "warkop.Warkop" not in described.object_display
    )
