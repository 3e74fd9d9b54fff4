from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Payment services offered at kiosks, their pages, the gap view and the public finder.
    Payments depends on warkop (an offering belongs to a kiosk), never the reverse."""

    name = "payments"
    verbose_name = _("Payment services")

    def ready(self):
        from warkop import extensions

        from . import views

        if views.kiosk_services_section not in extensions.detail_sections:
            extensions.detail_sections.append(views.kiosk_services_section)
        for link in (views.gap_link, views.offerings_export_link):
            if link not in extensions.list_links:
                extensions.list_links.append(link)
