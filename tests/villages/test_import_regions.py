"""`import_regions`: the Kemendagri registry from idn-area-data CSV files.

The session fixture has already imported the real Bengkulu files, so tests on other data use a
synthetic province 99 (or assert on what changed) inside their rolled-back transaction.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from villages.importers import import_regions
from villages.models import (
    District,
    Province,
    Regency,
    RegencyKind,
    Village,
    VillageKind,
)

BENGKULU = Path(__file__).resolve().parents[2] / "villages" / "data" / "bengkulu"

PROVINCES = "code,name\n99,Provinsi Uji\n"
REGENCIES = "code,province_code,name\n99.01,99,Kabupaten Satu\n99.71,99,Kota Dua\n"
DISTRICTS = "code,regency_code,name\n99.01.01,99.01,Kecamatan A\n99.71.01,99.71,Kecamatan B\n"
VILLAGES = (
    "code,district_code,name\n"
    "99.01.01.2001,99.01.01,Desa Satu\n"
    "99.01.01.2002,99.01.01,Desa Dua\n"
    "99.71.01.1001,99.71.01,Kelurahan Tiga\n"
)


def write_files(directory: Path, **contents: str) -> Path:
    """Write the four CSV files (defaults: the synthetic province 99); `None` leaves one out."""
    files = {
        "provinces": PROVINCES,
        "regencies": REGENCIES,
        "districts": DISTRICTS,
        "villages": VILLAGES,
    }
    files.update(contents)
    for name, text in files.items():
        if text is not None:
            data = text.encode("utf-8") if isinstance(text, str) else text
            (directory / f"{name}.csv").write_bytes(data)
    return directory


def run(directory: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_regions", str(directory), *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Counts per level and a sample row of each, to show that nothing was written."""
    village = Village.objects.get(code="17.01.01.2001")
    return {
        "counts": [model.objects.count() for model in (Province, Regency, District, Village)],
        "province": Province.objects.values_list("name", "updated_at").get(code="17"),
        "regency": Regency.objects.values_list("name", "kind").get(code="17.71"),
        "village": (village.name, village.district_id, village.kind, village.updated_at),
    }


# --- The real Bengkulu files ---------------------------------------------------------------------


@pytest.mark.django_db
def test_bengkulu_registry_counts_and_kinds():
    assert Province.objects.filter(code="17").count() == 1
    regencies = Regency.objects.filter(province_id="17")
    assert regencies.count() == 10
    assert regencies.filter(kind=RegencyKind.KABUPATEN).count() == 9
    assert list(regencies.filter(kind=RegencyKind.KOTA).values_list("code", flat=True)) == ["17.71"]
    assert District.objects.filter(regency__province_id="17").count() == 129
    villages = Village.objects.filter(code__startswith="17.")
    assert villages.count() == 1513
    assert villages.filter(kind=VillageKind.DESA).count() == 1341
    assert villages.filter(kind=VillageKind.KELURAHAN).count() == 172
    village = Village.objects.get(code="17.01.01.2001")
    assert (village.name, village.district_id, village.postal_code != "") == (
        "Batu Ampar",
        "17.01.01",
        True,  # set by import_stats, which import_regions leaves alone
    )


@pytest.mark.django_db
def test_second_bengkulu_run_changes_nothing_and_says_so():
    before = snapshot()
    output = run(BENGKULU)
    assert (
        "No changes: 1 province, 10 regencies, 129 districts, 1513 villages already up to date."
        in output
    )
    assert "not in the files" not in output
    assert snapshot() == before


@pytest.mark.django_db
def test_province_option_limits_the_import_to_that_province(tmp_path):
    # The Bengkulu files plus a province 99 that --province 17 must leave out.
    files = {
        name: (BENGKULU / f"{name}.csv").read_text(encoding="utf-8")
        + "".join(text.splitlines(keepends=True)[1:])
        for name, text in {
            "provinces": PROVINCES,
            "regencies": REGENCIES,
            "districts": DISTRICTS,
            "villages": VILLAGES,
        }.items()
    }
    write_files(tmp_path, **files)
    output = run(tmp_path, "--province", "17")
    assert "No changes: 1 province, 10 regencies, 129 districts, 1513 villages" in output
    assert not Province.objects.filter(code="99").exists()

    output = run(tmp_path, "--province", "99")
    assert "Created 1 province, 2 regencies, 2 districts, 3 villages." in output
    assert Village.objects.filter(code__startswith="99.").count() == 3


