from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    """The official registry of administrative units and the pilot villages."""

    name = "villages"
    verbose_name = _("Village registry")

    def ready(self):
        from .search import tune_trigram_costs

        post_migrate.connect(tune_trigram_costs, sender=self, dispatch_uid="villages-trigram-cost")
