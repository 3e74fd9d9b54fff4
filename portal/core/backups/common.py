"""What backing up and restoring share: the archive's layout, the database connection, counts,
triggers, hashing and the media files."""

import dataclasses
import hashlib
import logging
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from django.conf import settings
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
