from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarkopConfig(AppConfig):
    """Warkop Digital kiosks: sites, status, liveness and use (built by the kiosk issue)."""

    name = "warkop"
    verbose_name = _("Warkop Digital")
