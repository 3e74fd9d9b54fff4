from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Payment services offered at kiosks and the public finder (built by the kiosk issue)."""

    name = "payments"
    verbose_name = _("Payment services")
