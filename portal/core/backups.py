"""Backups that are proven to restore: the database and the media files in one archive.

An archive is one uncompressed tar file, `portal-<database>-<UTC time>.tar`, holding

- `database.dump`: `pg_dump --format=custom` of the whole database (PostGIS, the audit trail's
  triggers and functions, every table), taken in one snapshot;
- `media/...`: every file under MEDIA_ROOT (kiosk and survey photos), copied after the dump, so
  every file a row of the dump names is there unless it was deleted during the backup;
- `manifest.json` (last): the row count of every table and the audit triggers, counted in the
  dump's own snapshot, and the size and SHA-256 of the dump and of every media file.

`restore` checks the archive against its manifest before it changes anything, restores into a new
scratch database, compares the row counts and the triggers with the manifest, and only then puts
the restored database in place of the target (a rename) and the media files in MEDIA_ROOT. It
refuses to replace a database or a media folder that is not empty unless told to (`force`).
`check` does the same into a scratch database and a temporary folder, then removes both: a
restore drill that touches nothing.

Archives are written under a temporary name and renamed when complete; after a successful backup
the oldest archives of the same database beyond `keep` are removed. PostgreSQL's client tools
(`pg_dump`, `pg_restore`) of the server's major version or newer must be installed.
"""

import dataclasses
import datetime
import hashlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import psycopg2
from django.conf import settings
from django.db import connections
from psycopg2 import sql

logger = logging.getLogger(__name__)

FORMAT = "bengkulu-portal-backup"
VERSION = 1
ARCHIVE_RE = re.compile(r"^portal-(?P<database>.+)-(?P<stamp>\d{8}T\d{6}Z)\.tar$")
DUMP = "database.dump"
MANIFEST = "manifest.json"
MEDIA = "media"
CHUNK = 1024 * 1024

USER_TABLES = """
    SELECT n.nspname, c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%'
      AND NOT EXISTS (
          SELECT 1 FROM pg_depend d
          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY 1, 2
"""
TRIGGERS = """
    SELECT c.relname || '.' || t.tgname
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE NOT t.tgisinternal ORDER BY 1
"""


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Database:
    """Where a database is, as PostgreSQL's client tools need it (from DATABASES)."""

    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""
    options: dict = field(default_factory=dict)

    @classmethod
    def from_settings(cls, alias: str = "default", name: str | None = None) -> "Database":
        config = settings.DATABASES[alias]
        return cls(
            name=name or config["NAME"],
            host=config.get("HOST") or "",
            port=str(config.get("PORT") or ""),
            user=config.get("USER") or "",
            password=config.get("PASSWORD") or "",
            options=dict(config.get("OPTIONS") or {}),
        )

    def named(self, name: str) -> "Database":
        return dataclasses.replace(self, name=name)

    def environment(self) -> dict:
        """PG* variables for pg_dump/pg_restore (the password never appears in a command line)."""
        env = {**os.environ, "PGDATABASE": self.name}
        for key, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGSSLMODE", self.options.get("sslmode", "")),
            ("PGCONNECT_TIMEOUT", str(self.options.get("connect_timeout", ""))),
        ):
            if value:
                env[key] = value
        return env

    def connect(self, dbname: str | None = None):
        params = {
            "dbname": dbname or self.name,
            "host": self.host or None,
            "port": self.port or None,
            "user": self.user or None,
            "password": self.password or None,
            "connect_timeout": self.options.get("connect_timeout", 10),
        }
        if self.options.get("sslmode"):
            params["sslmode"] = self.options["sslmode"]
        try:
            return psycopg2.connect(**{k: v for k, v in params.items() if v is not None})
        except psycopg2.OperationalError as exc:
            raise BackupError(f"Cannot connect to database {params['dbname']!r}: {exc}") from exc


@dataclass
class BackupResult:
    path: Path
    bytes: int
    tables: int
    rows: int
    triggers: int
    media_files: int
    media_bytes: int
    dump_seconds: float
    seconds: float
    removed: list[Path] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**self.__dict__, "path": str(self.path), "removed": [str(p) for p in self.removed]}


@dataclass
class RestoreResult:
    archive: Path
    database: str
    media_root: Path
    tables: int
    rows: int
    triggers: int
    media_files: int
    restore_seconds: float
    seconds: float
    replaced: bool


# --- Helpers ------------------------------------------------------------------------------------


def _run(command: list[str], env: dict) -> str:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} is not installed: install PostgreSQL's client tools "
            "(Debian: postgresql-client) of the server's version or newer."
        ) from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


def _table_counts(cursor) -> dict[str, int]:
    cursor.execute(USER_TABLES)
    tables = cursor.fetchall()
    counts = {}
    for schema, table in tables:
        cursor.execute(
            sql.SQL("SELECT count(*) FROM {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
        )
        counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def _triggers(cursor) -> list[str]:
    cursor.execute(TRIGGERS)
    return [row[0] for row in cursor.fetchall()]


class _Hashing:
    """A file wrapper that hashes what is read through it (for tarfile.addfile/extract)."""

    def __init__(self, fileobj):
        self.fileobj = fileobj
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.fileobj.read(size)
        self.sha256.update(data)
        return data


def _media_files(media_root: Path, exclude: Path | None):
    """Regular files under media_root, sorted, without the `exclude` folder."""
    if not media_root.is_dir():
        return
    for directory, dirnames, filenames in os.walk(media_root):
        here = Path(directory)
        dirnames[:] = sorted(
            d for d in dirnames if exclude is None or (here / d).resolve() != exclude
        )
        for filename in sorted(filenames):
            path = here / filename
            if path.is_file() and not path.is_symlink():
                yield path


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def archives(directory: Path, database: str | None = None) -> list[Path]:
    """The complete archives in `directory` (of `database`, if given), oldest first."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = ARCHIVE_RE.match(path.name)
        if match and path.is_file() and (database is None or match["database"] == database):
            found.append((match["stamp"], path))
    return [path for _stamp, path in sorted(found)]


# --- Backup -------------------------------------------------------------------------------------


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
