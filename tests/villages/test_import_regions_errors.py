"""import_regions refuses bad input: the message names the file and the line, and nothing is
written (the files and helpers of a synthetic province 99 come from test_import_regions)."""

import pytest
from django.core.management.base import CommandError

from villages.models import Province

from .test_import_regions import (
    DISTRICTS,
    PROVINCES,
    REGENCIES,
    VILLAGES,
    run,
    snapshot,
    write_files,
)

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
