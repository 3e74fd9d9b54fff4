"""Periodic tasks of the kiosks (scheduled in CELERY_BEAT_SCHEDULE, portal/settings.py)."""

import pghistory
from celery import shared_task

from .services import warkop_mark_stale


@shared_task(
    name="warkop.tasks.mark_stale_warkops",
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def mark_stale_warkops() -> int:
    """Mark operational kiosks without a check-in for WARKOP_STALE_DAYS days as stale.
    Idempotent: a second run the same day changes nothing. Returns how many became stale."""
    with pghistory.context(task="warkop.tasks.mark_stale_warkops"):
        return warkop_mark_stale()
