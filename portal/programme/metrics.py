"""The programme's live metrics, read from the other apps through their QuerySet methods.

Each returns (value, natural target). The natural target is the programme's, never what exists so
far: the programme selects a pilot desa in every kecamatan of the province and turns a coffee shop
in each pilot into a Warkop Digital, so every target is the number of kecamatan (129 in Bengkulu),
unless a milestone sets its own. Sample data (`seed_demo`'s kiosks) are left out.
"""

from django.conf import settings
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


def _province_districts():
    return District.objects.filter(code__startswith=f"{settings.PORTAL_PROVINCE}.")


def planned_pilots() -> int:
    """The programme's target: a pilot desa (and its kiosk) in every kecamatan of the province."""
    return _province_districts().count()


def metric_pilot_districts() -> tuple[int, int]:
    """Kecamatan with at least one selected pilot village, of all kecamatan."""
    with_pilot = Pilot.objects.filter(village__district=OuterRef("pk"), status=PilotStatus.SELECTED)
    row = _province_districts().aggregate(
        total=Count("code"), done=Count("code", filter=Q(Exists(with_pilot)))
    )
    return row["done"], row["total"]


def metric_pilots_with_verified_survey(planned: int | None = None) -> tuple[int, int]:
    """Selected pilot villages whose location has a verified coverage survey (blank spot, fibre),
    of the pilots the programme plans (one per kecamatan), not of those selected so far."""
    verified = Survey.objects.verified().filter(village=OuterRef("village"))
    done = _selected_pilots().filter(Exists(verified)).count()
    return done, planned if planned is not None else planned_pilots()


def metric_operational_kiosks(planned: int | None = None) -> tuple[int, int]:
    """Operational Warkop Digital kiosks (sample data left out), of the kiosks planned: one per
    pilot, a pilot per kecamatan."""
    return _real_operational_kiosks().count(), planned if planned is not None else planned_pilots()


def metric_kiosks_with_services(planned: int | None = None) -> tuple[int, int]:
    """Operational kiosks listing at least one active service offering, of the kiosks planned."""
    active = ServiceOffering.objects.active().filter(warkop=OuterRef("pk"))
    done = _real_operational_kiosks().filter(Exists(active)).count()
    return done, planned if planned is not None else planned_pilots()


def sample_kiosks() -> int:
    """Operational sample kiosks (`seed_demo`): not counted, but said."""
    return Warkop.objects.operational().filter(is_sample=True).count()


METRICS = {
    Metric.PILOT_DISTRICTS: metric_pilot_districts,
    Metric.PILOTS_WITH_VERIFIED_SURVEY: metric_pilots_with_verified_survey,
    Metric.OPERATIONAL_KIOSKS: metric_operational_kiosks,
    Metric.KIOSKS_WITH_SERVICES: metric_kiosks_with_services,
}


def measure(metrics) -> dict[str, tuple[int | None, int | None]]:
    """Each metric once: {metric: (value, natural target)}, one query each (the kecamatan are
    counted once, with the pilot metric when it is asked for)."""
    wanted = {Metric(metric) for metric in metrics}
    if not wanted:
        return {}
    figures = {Metric.PILOT_DISTRICTS: metric_pilot_districts()}
    planned = figures[Metric.PILOT_DISTRICTS][1]
    for metric in wanted - {Metric.PILOT_DISTRICTS}:
        figures[metric] = METRICS[metric](planned)
    return {metric: figures[metric] for metric in wanted}
