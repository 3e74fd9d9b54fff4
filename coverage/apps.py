from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    """Network-coverage surveys and village connectivity (built by the coverage issue)."""

    name = "coverage"
    verbose_name = _("Network coverage")
