from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    """Network-coverage surveys and village connectivity (built by the coverage issue)."""

    name = "coverage"
    verbose_name = _("Network coverage")

    def ready(self):
        from villages import extensions

        from .village_facts import village_facts

        if village_facts not in extensions.village_facts:
            extensions.village_facts.append(village_facts)
