"""Restoring an archive: checked against its manifest, restored aside, compared, then put in
place (`backup_restore`)."""

import json
import logging
import shutil
import tarfile
import tempfile
import time
from pathlib import Path, PurePosixPath

import psycopg2
from django.conf import settings
from django.db import connections
from psycopg2 import sql

from .common import (
    CHUNK,
    DUMP,
    FORMAT,
    MANIFEST,
    MEDIA,
    USER_TABLES,
    VERSION,
    BackupError,
    Database,
    RestoreResult,
    _Hashing,
    _run,
    _table_counts,
    _triggers,
)

logger = logging.getLogger(__name__)


def read_manifest(tar: tarfile.TarFile, archive: Path) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.load(tar.extractfile(member))
    except (KeyError, ValueError, AttributeError) as exc:
        raise BackupError(f"{archive} is not a portal backup (no readable {MANIFEST}).") from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(
            f"{archive}: unknown backup format {manifest.get('format')!r} "
            f"version {manifest.get('version')!r}."
        )
    return manifest


def _media_members(tar: tarfile.TarFile, manifest: dict, archive: Path) -> dict:
    """{relative path: member} of the media files, each checked to be a plain file inside media/
    and listed in the manifest (and every listed file present)."""
    members = {}
    for member in tar.getmembers():
        if not member.name.startswith(MEDIA + "/"):
            continue
        relative = PurePosixPath(member.name).relative_to(MEDIA)
        if (
            not member.isfile()
            or relative.is_absolute()
            or ".." in relative.parts
            or str(relative) not in manifest["media"]["files"]
        ):
            raise BackupError(f"{archive}: unexpected member {member.name!r}.")
        members[str(relative)] = member
    missing = set(manifest["media"]["files"]) - set(members)
    if missing:
        raise BackupError(f"{archive}: media files missing: {sorted(missing)[:5]}")
    return members


def _copy_member(tar, member, destination, expected: dict, archive: Path) -> None:
    """Extract one member to `destination`, checking its size and SHA-256 (None: hash only)."""
    source = _Hashing(tar.extractfile(member))
    if destination is None:
        while source.read(CHUNK):
            pass
    else:
        destination.parent.mkdir(parents=True, exist_ok=True)
        with open(destination, "wb") as out:
            while chunk := source.read(CHUNK):
                out.write(chunk)
    if member.size != expected["bytes"] or source.sha256.hexdigest() != expected["sha256"]:
        raise BackupError(f"{archive}: {member.name} does not match its checksum: damaged.")


def _folder_has_files(folder: Path) -> bool:
    return folder.is_dir() and any(p.is_file() for p in folder.rglob("*"))


def _database_exists(admin, name: str) -> bool:
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _database_tables(server: Database, name: str) -> int:
    conn = server.connect(name)
    try:
        with conn.cursor() as cursor:
            cursor.execute(USER_TABLES)
            return len(cursor.fetchall())
    finally:
        conn.close()


def _drop(admin, name: str) -> None:
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _scratch_name(target: str, suffix: str) -> str:
    name = f"{target[: 63 - len(suffix)]}{suffix}"
    if name == target:
        raise BackupError(f"Database name {target!r} is too long for a scratch copy.")
    return name


def _swap(admin, scratch: str, target: str) -> bool:
    """Put `scratch` in the place of `target` (whose connections are ended). True: replaced."""
    if not _database_exists(admin, target):
        with admin.cursor() as cursor:
            cursor.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(scratch), sql.Identifier(target)
                )
            )
        return False
    old = _scratch_name(target, "__replaced")
    _drop(admin, old)
    for attempt in range(10):
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [target],
            )
            try:
                cursor.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(target), sql.Identifier(old)
                    )
                )
                break
            except psycopg2.errors.ObjectInUse:  # a client reconnected in between
                if attempt == 9:
                    raise BackupError(
                        f"Database {target!r} stays in use: stop the portal, its workers "
                        "and beat, then restore again."
                    ) from None
                time.sleep(0.5)
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(scratch), sql.Identifier(target)
            )
        )
    _drop(admin, old)
    return True