@pytest.mark.django_db
def test_province_option_with_no_rows_is_an_error():
    with pytest.raises(CommandError, match="no rows of province 98"):
        run(BENGKULU, "--province", "98")


# --- Synthetic province 99 -----------------------------------------------------------------------


@pytest.mark.django_db
def test_first_run_creates_and_second_run_changes_nothing(tmp_path):
    write_files(tmp_path)
    output = run(tmp_path)
    assert "Created 1 province, 2 regencies, 2 districts, 3 villages." in output
    assert Regency.objects.get(code="99.71").kind == RegencyKind.KOTA
    assert Regency.objects.get(code="99.01").kind == RegencyKind.KABUPATEN
    assert Village.objects.get(code="99.71.01.1001").kind == VillageKind.KELURAHAN
    desa = Village.objects.get(code="99.01.01.2001")
    assert (desa.kind, desa.postal_code, desa.district_id) == (VillageKind.DESA, "", "99.01.01")

    output = run(tmp_path)
    assert (
        "No changes: 1 province, 2 regencies, 2 districts, 3 villages already up to date." in output
    )


@pytest.mark.django_db
def test_renamed_unit_is_updated_and_reported(tmp_path):
    write_files(tmp_path)
    run(tmp_path)
    write_files(tmp_path, villages=VILLAGES.replace("Desa Dua", "Desa Dua Baru"))
    output = run(tmp_path)
    assert "Updated 0 provinces, 0 regencies, 0 districts, 1 village." in output
    assert "Renamed 1 village:" in output
    assert "99.01.01.2002: 'Desa Dua' -> 'Desa Dua Baru'" in output
    assert Village.objects.get(code="99.01.01.2002").name == "Desa Dua Baru"


@pytest.mark.django_db
def test_unit_missing_from_the_files_is_reported_not_deleted(tmp_path):
    write_files(tmp_path)
    run(tmp_path)
    write_files(tmp_path, villages=VILLAGES.replace("99.01.01.2002,99.01.01,Desa Dua\n", ""))
    output = run(tmp_path)
    assert "In the database but not in the files (kept, not deleted): 1 village." in output
    assert "99.01.01.2002 Desa Dua" in output
    assert Village.objects.filter(code="99.01.01.2002").exists()


@pytest.mark.django_db
def test_units_missing_from_a_scoped_import_are_listed_with_counts(tmp_path):
    # Province 17 files that lack one regency's kecamatan and villages.
    districts = (BENGKULU / "districts.csv").read_text(encoding="utf-8").splitlines()
    villages = (BENGKULU / "villages.csv").read_text(encoding="utf-8").splitlines()
    write_files(
        tmp_path,
        provinces=(BENGKULU / "provinces.csv").read_text(encoding="utf-8"),
        regencies=(BENGKULU / "regencies.csv").read_text(encoding="utf-8"),
        districts="\n".join(line for line in districts if not line.startswith("17.71.")) + "\n",
        villages="\n".join(line for line in villages if not line.startswith("17.71.")) + "\n",
    )
    expected_districts = District.objects.filter(code__startswith="17.71.").count()
    expected_villages = Village.objects.filter(code__startswith="17.71.").count()
    output = run(tmp_path, "--province", "17")
    assert (
        f"not in the files (kept, not deleted): {expected_districts} districts, "
        f"{expected_villages} villages." in output
    )
    assert Village.objects.filter(code__startswith="17.71.").count() == expected_villages


@pytest.mark.django_db
def test_database_refuses_a_unit_filed_under_another_parent(tmp_path):
    """A code embeds its parent's code, so a unit cannot sit under another parent: the database
    refuses it (check village_code_in_district), whichever path writes."""
    write_files(tmp_path)
    run(tmp_path)
    with pytest.raises(IntegrityError, match="village_code_in_district"), transaction.atomic():
        Village.objects.filter(code="99.01.01.2001").update(district_id="99.71.01")
    assert Village.objects.get(code="99.01.01.2001").district_id == "99.01.01"


