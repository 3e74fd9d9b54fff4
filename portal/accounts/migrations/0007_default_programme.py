"""The default programme: the Governor's first 100 working days, with the milestones the team's
plan implies (decree forming the team, camat proposals, a pilot desa in every kecamatan, the
inventory of locations, the first Warkop Digital kiosks and their services, the report).

Source of the plan: the provincial government's announcement of 4 May 2021 (Tim Percepatan for
the Program Akselerasi Ekonomi Digital Desa, target at least one desa per kecamatan in the first
100 days), as summarised in the team's fact sheet (warkop_digital_facts.csv, kept with the
shared data outside this repository). The start date is PROGRAMME_DEFAULT_START (empty: the day
of the migration, in Asia/Jakarta); staff change it on the programme page. The titles are data,
in Bahasa Indonesia like the team's documents.
"""

import datetime

from django.conf import settings
from django.db import migrations
from django.utils import timezone

NAME = "100 Hari Kerja Gubernur — Akselerasi Ekonomi Digital Desa (Warkop Digital)"

MILESTONES = [
    # (due working day, title, responsible unit, kind, metric, target, description)
    (
        10,
        "SK Gubernur tentang pembentukan Tim Percepatan diterbitkan",
        "Sekretariat Daerah Provinsi Bengkulu",
        "manual",
        "",
        None,
        "Keputusan Gubernur yang membentuk Tim Percepatan Program Akselerasi Ekonomi Digital "
        "Desa. Bukti: salinan SK.",
    ),
    (
        15,
        "Surat kepada camat: usulan satu desa percontohan per kecamatan",
        "DPMD Provinsi Bengkulu",
        "manual",
        "",
        None,
        "Setiap camat diminta mengusulkan satu desa; kepala desa memilih satu warung kopi yang "
        "akan menjadi Warkop Digital. Bukti: surat edaran.",
    ),
    (
        45,
        "Desa percontohan terpilih di setiap kecamatan",
        "DPMD Provinsi Bengkulu",
        "metric",
        "pilot_districts",
        None,
        "Target: sekurang-kurangnya satu desa percontohan terpilih di setiap kecamatan.",
    ),
    (
        60,
        "Inventarisasi lokasi: survei sinyal (blank spot) dan serat optik terverifikasi di setiap "
        "desa percontohan",
        "Diskominfotik Provinsi Bengkulu",
        "metric",
        "pilots_with_verified_survey",
        None,
        "Setiap desa percontohan memiliki survei cakupan yang sudah diverifikasi.",
    ),
    (
        75,
        "Warkop Digital pertama beroperasi (satu per kabupaten/kota)",
        "Diskominfotik Provinsi Bengkulu",
        "metric",
        "operational_kiosks",
        10,
        "Sepuluh Warkop Digital beroperasi: satu di setiap kabupaten/kota.",
    ),
    (
        90,
        "Layanan pembayaran terdaftar di setiap Warkop Digital yang beroperasi",
        "Diskominfotik bersama mitra perbankan",
        "metric",
        "kiosks_with_services",
        None,
        "Setiap Warkop Digital yang beroperasi menawarkan sekurang-kurangnya satu layanan aktif "
        "(PPOB, agen bank, QRIS).",
    ),
    (
        100,
        "Warkop Digital beroperasi di setiap desa percontohan",
        "Diskominfotik Provinsi Bengkulu",
        "metric",
        "operational_kiosks",
        None,
        "Target: satu Warkop Digital beroperasi untuk setiap desa percontohan terpilih.",
    ),
    (
        100,
        "Laporan 100 hari kerja disampaikan kepada Gubernur",
        "Tim Percepatan",
        "manual",
        "",
        None,
        "Bukti: laporan yang disampaikan.",
    ),
]


def start_date() -> datetime.date:
    value = getattr(settings, "PROGRAMME_DEFAULT_START", "")
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


def seed(apps, schema_editor):
    Programme = apps.get_model("portal", "Programme")
    Milestone = apps.get_model("portal", "Milestone")
    if Programme.objects.filter(name=NAME).exists():
        return
    programme = Programme.objects.create(
        name=NAME,
        description=(
            "Program Akselerasi Ekonomi Digital Desa dengan Mewujudkan Warkop Digital di Desa "
            "dan Kelurahan, dalam 100 hari kerja pertama Gubernur."
        ),
        start_date=start_date(),
        length_working_days=100,
        is_current=not Programme.objects.filter(is_current=True).exists(),
    )
    Milestone.objects.bulk_create(
        Milestone(
            programme=programme,
            due_day=due,
            title=title,
            responsible_unit=unit,
            kind=kind,
            metric=metric,
            target=target,
            description=description,
        )
        for due, title, unit, kind, metric, target, description in MILESTONES
    )


def unseed(apps, schema_editor):
    apps.get_model("portal", "Programme").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0006_programme_roles")]

    operations = [migrations.RunPython(seed, unseed)]
