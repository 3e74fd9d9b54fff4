"""`manage.py restore ARCHIVE`: the database and the media files of a backup
(portal/core/backups.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.core.backups import BackupError, archives, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive (or 'latest' in BACKUP_DIR): checked against its manifest, "
        "restored into a scratch database, compared row by row count, then put in place of the "
        "database and MEDIA_ROOT. A database with tables or a media folder with files is replaced "
        "only with --force. --check restores aside, verifies and removes it again."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Path of the archive, or 'latest'.")
        parser.add_argument(
            "--database", help="Database to restore into (default: DATABASE_URL's); created."
        )
        parser.add_argument("--media-root", help="Folder of the media files (default MEDIA_ROOT).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that has tables and a media folder that has files.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only prove the archive restores: into a scratch database, removed afterwards.",
        )
        parser.add_argument("--jobs", type=int, default=2, help="pg_restore jobs (default 2).")

    def handle(self, *args, **options):
        if options["archive"] == "latest":
            found = archives(Path(settings.BACKUP_DIR))
            if not found:
                raise CommandError(f"No backup archive in {settings.BACKUP_DIR}.")
            archive = found[-1]
        else:
            archive = Path(options["archive"])
        media_root = Path(options["media_root"]) if options["media_root"] else None
        try:
            result = backup_restore(
                archive=archive,
                database_name=options["database"],
                media_root=media_root,
                force=options["force"],
                jobs=options["jobs"],
                check_only=options["check"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        summary = (
            f"{result.tables} tables and {result.rows:,} rows (as counted at the backup), "
            f"{result.triggers} triggers, {result.media_files} media files (checksums match)"
        )
        if options["check"]:
            self.stdout.write(
                f"Archive {archive} restores: {summary}; database restored in "
                f"{result.restore_seconds:.1f} s, {result.seconds:.1f} s in all. Nothing was kept."
            )
            return
        self.stdout.write(
            f"Restored {archive} into database {result.database!r}"
            f"{' (replaced)' if result.replaced else ''} and {result.media_root}: {summary}; "
            f"database restored in {result.restore_seconds:.1f} s, {result.seconds:.1f} s in all."
        )
        self.stdout.write(
            "Run `manage.py migrate` if this code is newer than the backup, then start the portal."
        )
