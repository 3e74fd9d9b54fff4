"""The programme's live metrics, read from the other apps through their QuerySet methods.

Each returns (value, natural target) from live data.
"""

from django.db.models import Count, Exists, OuterRef, Q

from coverage.models import Survey
from payments.models import ServiceOffering
from villages.models import District, Pilot, PilotStatus
from warkop.models import Warkop

from .models import Metric


def _selected_pilots():
    return Pilot.objects.selected()


def _real_operational_kiosks():
    """Operational kiosks, leaving out the sample data of `seed_demo`: the programme measures
    real progress only."""
    return Warkop.objects.operational().filter(is_sample=False)


def metric_pilot_districts() -> tuple[int, int]:
    """Kecamatan with at least one selected pilot village, of all kecamatan."""
    with_pilot = Pilot.objects.filter(village__district=OuterRef("pk"), status=PilotStatus.SELECTED)
    row = District.objects.aggregate(
        total=Count("code"), done=Count("code", filter=Q(Exists(with_pilot)))
    )
    return row["done"], row["total"]


def metric_pilots_with_verified_survey() -> tuple[int, int]:
    """Selected pilot villages whose location has a verified coverage survey (blank spot, fibre),
    of all selected pilot villages."""
    verified = Survey.objects.verified().filter(village=OuterRef("village"))
    row = _selected_pilots().aggregate(
        total=Count("id"), done=Count("id", filter=Q(Exists(verified)))
    )
    return row["done"], row["total"]


def metric_operational_kiosks() -> tuple[int, int]:
    """Operational Warkop Digital kiosks, against one per selected pilot village."""
    return _real_operational_kiosks().count(), _selected_pilots().count()


def metric_kiosks_with_services() -> tuple[int, int]:
    """Operational kiosks listing at least one active service offering, of operational kiosks."""
    active = ServiceOffering.objects.active().filter(warkop=OuterRef("pk"))
    row = _real_operational_kiosks().aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(Exists(active)))
    )
    return row["done"], row["total"]


METRICS = {
    Metric.PILOT_DISTRICTS: metric_pilot_districts,
    Metric.PILOTS_WITH_VERIFIED_SURVEY: metric_pilots_with_verified_survey,
    Metric.OPERATIONAL_KIOSKS: metric_operational_kiosks,
    Metric.KIOSKS_WITH_SERVICES: metric_kiosks_with_services,
}


def measure(metrics) -> dict[str, tuple[int | None, int | None]]:
    """Each metric once: {metric: (value, natural target)}."""
    return {metric: METRICS[Metric(metric)]() for metric in set(metrics)}
