from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    """The 100-day programme. Its tables keep their `portal_*` names (moved from the `portal`
    app by `programme/0001`)."""

    name = "portal.programme"
    label = "programme"
    verbose_name = _("100-day programme")
