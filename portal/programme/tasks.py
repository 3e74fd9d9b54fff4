"""Celery tasks of the programme: the daily evaluation, its notification e-mails and the weekly
digest. They keep the names they had before the split (`portal.tasks.*`), so queued tasks and the
beat schedule still find them. Tasks take ids and dates, are idempotent (the snapshot,
notification and digest tables each have a unique constraint) and retry on database or mail
errors."""

import datetime
import logging
import smtplib

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import services
from .models import Programme

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (OperationalError, smtplib.SMTPException, ConnectionError),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "max_retries": 5,
    "soft_time_limit": 10 * 60,
    "time_limit": 11 * 60,
}


@shared_task(name="portal.tasks.evaluate_programme", **RETRY)
def evaluate_programme(programme_id: int, on: str | None = None) -> dict:
    """Evaluate a programme on `on` (ISO date; default today in Asia/Jakarta), filling in the
    days missed since its last snapshot, then e-mail the notifications this created."""
    day = datetime.date.fromisoformat(on) if on else timezone.localdate()
    programme = Programme.objects.get(pk=programme_id)
    rows = services.programme_evaluate(programme=programme, on=day)
    sent = services.notifications_email_pending()
    result = {
        "programme": programme_id,
        "date": day.isoformat(),
        "day_number": rows[-1].day_number,
        "snapshots": [row.date.isoformat() for row in rows],
        "statuses": {key: row["status"] for key, row in rows[-1].milestones.items()},
        "emails": sent,
    }
    logger.info("programme %s evaluated for %s: %s", programme_id, day, result)
    return result


@shared_task(name="portal.tasks.evaluate_current_programme", **RETRY)
def evaluate_current_programme() -> dict | None:
    """The daily beat entry: evaluate the current programme for today."""
    programme = Programme.objects.current().first()
    if programme is None:
        return None
    return evaluate_programme(programme.pk)


@shared_task(name="portal.tasks.send_notifications", **RETRY)
def send_notifications() -> int:
    """E-mail the notifications not e-mailed yet (each exactly once)."""
    return services.notifications_email_pending()


@shared_task(name="portal.tasks.send_weekly_digest", **RETRY)
def send_weekly_digest(programme_id: int | None = None, week: str | None = None) -> dict | None:
    """The weekly beat entry: the digest of the current programme (or `programme_id`) for the
    week containing `week` (ISO date; default this week), sent once per programme and week."""
    if programme_id is None:
        programme = Programme.objects.current().first()
    else:
        programme = Programme.objects.get(pk=programme_id)
    if programme is None:
        return None
    day = datetime.date.fromisoformat(week) if week else timezone.localdate()
    monday = day - datetime.timedelta(days=day.weekday())
    digest = services.weekly_digest_send(programme=programme, week=monday)
    return {
        "programme": programme.pk,
        "week": monday.isoformat(),
        "sent": digest is not None,
        "recipients": digest.recipients if digest else 0,
    }
