"""Benchmark: `manage.py backup` and `manage.py restore` on an existing portal database.

Usage (from the repository root)::

    .venv/bin/python bench/backup_restore.py DATABASE [--rounds 3] [--media-root DIR]

Each round writes an archive of DATABASE (and of the media folder, default MEDIA_ROOT) into a
temporary folder with `portal.core.backups.backup_create`, then restores it into a new database
`<DATABASE>_benchrestore` and a temporary media folder with `backup_restore` (the archive checked,
pg_restore into a scratch database, the row counts compared, the rename), and drops that database.
Prints per-round times, the archive's size and the medians. The Python/Django start is excluded;
DROP DATABASE (a checkpoint) between rounds is not timed.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--media-root", default=None)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = f"postgis://postgres@{args.host}:5432/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.conf import settings

    from portal.core.backups import Database, backup_create, backup_restore
    from portal.core.backups.restore import _drop

    media_root = Path(args.media_root or settings.MEDIA_ROOT)
    target = f"{args.database}_benchrestore"
    server = Database.from_settings()
    backups, restores, pg_restores = [], [], []
    print(f"{'round':>5} {'backup':>8} {'archive':>9} {'restore':>8} {'pg_restore':>10}  rows")
    for number in range(1, args.rounds + 1):
        with tempfile.TemporaryDirectory() as work:
            start = time.perf_counter()
            backup = backup_create(directory=Path(work) / "b", keep=0, media_root=media_root)
            backups.append(time.perf_counter() - start)
            start = time.perf_counter()
            restored = backup_restore(
                archive=backup.path, database_name=target, media_root=Path(work) / "media"
            )
            restores.append(time.perf_counter() - start)
            pg_restores.append(restored.restore_seconds)
        admin = server.connect("postgres")
        admin.autocommit = True
        _drop(admin, target)
        admin.close()
        print(
            f"{number:>5} {backups[-1]:>7.2f}s {backup.bytes / 1e6:>7.1f}MB {restores[-1]:>7.2f}s "
            f"{pg_restores[-1]:>9.2f}s  {backup.rows:,} in {backup.tables} tables, "
            f"{backup.media_files} media files"
        )
    print(
        f"median backup {statistics.median(backups):.2f}s, "
        f"restore {statistics.median(restores):.2f}s "
        f"(pg_restore and the count check {statistics.median(pg_restores):.2f}s)"
    )


if __name__ == "__main__":
    main()
