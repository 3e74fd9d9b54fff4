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

from villages.importers.problems import ImportDataError
from villages.importers.regions import import_regions
from villages.models import (
    District,
    Province,
    Regency,
    RegencyKind,
    RegistryImport,
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
        "counts": [
            model.objects.count()
            for model in (Province, Regency, District, Village, RegistryImport)
        ],
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


def registry_structures() -> list:
    """Every index (with its definition), constraint and trigger (with its enabled state) of the
    registry tables, and the foreign keys that point at them."""
    from django.db import connection

    tables = ["villages_province", "villages_regency", "villages_district", "villages_village"]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT indrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
               WHERE indrelid = ANY(%(tables)s::regclass[])
               UNION ALL
               SELECT conrelid::regclass::text, conname || ' ' || pg_get_constraintdef(oid)
               FROM pg_constraint
               WHERE conrelid = ANY(%(tables)s::regclass[])
                  OR confrelid = ANY(%(tables)s::regclass[])
               UNION ALL
               SELECT tgrelid::regclass::text, tgname || ' ' || tgenabled::text FROM pg_trigger
               WHERE tgrelid = ANY(%(tables)s::regclass[]) AND NOT tgisinternal
               ORDER BY 1, 2""",
            {"tables": tables},
        )
        return cursor.fetchall()


@pytest.mark.django_db
def test_bulk_load_path_restores_keys_indexes_constraints_and_triggers(tmp_path):
    """A large load into a (nearly) empty registry drops the primary keys, indexes and foreign
    keys of the tables it fills and switches their insert audit trigger off; all must come back,
    with the same names and definitions."""
    from django.db import connection

    before = registry_structures()
    assert len(before) > 40
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute(
            "TRUNCATE villages_pilot, villages_village, villages_district, villages_regency, "
            "villages_province CASCADE"
        )
    write_files(tmp_path)
    report = import_regions(directory=tmp_path, bulk_min_rows=1)
    assert [level.created for level in report.levels] == [1, 2, 2, 3]
    assert registry_structures() == before
    assert Village.objects.filter(code__startswith="99.").count() == 3
    # The primary key is back: a second copy of a code is refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        Village.objects.create(code="99.01.01.2001", name="Lagi", district_id="99.01.01")


@pytest.mark.django_db
@pytest.mark.parametrize("bulk_min_rows", [1, 1_000_000], ids=["bulk", "incremental"])
def test_an_import_is_recorded_once_and_each_change_keeps_its_values(tmp_path, bulk_min_rows):
    """An import that creates units is one RegistryImport (files with SHA-256, scope, counts,
    audit context), linked from every unit it created, instead of one audit row per unit. The
    first change to such a unit writes its "insert" event from its row as imported (dated and
    attributed like the import), so the change has its values before and after."""
    import hashlib

    import pghistory
    from django.apps import apps
    from pghistory.models import Events

    VillageEvent = apps.get_model("villages", "VillageEvent")  # noqa: N806
    imports = RegistryImport.objects.filter(scope=["99"])
    write_files(tmp_path)
    with pghistory.context(command="import_regions"):
        import_regions(directory=tmp_path, bulk_min_rows=bulk_min_rows)
    record = imports.get()
    assert record.scope == ["99"]
    assert record.changes["village"] == {"in_files": 3, "created": 3, "renamed": 0, "missing": 0}
    assert record.created_count == 8
    assert record.files[3] == {
        "name": "villages.csv",
        "bytes": len(VILLAGES.encode()),
        "sha256": hashlib.sha256(VILLAGES.encode()).hexdigest(),
    }
    assert record.context.metadata == {"command": "import_regions"}
    assert set(
        Village.objects.filter(code__startswith="99.").values_list("imported_by", flat=True)
    ) == {record.pk}
    assert District.objects.get(code="99.71.01").imported_by == record
    # No audit row per created unit; the import itself is in the audit trail.
    assert not VillageEvent.objects.filter(code__startswith="99.").exists()
    assert Events.objects.filter(
        pgh_obj_model="villages.RegistryImport", pgh_obj_id=record.pk
    ).exists()

    write_files(tmp_path, villages=VILLAGES.replace("Desa Dua", "Desa Dua Baru"))
    with pghistory.context(command="import_regions"):
        report = import_regions(directory=tmp_path, bulk_min_rows=bulk_min_rows)
    assert report.levels[-1].renamed == [("99.01.01.2002", "Desa Dua", "Desa Dua Baru")]
    assert imports.count() == 2
    village = Village.objects.get(code="99.01.01.2002")
    events = list(Events.objects.references(village).order_by("pgh_id"))
    assert [event.pgh_label for event in events] == ["insert", "update"]
    assert events[0].pgh_data["name"] == "Desa Dua"
    assert events[0].pgh_created_at == record.created_at
    assert events[0].pgh_context == {"command": "import_regions"}
    assert events[1].pgh_diff == {"name": ["Desa Dua", "Desa Dua Baru"]}
    # The other units are untouched and still have no event of their own.
    assert VillageEvent.objects.filter(code__startswith="99.").count() == 2

    import_regions(directory=tmp_path, bulk_min_rows=bulk_min_rows)  # no change: nothing written
    assert imports.count() == 2
    assert VillageEvent.objects.filter(code__startswith="99.").count() == 2


@pytest.mark.django_db
def test_deleting_an_imported_unit_records_it_as_imported_then_deleted(tmp_path):
    from pghistory.models import Events

    write_files(tmp_path)
    import_regions(directory=tmp_path)
    Village.objects.filter(code="99.71.01.1001").delete()
    events = list(
        Events.objects.filter(
            pgh_obj_model="villages.Village", pgh_obj_id="99.71.01.1001"
        ).order_by("pgh_id")
    )
    assert [event.pgh_label for event in events] == ["insert", "delete"]
    assert events[0].pgh_data["name"] == "Kelurahan Tiga"


@pytest.mark.django_db
def test_units_created_outside_an_import_keep_their_own_insert_event():
    from django.apps import apps

    VillageEvent = apps.get_model("villages", "VillageEvent")  # noqa: N806
    Village.objects.create(
        code="17.01.01.2999", name="Desa Baru", district_id="17.01.01", kind=VillageKind.DESA
    )
    assert list(
        VillageEvent.objects.filter(code="17.01.01.2999").values_list("pgh_label", flat=True)
    ) == ["insert"]


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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "order"),
    [
        ('Ke"u"de', "code,district_code,name"),  # PostgreSQL would read Keude
        (' "Spasi"', "code,district_code,name"),  # PostgreSQL would read " Spasi"
        ('"Soka""an"', "code,district_code,name"),  # canonical CSV: both read Soka"an
        ('"Koma, Hulu"', "code,district_code,name"),
        ("Kampung\u00a0Baru", "code,district_code,name"),  # inner no-break space is kept
        ("Desa Satu", "district_code,code,name"),  # parent column first
        ("Desa Satu", "name,code,district_code"),
    ],
)
def test_fast_path_stores_what_the_python_reader_reads(tmp_path, value, order):
    """Whichever path a file takes (COPY beside a checking thread, or the Python reader), the
    registry gets the values Python's csv module reads from it."""
    from villages.importers.levels import VILLAGE
    from villages.importers.reader import read_region_files

    def line(code: str, name: str) -> str:
        values = {"code": code, "district_code": "99.01.01", "name": name}
        return ",".join(values[column] for column in order.split(","))

    villages = f"{order}\n{line('99.01.01.2001', value)}\n{line('99.01.01.2002', 'Desa Dua')}\n"
    write_files(tmp_path, villages=villages)
    import_regions(directory=tmp_path)
    expected = read_region_files(directory=tmp_path)[VILLAGE]["99.01.01.2001"].name
    assert Village.objects.get(code="99.01.01.2001").name == expected


@pytest.mark.django_db
def test_digits_of_other_scripts_are_not_a_code(tmp_path):
    """Python's \\d would take Arabic-Indic digits; the registry's codes are ASCII."""
    before = snapshot()
    write_files(tmp_path, villages=VILLAGES.replace("99.01.01.2002", "99.01.01.200\u0661"))
    with pytest.raises(ImportDataError, match=r"villages.csv.*line 3"):
        import_regions(directory=tmp_path)
    assert snapshot() == before
