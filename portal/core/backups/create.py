"""Writing an archive: the dump, the media files and the manifest (`backup_create`)."""

import datetime
import io
import json
import logging
import os
import tarfile
import tempfile
import time
from pathlib import Path

from .common import (
    DUMP,
    FORMAT,
    MANIFEST,
    MEDIA,
    VERSION,
    BackupError,
    BackupResult,
    Database,
    _Hashing,
    _is_inside,
    _media_files,
    _run,
    _table_counts,
    _triggers,
    archives,
)

logger = logging.getLogger(__name__)


def backup_create(
    *, directory: Path, keep: int, media_root: Path, database: Database | None = None
) -> BackupResult:
    """Write one archive of the database and the media files into `directory`, then remove the
    oldest archives of the same database beyond `keep` (0 keeps them all)."""
    started = time.monotonic()
    database = database or Database.from_settings()
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"portal-{database.name}-{stamp}.tar"
    final = directory / name
    if final.exists():
        raise BackupError(f"{final} exists already: one backup a second at most.")
    exclude = directory.resolve() if _is_inside(directory, media_root) else None
    if exclude is not None:
        logger.warning("BACKUP_DIR %s is inside MEDIA_ROOT: left out of the archive", directory)

    with tempfile.TemporaryDirectory(prefix=".portal-backup-", dir=directory) as work:
        dump = Path(work) / DUMP
        partial = Path(work) / name
        dump_started = time.monotonic()
        conn = database.connect()
        try:
            conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
                snapshot, server_version = cursor.fetchone()
                counts = _table_counts(cursor)
                triggers = _triggers(cursor)
                migrations = {}
                if "public.django_migrations" in counts:
                    cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app")
                    migrations = dict(sorted(cursor.fetchall()))
                # pg_dump reads the very snapshot the counts were taken in.
                _run(
                    [
                        "pg_dump",
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        f"--file={dump}",
                    ],
                    database.environment(),
                )
        finally:
            conn.close()
        dump_seconds = time.monotonic() - dump_started
        pg_dump_version = _run(["pg_dump", "--version"], database.environment()).strip()

        media = {}
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            info = tar.gettarinfo(str(dump), arcname=DUMP)
            with open(dump, "rb") as fileobj:
                hashing = _Hashing(fileobj)
                tar.addfile(info, hashing)
            dump_entry = {"bytes": info.size, "sha256": hashing.sha256.hexdigest()}
            for path in _media_files(media_root, exclude):
                relative = path.relative_to(media_root).as_posix()
                try:
                    fileobj = open(path, "rb")  # noqa: SIM115 - closed below
                except FileNotFoundError:  # deleted during the backup
                    continue
                with fileobj:
                    info = tar.gettarinfo(arcname=f"{MEDIA}/{relative}", fileobj=fileobj)
                    info.uname = info.gname = ""
                    hashing = _Hashing(fileobj)
                    tar.addfile(info, hashing)
                media[relative] = {"bytes": info.size, "sha256": hashing.sha256.hexdigest()}
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": stamp,
                "database": {
                    "name": database.name,
                    "postgresql": server_version,
                    "pg_dump": pg_dump_version,
                    "file": DUMP,
                    **dump_entry,
                    "tables": counts,
                    "rows": sum(counts.values()),
                    "triggers": triggers,
                    "migrations": migrations,
                },
                "media": {"files": media, "bytes": sum(m["bytes"] for m in media.values())},
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
            tar.addfile(info, io.BytesIO(data))
        with open(partial, "rb") as fileobj:
            os.fsync(fileobj.fileno())
        os.replace(partial, final)

    removed = []
    if keep > 0:
        for old in archives(directory, database.name)[:-keep]:
            old.unlink()
            removed.append(old)
    result = BackupResult(
        path=final,
        bytes=final.stat().st_size,
        tables=len(counts),
        rows=sum(counts.values()),
        triggers=len(triggers),
        media_files=len(media),
        media_bytes=manifest["media"]["bytes"],
        dump_seconds=round(dump_seconds, 2),
        seconds=round(time.monotonic() - started, 2),
        removed=removed,
    )
    logger.debug("backup written: %s", result.as_dict())
    return result


# --- Restore ------------------------------------------------------------------------------------
