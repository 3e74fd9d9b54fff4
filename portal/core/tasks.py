"""The core's Celery task: the daily backup."""

from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import backups
from .backups import BackupError


@shared_task(
    name="portal.tasks.backup_portal",  # the name it had before the split: queued tasks still run
    acks_late=False,  # taken once: a worker lost mid-backup is not followed by a second copy
    autoretry_for=(OperationalError, BackupError),
    retry_backoff=300,
    max_retries=3,
    soft_time_limit=3 * 3600,
    time_limit=3 * 3600 + 300,
)
def backup_portal() -> dict:
    """The daily beat entry (BACKUP_TIME): an archive of the database and the media files in
    BACKUP_DIR, the oldest beyond BACKUP_KEEP removed (portal/core/backups.py). Running it twice
    only writes two archives."""
    result = backups.backup_create(
        directory=Path(settings.BACKUP_DIR),
        keep=settings.BACKUP_KEEP,
        media_root=Path(settings.MEDIA_ROOT),
    )
    return result.as_dict()
