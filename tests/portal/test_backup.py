"""Backups that are proven to restore (portal/core/backups.py): a real worker runs the beat's backup
task on a populated test database with photos; the archive is restored into a new database and
compared table by table, geometry, audit triggers and media file hashes."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from portal.core.backups import USER_TABLES, Database, archives, backup_create
from portal.core.roles import Role
from tests.celery_worker import celery_worker
from tests.factories import UserFactory
from tests.warkop.factories import WarkopFactory
from warkop.models import Warkop
from warkop.services import warkop_add_photo

TRIGGERS = """SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
              WHERE NOT t.tgisinternal ORDER BY 1, 2"""
BOUNDARY_OF = "SELECT ST_AsEWKB(boundary) FROM villages_village WHERE code = %s"


def _png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _counts(cursor) -> dict:
    cursor.execute(USER_TABLES)
    counts = {}
    for schema, table in cursor.fetchall():
        cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
        counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def _hashes(folder: Path) -> dict:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _connect(name: str):
    server = Database.from_settings()
    return psycopg2.connect(dbname=name, host=server.host or None, user=server.user or None)


@pytest.fixture
def restored_name():
    """A database name for the restore, dropped afterwards."""
    name = connection.settings_dict["NAME"] + "_restored"
    yield name
    admin = _connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.mark.worker
def test_backup_by_the_worker_restores_into_a_new_database(
    committed_registry, tmp_path, settings, restored_name
):
    media, backup_dir, restored_media = tmp_path / "media", tmp_path / "b", tmp_path / "restored"
    settings.MEDIA_ROOT = str(media)
    staff = UserFactory(username="staf-backup", role=Role.PROVINCIAL_STAFF)
    kiosk = WarkopFactory(name="Warkop Cadangan")
    for colour in ("green", "red"):
        warkop_add_photo(
            warkop=kiosk, image=SimpleUploadedFile(f"{colour}.png", _png(colour)), by=staff
        )
    Warkop.objects.filter(pk=kiosk.pk).update(name="Warkop Cadangan (diubah)")  # audited
    assert len(_hashes(media)) == 2

    from portal.core.tasks import backup_portal

    worker_env = {"MEDIA_ROOT": str(media), "BACKUP_DIR": str(backup_dir), "BACKUP_KEEP": "3"}
    with celery_worker(tmp_path, **worker_env) as queue:
        result = backup_portal.apply_async(queue=queue).get(timeout=300)
    archive = Path(result["path"])
    assert archives(backup_dir) == [archive]
    assert result["media_files"] == 2 and result["tables"] > 50

    call_command("restore", str(archive), database=restored_name, media_root=str(restored_media))

    with connection.cursor() as source_cursor:
        source_counts = _counts(source_cursor)
        source_cursor.execute(TRIGGERS)
        source_triggers = source_cursor.fetchall()
        source_cursor.execute(BOUNDARY_OF, ["17.71.01.1001"])
        boundary = bytes(source_cursor.fetchone()[0])
    restored = _connect(restored_name)
    restored.autocommit = True
    try:
        with restored.cursor() as cursor:
            # Every table, row for row count.
            assert _counts(cursor) == source_counts
            assert source_counts["public.warkop_warkopphoto"] == 2
            assert source_counts["public.villages_village"] == 1513
            # A boundary, equal as a geometry and byte for byte.
            cursor.execute(
                "SELECT ST_Equals(boundary, ST_GeomFromEWKB(%s)), ST_AsEWKB(boundary) = %s, "
                "ST_NPoints(boundary) FROM villages_village WHERE code = %s",
                [boundary, boundary, "17.71.01.1001"],
            )
            equal, same_bytes, points = cursor.fetchone()
            assert equal and same_bytes and points > 10
            # The audit trail's triggers are there, and they record.
            cursor.execute(TRIGGERS)
            triggers = cursor.fetchall()
            assert triggers == source_triggers
            assert any(t == "warkop_warkop" and n.startswith("pgtrigger_") for t, n in triggers)
            cursor.execute("SELECT count(*) FROM warkop_warkopevent")
            events = cursor.fetchone()[0]
            cursor.execute("UPDATE warkop_warkop SET name = 'Dipulihkan' WHERE id = %s", [kiosk.pk])
            cursor.execute("SELECT count(*) FROM warkop_warkopevent")
            assert cursor.fetchone()[0] == events + 1
    finally:
        restored.close()
    # The photos, file for file.
    assert _hashes(restored_media) == _hashes(media)

    # A second restore into the now populated database (and media folder) is refused.
    with pytest.raises(CommandError, match="Refusing to overwrite"):
        call_command(
            "restore", str(archive), database=restored_name, media_root=str(restored_media)
        )
    # ... unless told to: the restore replaces the database (the change made above is gone) and
    # the media folder (a file added since is gone).
    (restored_media / "stray.txt").write_text("not in the backup")
    call_command(
        "restore",
        str(archive),
        database=restored_name,
        media_root=str(restored_media),
        force=True,
        stdout=io.StringIO(),
    )
    restored = _connect(restored_name)
    with restored.cursor() as cursor:
        cursor.execute("SELECT name FROM warkop_warkop WHERE id = %s", [kiosk.pk])
        assert cursor.fetchone()[0] == "Warkop Cadangan (diubah)"
        assert _counts(cursor) == source_counts
    restored.close()
    assert _hashes(restored_media) == _hashes(media)
    # The check restores aside and keeps nothing.
    out = io.StringIO()
    call_command("restore", str(archive), check=True, stdout=out)
    assert "restores:" in out.getvalue() and "Nothing was kept" in out.getvalue()


@pytest.mark.django_db
def test_retention_keeps_the_newest_archives_of_this_database(tmp_path):
    other = tmp_path / "portal-otherdb-20200101T000000Z.tar"
    other.write_bytes(b"not ours to remove")
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("kept")
    made = []
    for _ in range(3):
        made.append(backup_create(directory=tmp_path, keep=2, media_root=tmp_path / "m").path)
        time.sleep(1.1)  # archives are named by the second
    assert archives(tmp_path, connection.settings_dict["NAME"]) == made[1:]
    assert other.exists() and unrelated.exists()
    assert not any(p.name.startswith(".portal-backup-") for p in tmp_path.iterdir())


@pytest.mark.django_db
def test_a_damaged_archive_is_refused_before_anything_changes(tmp_path, restored_name):
    result = backup_create(directory=tmp_path / "b", keep=0, media_root=tmp_path / "m")
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(result.path) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "database.dump":
                data = data[:-100] + bytes(100)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command(
            "restore", str(damaged), database=restored_name, media_root=str(tmp_path / "new")
        )
    admin = _connect("postgres")
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [restored_name + "%"]
        )
        assert cursor.fetchall() == []
    admin.close()
    with tarfile.open(result.path) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["database"]["rows"] == sum(manifest["database"]["tables"].values())
    assert "villages_village" in json.dumps(manifest["database"]["triggers"])


def _beat_entry(backup_time: str) -> str:
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "e = settings.CELERY_BEAT_SCHEDULE.get('portal-backup');"
        "print(e and (e['task'], sorted(e['schedule'].hour), sorted(e['schedule'].minute)))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "BACKUP_TIME": backup_time}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_daily_backup_runs_at_backup_time_or_not_at_all():
    assert _beat_entry("03:15") == "('portal.tasks.backup_portal', [3], [15])"
    assert _beat_entry("") == "None"  # cron runs `manage.py backup` instead
