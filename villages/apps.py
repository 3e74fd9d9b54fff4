from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    """The official registry of administrative units and the pilot villages."""

    name = "villages"
    verbose_name = _("Village registry")
