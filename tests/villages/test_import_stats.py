"""`import_stats`: population, area and postal codes."""

import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from villages.models import Province, Regency, Village

STATS = Path(__file__).resolve().parents[2] / "villages" / "data" / "bengkulu" / "stats"


def run(directory: Path) -> str:
    out = StringIO()
    call_command("import_stats", str(directory), stdout=out)
    return out.getvalue()


def copy_stats(tmp_path: Path) -> Path:
    for name in ("bengkulu_penduduk.csv", "bengkulu_luas.csv", "bengkulu_kodepos.csv"):
        shutil.copy(STATS / name, tmp_path / name)
    return tmp_path


def snapshot() -> tuple:
    return (
        Province.objects.values_list("population", "area_km2").get(code="17"),
        Regency.objects.values_list(
            "population", "population_male", "population_female", "area_km2"
        ).get(code="17.71"),
        Village.objects.values_list("postal_code", "updated_at").get(code="17.01.01.2001"),
        Village.objects.exclude(postal_code="").count(),
    )


@pytest.mark.django_db
def test_bengkulu_figures_are_loaded():
    province = Province.objects.get(code="17")
    assert province.population == 2_127_957
    assert province.area_km2 == Decimal("20122.210")
    kota = Regency.objects.get(code="17.71")
    assert (kota.population, kota.population_male, kota.population_female) == (
        400_533,
        201_457,
        199_076,
    )
    assert kota.area_km2 == Decimal("150.183")
    assert Village.objects.get(code="17.01.01.2001").postal_code == "38553"
    assert Village.objects.filter(code__startswith="17.", postal_code="").count() == 0


@pytest.mark.django_db
def test_second_run_changes_nothing():
    before = snapshot()
    output = run(STATS)
    assert output.startswith("No changes:")
    assert snapshot() == before


@pytest.mark.django_db
def test_changed_figure_is_updated_and_unknown_codes_reported(tmp_path):
    copy_stats(tmp_path)
    path = tmp_path / "bengkulu_kodepos.csv"
    text = path.read_text(encoding="utf-8").replace(
        "17.01.01.2001,Batu Ampar,38553", "17.01.01.2001,Batu Ampar,38554"
    )
    path.write_text(text + "99.01.01.2001,Nowhere,12345\r\n", encoding="utf-8")
    output = run(tmp_path)
    assert "postal code 1 of 1514 (bengkulu_kodepos.csv)" in output
    assert "bengkulu_kodepos.csv: 1 code(s) not in the registry, skipped: 99.01.01.2001" in output
    assert Village.objects.get(code="17.01.01.2001").postal_code == "38554"


BAD_STATS = [
    pytest.param(
        "bengkulu_penduduk.csv",
        ("17.71,Kota Bengkulu,201457,199076,400533", "17.71,Kota Bengkulu,201457,lots,400533"),
        "bengkulu_penduduk.csv, line 12: female 'lots' is not a whole number",
        id="bad-number",
    ),
    pytest.param(
        "bengkulu_penduduk.csv",
        ("17.71,Kota Bengkulu,201457,199076,400533", "17.71,Kota Bengkulu,201457,199076,400534"),
        "bengkulu_penduduk.csv, line 12: male 201457 + female 199076 is not total 400534",
        id="inconsistent-total",
    ),
    pytest.param(
        "bengkulu_luas.csv",
        ("17.01,Kabupaten Bengkulu Selatan,1219.063", "17.01,Kabupaten Bengkulu Selatan,-3"),
        "bengkulu_luas.csv, line 3: area_km2 '-3' is not a positive number",
        id="negative-area",
    ),
    pytest.param(
        "bengkulu_kodepos.csv",
        ("17.01.01.2002,Rantau Sialang,38553", "17.01.01.2002,Rantau Sialang,3855"),
        "bengkulu_kodepos.csv, line 3: postal_code '3855' is not 5 digits",
        id="bad-postal-code",
    ),
    pytest.param(
        "bengkulu_kodepos.csv",
        ("17.01.01.2002,Rantau Sialang,38553", "17.01.01.2001,Rantau Sialang,38553"),
        "bengkulu_kodepos.csv, line 3: duplicate code 17.01.01.2001 (also on line 2)",
        id="duplicate-code",
    ),
    pytest.param(
        "bengkulu_penduduk.csv",
        ("17.71,Kota Bengkulu,201457,199076,400533", "17.7,Kota Bengkulu,201457,199076,400533"),
        "bengkulu_penduduk.csv, line 12: malformed code '17.7' "
        "(expected NN, NN.NN, NN.NN.NN or NN.NN.NN.NNNN)",
        id="malformed-code",
    ),
    pytest.param(
        "bengkulu_kodepos.csv",
        ("17.01.01.2002,Rantau Sialang,38553", "17.01.01,Rantau Sialang,38553"),
        "bengkulu_kodepos.csv, line 3: 17.01.01 is a district; this file gives figures for "
        "villages only",
        id="wrong-level",
    ),
    pytest.param(
        "bengkulu_luas.csv",
        ("code,name,area_km2", "code,name,luas"),
        "bengkulu_luas.csv, line 1: missing column 'area_km2'",
        id="missing-column",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("filename", "replace", "expected"), BAD_STATS)
def test_bad_input_names_file_and_line_and_writes_nothing(tmp_path, filename, replace, expected):
    copy_stats(tmp_path)
    # Change the area too, to show that a good file is not written when another is bad.
    luas = tmp_path / "bengkulu_luas.csv"
    luas.write_text(
        luas.read_text(encoding="utf-8").replace("17,Bengkulu,20122.21", "17,Bengkulu,1"),
        encoding="utf-8",
    )
    path = tmp_path / filename
    text = path.read_text(encoding="utf-8")
    assert replace[0] in text
    path.write_text(text.replace(replace[0], replace[1]), encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        run(tmp_path)
    assert expected in str(raised.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_missing_file_is_an_error(tmp_path):
    copy_stats(tmp_path)
    (tmp_path / "bengkulu_luas.csv").unlink()
    before = snapshot()
    with pytest.raises(CommandError, match=r"expected one \*luas\.csv file \(area\), found none"):
        run(tmp_path)
    assert snapshot() == before


@pytest.mark.django_db
def test_population_and_area_of_kecamatan_and_villages(tmp_path):
    """Figures of kecamatan and villages (e.g. BPS "Kecamatan Dalam Angka") load like the
    kabupaten's; the pilot-choice pages read them (villages.pilot_choice)."""
    from villages.models import District

    copy_stats(tmp_path)
    with (tmp_path / "bengkulu_penduduk.csv").open("a") as f:
        f.write("17.01.01,Kedurang,7000,7100,14100\n17.01.01.2001,Batu Ampar,600,612,1212\n")
    with (tmp_path / "bengkulu_luas.csv").open("a") as f:
        f.write("17.01.01,Kedurang,345.5\n17.01.01.2001,Batu Ampar,12.25\n")
    run(tmp_path)
    assert District.objects.values_list("population", "area_km2").get(code="17.01.01") == (
        14_100,
        Decimal("345.500"),
    )
    assert Village.objects.values_list("population", "area_km2").get(code="17.01.01.2001") == (
        1212,
        Decimal("12.250"),
    )
