"""Sample kiosks, services, check-ins and reports for a demonstration portal (in payments, which
depends on warkop: it seeds both).

Everything it makes is sample data: kiosks carry `is_sample=True` (a "Data contoh" badge on every
page), their names start with "Contoh", and they belong to the sample organisation of the demo
partner account ("mitra"). Deterministic and idempotent: a second run changes nothing.
"""

import datetime

from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils import timezone

from payments.models import Provider, ServiceCategory, ServiceOffering
from payments.services import offering_save
from portal.accounts.management.commands.create_demo_users import SAMPLE_ORGANISATION
from portal.accounts.models import Organisation, OrganisationKind
from portal.core.management.base import AuditedCommand
from villages.models import Village
from warkop.models import CheckIn, CheckInKind, Connectivity, MonthlyReport, Warkop, WarkopStatus
from warkop.services import checkin_record, report_submit, warkop_change_status, warkop_create

# village code, name, final status, connectivity, offset (lat, lng) from the village centroid
KIOSKS = [
    (
        "17.03.10.1010",
        "Contoh Warkop Digital Pasar Lais",
        "operational",
        Connectivity.FIBRE,
        (0.002, 0.001),
    ),
    (
        "17.71.01.1001",
        "Contoh Warkop Digital Pagar Dewa",
        "operational",
        Connectivity.FIBRE,
        (0.001, -0.002),
    ),
    (
        "17.71.02.1001",
        "Contoh Warkop Digital Padang Harapan",
        "operational",
        Connectivity.MOBILE_4G,
        (-0.001, 0.001),
    ),
    (
        "17.01.01.2001",
        "Contoh Warkop Digital Batu Ampar",
        "operational",
        Connectivity.MOBILE_4G,
        (0.001, 0.001),
    ),
    (
        "17.08.01.2001",
        "Contoh Warkop Digital Kota Agung",
        "preparing",
        Connectivity.VSAT,
        (0.0, 0.002),
    ),
    (
        "17.05.01.2002",
        "Contoh Warkop Digital Niur",
        "suspended",
        Connectivity.MOBILE_4G,
        (0.001, 0.0),
    ),
    (
        "17.03.01.2001",
        "Contoh Warkop Digital Banjar Sari",
        "proposed",
        Connectivity.NONE,
        (-0.002, 0.0),
    ),
]
PATH = {
    "proposed": [],
    "preparing": ["preparing"],
    "operational": ["preparing", "operational"],
    "suspended": ["preparing", "operational", "suspended"],
}
# category code, provider code, fee (Rp)
OFFERINGS = [
    ("pln_token", "pln", 3000),
    ("pln_tagihan", "pln", 3000),
    ("bpjs_kesehatan", "bpjs-kesehatan", 2500),
    ("pulsa", "telkomsel", 2000),
    ("cash_out", "bni", 5000),
    ("qris", "bank-bengkulu", 0),
    ("pdam", "pdam-tirta-hidayah", 2500),
]
HOURS = "Senin–Sabtu 08.00–21.00 (contoh)"


class Command(AuditedCommand):
    help = "Add labelled sample kiosks with services, check-ins and reports (idempotent)."

    def handle(self, *args, **options):
        sample_province = KIOSKS[0][0][:2]
        if sample_province != settings.PORTAL_PROVINCE:
            # A kiosk lies in the portal's province (warkop.services.check_location).
            self.stdout.write(
                f"The sample kiosks are in province {sample_province}; PORTAL_PROVINCE is "
                f"{settings.PORTAL_PROVINCE}: no sample kiosk added."
            )
            return
        organisation, _ = Organisation.objects.get_or_create(
            name=SAMPLE_ORGANISATION, defaults={"kind": OrganisationKind.KIOSK_OPERATOR}
        )
        categories = {c.code: c for c in ServiceCategory.objects.all()}
        providers = {p.code: p for p in Provider.objects.all()}
        villages = Village.objects.in_bulk([row[0] for row in KIOSKS])
        created = 0
        for index, (code, name, status, connectivity, (dlat, dlng)) in enumerate(KIOSKS):
            village = villages.get(code)
            if village is None or village.centroid is None:
                self.stderr.write(f"Village {code} is missing: import the registry first.")
                continue
            kiosk = Warkop.objects.filter(village=village, name=name).first()
            if kiosk is not None:
                continue
            kiosk = warkop_create(
                village=village,
                name=name,
                owner_name=f"Pemilik contoh {index + 1}",
                owner_phone="",
                location=Point(village.centroid.x + dlng, village.centroid.y + dlat, srid=4326),
                organisation=organisation,
                address=f"Jalan contoh no. {index + 1}, {village.name}",
                connectivity=connectivity,
                connectivity_provider="" if connectivity == Connectivity.NONE else "Contoh ISP",
                has_learning_room=index % 2 == 0,
                learning_room_seats=10 if index % 2 == 0 else 0,
                learning_room_devices=4 if index % 2 == 0 else 0,
                opening_hours=HOURS,
                is_sample=True,
                by=None,
            )
            for step in PATH[status]:
                warkop_change_status(warkop=kiosk, status=step, reason="Data contoh.", by=None)
            kiosk.refresh_from_db()
            created += 1
            if kiosk.status in (WarkopStatus.OPERATIONAL, WarkopStatus.SUSPENDED):
                self._services(kiosk, categories, providers, index)
            if kiosk.status == WarkopStatus.OPERATIONAL:
                self._activity(kiosk, categories, index)
        total = Warkop.objects.filter(is_sample=True).count()
        self.stdout.write(
            f"Sample data: {created} kiosks added, {total} sample kiosks in all "
            f"(organisation “{SAMPLE_ORGANISATION}”)."
        )

    def _services(self, kiosk, categories, providers, index):
        for number, (category, provider, fee) in enumerate(OFFERINGS):
            if (number + index) % 4 == 3 and category != "pln_token":
                continue  # not every kiosk offers everything
            if not ServiceOffering.objects.filter(
                warkop=kiosk, category=categories[category], provider=providers[provider]
            ).exists():
                offering_save(
                    warkop=kiosk,
                    category=categories[category],
                    provider=providers[provider],
                    fee=fee + 500 * (index % 3),
                    notes="Data contoh",
                    by=None,
                )

    def _activity(self, kiosk, categories, index):
        now = timezone.now()
        if not CheckIn.objects.filter(warkop=kiosk).exists():
            # The last sample kiosk has no recent check-in: the stale rule will catch it.
            days_ago = [2, 9, 30][index % 3] if index != 3 else 40
            checkin_record(
                warkop=kiosk,
                kind=CheckInKind.VISITED,
                note="Kunjungan contoh",
                checked_in_at=now - datetime.timedelta(days=days_ago),
                by=None,
            )
        month = timezone.localdate().replace(day=1)
        for back in (1, 2, 3):
            month = (month - datetime.timedelta(days=1)).replace(day=1)
            if MonthlyReport.objects.filter(warkop=kiosk, month=month).exists():
                continue
            base = 40 + 10 * index + 5 * back
            report_submit(
                warkop=kiosk,
                month=month,
                lines={
                    categories["pln_token"]: (base, base * 75_000),
                    categories["pulsa"]: (base * 2, base * 2 * 25_000),
                },
                learning_sessions=4 + back,
                learning_participants=30 + 3 * back,
                notes="Laporan contoh",
                by=None,
            )