@pytest.mark.django_db
def test_excel_export_with_bom_crlf_and_padded_names(tmp_path):
    def excel(text: str) -> bytes:
        return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")

    write_files(
        tmp_path,
        provinces=excel(PROVINCES),
        regencies=excel(REGENCIES),
        districts=excel(DISTRICTS),
        villages=excel(VILLAGES.replace("Desa Satu", "  Desa Satu ")),
    )
    output = run(tmp_path)
    assert "Created 1 province, 2 regencies, 2 districts, 3 villages." in output
    assert Village.objects.get(code="99.01.01.2001").name == "Desa Satu"
    assert Province.objects.get(code="99").name == "Provinsi Uji"


@pytest.mark.django_db
def test_import_function_reports_created_counts(tmp_path):
    write_files(tmp_path)
    report = import_regions(directory=tmp_path)
    assert [(level.level.singular, level.created) for level in report.levels] == [
        ("province", 1),
        ("regency", 2),
        ("district", 2),
        ("village", 3),
    ]
    assert report.changed


@pytest.mark.django_db
def test_bulk_load_path_keeps_indexes_and_foreign_keys(tmp_path):
    """Large loads drop and rebuild secondary indexes and foreign keys; they must come back."""
    from django.db import connection

    def structures():
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT count(*) FROM pg_index WHERE indrelid = 'villages_village'::regclass"""
            )
            indexes = cursor.fetchone()[0]
            cursor.execute(
                """SELECT count(*) FROM pg_constraint
                   WHERE conrelid = 'villages_village'::regclass AND contype = 'f'"""
            )
            return indexes, cursor.fetchone()[0]

    def event_indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
                   WHERE indrelid = 'villages_villageevent'::regclass ORDER BY 1"""
            )
            return cursor.fetchall()

    before = structures(), event_indexes()
    write_files(tmp_path)
    report = import_regions(directory=tmp_path, bulk_min_rows=1)
    assert report.levels[-1].created == 3
    assert (structures(), event_indexes()) == before
    assert Village.objects.filter(code__startswith="99.").count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("bulk_min_rows", [1, 1_000_000], ids=["bulk", "incremental"])
def test_every_created_and_changed_row_gets_its_audit_event(tmp_path, bulk_min_rows):
    """The merge writes with set-based statements; the statement-level audit triggers must still
    record one event per created or changed row (also when indexes are rebuilt)."""
    from django.apps import apps

    VillageEvent = apps.get_model("villages", "VillageEvent")  # noqa: N806

    write_files(tmp_path)
    import_regions(directory=tmp_path, bulk_min_rows=bulk_min_rows)
    inserts = VillageEvent.objects.filter(pgh_label="insert", code__startswith="99.")
    assert sorted(inserts.values_list("code", flat=True)) == [
        "99.01.01.2001",
        "99.01.01.2002",
        "99.71.01.1001",
    ]
    write_files(tmp_path, villages=VILLAGES.replace("Desa Dua", "Desa Dua Baru"))
    import_regions(directory=tmp_path, bulk_min_rows=bulk_min_rows)
    updates = VillageEvent.objects.filter(pgh_label="update", code__startswith="99.")
    assert list(updates.values_list("code", "name")) == [("99.01.01.2002", "Desa Dua Baru")]
    import_regions(directory=tmp_path, bulk_min_rows=bulk_min_rows)  # no change, no event
    assert VillageEvent.objects.filter(code__startswith="99.").count() == 4


@pytest.mark.django_db
def test_layouts_the_copy_fast_path_declines_still_import(tmp_path):
    """Blank lines and quoted line breaks are read by the Python reader instead of COPY; extra
    and reordered columns, quoted commas and Unicode whitespace around names work either way."""
    write_files(
        tmp_path,
        districts="regency_code,code,name,extra\n99.01,99.01.01,Kecamatan A,x\n\n"
        "99.71,99.71.01,Kecamatan B,y\n",
        villages=VILLAGES.replace("Desa Satu", '"Desa Satu, Hulu"').replace(
            "Kelurahan Tiga", "\u00a0Kelurahan Tiga\t"
        ),
    )
    output = run(tmp_path)
    assert "Created 1 province, 2 regencies, 2 districts, 3 villages." in output
    assert District.objects.get(code="99.71.01").name == "Kecamatan B"
    assert Village.objects.get(code="99.01.01.2001").name == "Desa Satu, Hulu"
    assert Village.objects.get(code="99.71.01.1001").name == "Kelurahan Tiga"
    write_files(tmp_path, regencies=REGENCIES.replace("Kota Dua", '"Kota\nDua"'))
    output = run(tmp_path)
    assert "Renamed 1 regency:" in output
    assert Regency.objects.get(code="99.71").name == "Kota\nDua"


