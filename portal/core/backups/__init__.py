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

from .common import USER_TABLES, BackupError, BackupResult, Database, RestoreResult, archives
from .create import backup_create
from .restore import backup_restore, read_manifest

__all__ = [
    "USER_TABLES",
    "BackupError",
    "BackupResult",
    "Database",
    "RestoreResult",
    "archives",
    "backup_create",
    "backup_restore",
    "read_manifest",
]
