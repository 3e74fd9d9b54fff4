"""Celery tasks of the reports: generating one, and the weekly report every week."""

import datetime
import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db.utils import OperationalError
from django.utils import timezone

from portal.programme.models import Programme

from . import services
from .models import ReportKind

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (OperationalError, ConnectionError),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "max_retries": 3,
    "soft_time_limit": 5 * 60,
    "time_limit": 6 * 60,
}


@shared_task(name="reports.tasks.generate_report", **RETRY)
def generate_report(report_id: int) -> dict:
    report = services.report_generate(report_id=report_id)
    return {"report": report.pk, "status": report.status}


@shared_task(name="reports.tasks.generate_weekly_report", **RETRY)
def generate_weekly_report() -> dict | None:
    """The weekly report of the current programme, for the seven days up to yesterday."""
    programme = Programme.objects.current().first()
    if programme is None:
        return None
    on = timezone.localdate() - datetime.timedelta(days=1)
    try:
        report = services.report_request(
            programme=programme, kind=ReportKind.WEEKLY, on=on, by=None
        )
    except ValidationError as error:  # already signed off: kept as signed
        logger.info("weekly report for %s not regenerated: %s", on, error)
        return None
    return generate_report(report.pk)
