"""What warkop adds to the registry's pilot-choice facts (villages/extensions.py): the kiosks of
each village, those operating among them, and sample kiosks counted apart and labelled (never
mixed in). Counted within the user's scope (portal.core.scopes), three subqueries of the villages'
one query. Only for those who may read kiosks. Registered in `WarkopConfig.ready`."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.core.scopes import scoped
from villages.extensions import Cell, VillageFact

from .models import Warkop, WarkopStatus


def _count(user, **filters):
    kiosks = (
        scoped(Warkop.objects.filter(village=OuterRef("pk"), **filters), user)
        .order_by()
        .values("village")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(kiosks), 0)


def _text(total: int, operational: int, sample: int) -> str:
    text = str(total)
    if total:
        text = _("%(total)s (%(operational)s operating)") % {
            "total": total,
            "operational": operational,
        }
    if sample:
        text += " · " + _("+%(n)s sample") % {"n": sample}
    return text


def kiosks_cell(village) -> Cell:
    total, operational = village.kiosk_count, village.kiosk_operational
    url = ""
    if total or village.kiosk_sample:
        url = f"{reverse('warkop:list')}?village={village.code}"
    sample = village.kiosk_sample
    return Cell(_text(total, operational, sample), (operational, total, sample), url=url)


def kiosks_summary(villages) -> Cell:
    total = sum(v.kiosk_count for v in villages)
    operational = sum(v.kiosk_operational for v in villages)
    sample = sum(v.kiosk_sample for v in villages)
    url = ""
    if villages and (total or sample):
        url = f"{reverse('warkop:list')}?district={villages[0].district_id}"
    return Cell(_text(total, operational, sample), (operational, total, sample), url=url)


def village_facts(user) -> list:
    if not user.has_perm("warkop.view_warkop"):
        return []

    def annotate(villages):
        return villages.annotate(
            kiosk_count=_count(user, is_sample=False),
            kiosk_operational=_count(user, is_sample=False, status=WarkopStatus.OPERATIONAL),
            kiosk_sample=_count(user, is_sample=True),
        )

    return [
        VillageFact(
            "kiosks",
            _("Warkop Digital kiosks"),
            kiosks_cell,
            annotate=annotate,
            summary=kiosks_summary,
            numeric=True,
            order=20,
        )
    ]
