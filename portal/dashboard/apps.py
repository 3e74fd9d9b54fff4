from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The staff dashboard and the commands that span apps; no models."""

    name = "portal.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
