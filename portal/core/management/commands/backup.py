"""`manage.py backup`: one archive of the database and the media files (portal/core/backups.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.core.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write one archive of the database (pg_dump) and the media files into BACKUP_DIR, then "
        "remove the oldest archives beyond BACKUP_KEEP."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Folder of the archives (default BACKUP_DIR).")
        parser.add_argument(
            "--keep",
            type=int,
            help="Archives of this database to keep (default BACKUP_KEEP; 0: all).",
        )

    def handle(self, *args, **options):
        directory = Path(options["dir"] or settings.BACKUP_DIR)
        keep = settings.BACKUP_KEEP if options["keep"] is None else options["keep"]
        try:
            result = backup_create(
                directory=directory, keep=keep, media_root=Path(settings.MEDIA_ROOT)
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backup written: {result.path} ({result.bytes / 1e6:.1f} MB) in "
            f"{result.seconds:.1f} s (database dump {result.dump_seconds:.1f} s): "
            f"{result.tables} tables, "
            f"{result.rows:,} rows, {result.triggers} triggers; {result.media_files} media files "
            f"({result.media_bytes / 1e6:.1f} MB)."
        )
        for path in result.removed:
            self.stdout.write(f"Removed old backup {path} (BACKUP_KEEP={keep}).")