def _restore_database(server: Database, admin, scratch: str, dump: Path, manifest, jobs: int):
    """pg_restore into a new `scratch` database and compare it with the manifest."""
    _drop(admin, scratch)
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(scratch)
            )
        )
    _run(
        [
            "pg_restore",
            f"--dbname={scratch}",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--jobs={max(1, jobs)}",
            str(dump),
        ],
        server.named(scratch).environment(),
    )
    conn = server.connect(scratch)
    try:
        with conn.cursor() as cursor:
            counts = _table_counts(cursor)
            triggers = _triggers(cursor)
    finally:
        conn.close()
    expected = manifest["database"]["tables"]
    if counts != expected:
        differing = sorted(
            name for name in set(counts) | set(expected) if counts.get(name) != expected.get(name)
        )
        raise BackupError(f"Restored row counts differ from the backup's: {differing[:10]}")
    if triggers != manifest["database"]["triggers"]:
        raise BackupError("The restored database lacks triggers the backup had (audit trail).")
    return counts, triggers


def backup_restore(
    *,
    archive: Path,
    database_name: str | None = None,
    media_root: Path | None = None,
    force: bool = False,
    jobs: int = 2,
    check_only: bool = False,
) -> RestoreResult:
    """Restore `archive` into `database_name` (default: the portal's database) and `media_root`
    (default: MEDIA_ROOT). A database with tables or a media folder with files is replaced only
    with `force`. `check_only`: restore into a scratch database and a temporary folder, verify,
    remove both."""
    started = time.monotonic()
    server = Database.from_settings()
    target = database_name or server.name
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if not archive.is_file():
        raise BackupError(f"No archive at {archive}.")
    connections.close_all()  # this process must not hold the database being replaced

    with tarfile.open(archive, "r:") as tar, tempfile.TemporaryDirectory() as work:
        manifest = read_manifest(tar, archive)
        media_members = _media_members(tar, manifest, archive)
        admin = server.connect("postgres")
        admin.autocommit = True
        try:
            if not check_only and not force:
                problems = []
                if _database_exists(admin, target) and _database_tables(server, target):
                    problems.append(f"database {target!r} has tables")
                if _folder_has_files(media_root):
                    problems.append(f"media folder {media_root} has files")
                if problems:
                    raise BackupError(
                        "Refusing to overwrite: "
                        + " and ".join(problems)
                        + ". Restore into an empty database and folder (--database, "
                        "--media-root), or replace them with --force."
                    )
            # 1. The archive matches its manifest (nothing is changed before this holds).
            dump = Path(work) / DUMP
            _copy_member(tar, tar.getmember(DUMP), dump, manifest["database"], archive)
            for relative, member in media_members.items():
                _copy_member(tar, member, None, manifest["media"]["files"][relative], archive)

            # 2. The database, restored aside and compared with the manifest.
            suffix = "__check" if check_only else "__restoring"
            scratch = _scratch_name(target, suffix)
            restore_started = time.monotonic()
            try:
                counts, triggers = _restore_database(server, admin, scratch, dump, manifest, jobs)
            except BackupError:
                _drop(admin, scratch)
                raise
            restore_seconds = time.monotonic() - restore_started
            dump.unlink()

            # 3. Into place (or, for a check, the media into a temporary folder and away).
            if check_only:
                _drop(admin, scratch)
                media_root = Path(work) / MEDIA
                replaced = False
            else:
                replaced = _swap(admin, scratch, target)
            if not check_only and media_root.is_dir():
                for child in media_root.iterdir():
                    if child.is_dir() and not child.is_symlink():
                        shutil.rmtree(child)
                    else:
                        child.unlink()
            for relative, member in media_members.items():
                _copy_member(
                    tar,
                    member,
                    media_root / relative,
                    manifest["media"]["files"][relative],
                    archive,
                )
        finally:
            admin.close()
    result = RestoreResult(
        archive=archive,
        database=target,
        media_root=media_root,
        tables=len(counts),
        rows=sum(counts.values()),
        triggers=len(triggers),
        media_files=len(media_members),
        restore_seconds=round(restore_seconds, 2),
        seconds=round(time.monotonic() - started, 2),
        replaced=replaced,
    )
    logger.debug("backup restored: %s", result)
    return result
