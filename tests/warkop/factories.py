"""Factories of kiosks and their services (real registry villages, real catalogue rows)."""

import factory
from django.contrib.gis.geos import Point

from payments.models import Provider, ServiceCategory, ServiceOffering
from villages.models import Village
from warkop.models import Warkop, WarkopStatus


def village(code="17.71.01.1001") -> Village:
    return Village.objects.get(code=code)


def near(village_obj: Village, dlat=0.0, dlng=0.0) -> Point:
    return Point(village_obj.centroid.x + dlng, village_obj.centroid.y + dlat, srid=4326)


class WarkopFactory(factory.django.DjangoModelFactory):
    """A kiosk at (or near) a village's centroid: `WarkopFactory(village=v, dlat=0.01)`."""

    class Meta:
        model = Warkop
        exclude = ["dlat", "dlng"]

    village = factory.LazyFunction(village)
    dlat = 0.0
    dlng = 0.0
    name = factory.Sequence(lambda n: f"Warkop Uji {n}")
    owner_name = "Pemilik"
    location = factory.LazyAttribute(lambda o: near(o.village, o.dlat, o.dlng))
    status = WarkopStatus.OPERATIONAL
    opening_hours = "08.00–21.00"


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceOffering

    warkop = factory.SubFactory(WarkopFactory)
    category = factory.LazyFunction(lambda: ServiceCategory.objects.get(code="pln_token"))
    provider = factory.LazyFunction(lambda: Provider.objects.get(code="pln"))
    fee = 3000
    is_active = True
