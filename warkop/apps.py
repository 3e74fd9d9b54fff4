from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarkopConfig(AppConfig):
    """Warkop Digital kiosks: sites, status, liveness and use (built by the kiosk issue)."""

    name = "warkop"
    verbose_name = _("Warkop Digital")

    def ready(self):
        from villages import extensions

        from .village_facts import village_facts

        if village_facts not in extensions.village_facts:
            extensions.village_facts.append(village_facts)
