from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The project app: staff dashboard, health check, and (later) the 100-day programme."""

    name = "portal"
    verbose_name = _("Portal")