# --- Bad input: message names file and line, nothing written -------------------------------------


BAD_INPUT = [
    pytest.param({"villages": None}, ["villages.csv", "file not found"], id="missing-file"),
    pytest.param(
        {"districts": DISTRICTS.replace("regency_code", "kabupaten")},
        ["districts.csv, line 1", "missing column 'regency_code'"],
        id="missing-column",
    ),
    pytest.param(
        {"regencies": REGENCIES.replace("99.71,99,Kota Dua", "99.7,99,Kota Dua")},
        ["regencies.csv, line 3", "malformed regency code '99.7'"],
        id="malformed-regency-code",
    ),
    pytest.param(
        {"villages": VILLAGES.replace("99.01.01.2002,", "99.01.01.20A2,")},
        ["villages.csv, line 3", "malformed village code '99.01.01.20A2'"],
        id="malformed-village-code",
    ),
    pytest.param(
        {"villages": VILLAGES + "99.01.01.2001,99.01.01,Desa Lagi\n"},
        ["villages.csv, line 5", "duplicate code 99.01.01.2001 (also on line 2)"],
        id="duplicate-code",
    ),
    pytest.param(
        {"villages": VILLAGES + "99.01.02.2001,99.01.02,Desa Yatim\n"},
        ["villages.csv, line 5", "district_code 99.01.02", "neither in districts.csv nor"],
        id="unknown-parent",
    ),
    pytest.param(
        {"villages": VILLAGES.replace("99.71.01.1001,99.71.01", "99.71.01.1001,99.01.01")},
        ["villages.csv, line 4", "code 99.71.01.1001 does not belong to district_code 99.01.01"],
        id="prefix-mismatch",
    ),
    pytest.param(
        {"districts": DISTRICTS.replace("Kecamatan B", "   ")},
        ["districts.csv, line 3", "empty name"],
        id="empty-name",
    ),
    pytest.param(
        {"villages": VILLAGES.replace("Desa Dua", "Desa D\xfaa").encode("latin-1")},
        ["villages.csv, line 3", "not UTF-8"],
        id="not-utf8",
    ),
    pytest.param(
        {"villages": VILLAGES + "99.01.01.2003,Desa Tanpa Kolom\n"},
        ["villages.csv, line 5", "expected 3 values"],
        id="short-row",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("files", "expected"), BAD_INPUT)
def test_bad_input_names_file_and_line_and_writes_nothing(tmp_path, files, expected):
    write_files(tmp_path, **files)
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        run(tmp_path)
    message = str(raised.value)
    assert message.startswith("Nothing was imported")
    for part in expected:
        assert part in message
    assert snapshot() == before
    assert not Province.objects.filter(code="99").exists()


@pytest.mark.django_db
def test_several_problems_are_collected(tmp_path):
    write_files(
        tmp_path,
        regencies=REGENCIES.replace("99.71,99,Kota Dua", "99.7,99,Kota Dua"),
        villages=VILLAGES.replace("Desa Satu", "").replace("99.01.01.2002,", "99.01.01.2A02,"),
    )
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        run(tmp_path)
    message = str(raised.value)
    assert "3 problems" in message
    assert "regencies.csv, line 3" in message
    assert "villages.csv, line 2: empty name" in message
    assert "villages.csv, line 3: malformed village code" in message
    assert snapshot() == before


@pytest.mark.django_db
def test_bad_input_in_an_update_leaves_existing_rows_alone(tmp_path):
    """An update run that fails validation in the last file changes no earlier level either."""
    write_files(tmp_path)
    run(tmp_path)
    write_files(
        tmp_path,
        provinces=PROVINCES.replace("Provinsi Uji", "Provinsi Baru"),
        villages=VILLAGES + "99.01.01.2001,99.01.01,Duplikat\n",
    )
    with pytest.raises(CommandError, match=r"villages\.csv, line 5: duplicate code"):
        run(tmp_path)
    assert Province.objects.get(code="99").name == "Provinsi Uji"
