"""Every count on the dashboard links to the list it counts, and the list shows that number;
sample kiosks are counted apart and labelled; "every operational kiosk was visited recently" is
said only when it is true (docs/sample-data.md)."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.warkop.factories import WarkopFactory
from villages.models import Pilot, PilotStatus, Village

pytestmark = pytest.mark.django_db


def kiosk_card(html: str) -> str:
    return html[html.index('id="kiosk-status"') :].split("</section>")[0]


def linked_counts(card: str) -> dict:
    """{data-count: (href, number)} of the card's linked counts."""
    found = {}
    for href, name, body in re.findall(
        r'<a[^>]*href="([^"]+)"[^>]*data-count="([^"]+)"[^>]*>(.*?)</a>', card, re.S
    ):
        number = re.search(r"\d+", re.sub(r"<[^>]+>", " ", body))
        found[name] = (href.replace("&amp;", "&"), int(number.group()))
    return found


def test_kiosk_counts_link_to_lists_that_show_the_same_number(staff_client):
    long_ago = timezone.now() - datetime.timedelta(days=40)
    WarkopFactory(name="Hidup", last_check_in_at=timezone.now())
    WarkopFactory(name="Sepi", last_check_in_at=long_ago)  # not yet flagged by the daily task
    WarkopFactory(name="Contoh", is_sample=True, last_check_in_at=long_ago)
    WarkopFactory(name="Disiapkan", status="preparing")
    card = kiosk_card(staff_client.get("/").content.decode())
    counts = linked_counts(card)
    assert counts["total"][1] == 3 and counts["operational"][1] == 2
    assert counts["stale"][1] == 1 and counts["samples"][1] == 1
    assert "kiosk contoh" in card and "Sepi" in card and "Contoh" not in card.split("<h3")[1]
    assert "Setiap kios yang beroperasi" not in card  # not everyone was visited
    for name, (href, number) in counts.items():
        listed = staff_client.get(href).context["page"].paginator.count
        assert listed == number, (name, href)


def test_every_kiosk_visited_is_said_only_when_true(staff_client):
    WarkopFactory(name="Hidup", last_check_in_at=timezone.now())
    card = kiosk_card(staff_client.get("/").content.decode())
    assert linked_counts(card)["stale"][1] == 0
    assert "Setiap kios yang beroperasi" in card


def test_pilot_counts_link_to_the_pilot_list(staff_client, staff_user):
    Pilot.objects.create(
        village=Village.objects.get(code="17.01.01.2001"),
        status=PilotStatus.PROPOSED,
        proposed_on="2026-11-20",
        proposed_by="Camat",
        proposal_reason="x",
        recorded_by=staff_user,
    )
    html = staff_client.get("/").content.decode()
    target = html[html.index('id="pilot-target"') :].split("</section>")[0]
    for status in ("proposed", "selected", "rejected", "withdrawn"):
        href, number = re.search(
            rf'href="(/registry/pilots/\?status={status})">(\d+)</a>', target
        ).groups()
        assert staff_client.get(href).context["page"].paginator.count == int(number)
