from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The core layer has no models; it is an app for its management commands (backup, restore)
    and its Celery task (the daily backup)."""

    name = "portal.core"
    label = "core"
    verbose_name = "Core"
