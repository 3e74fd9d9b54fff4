from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Organisations, profiles, API tokens and logins. The label stays `portal`: the tables
    (`portal_*`), migrations and permissions of these models were made under it."""

    name = "portal.accounts"
    label = "portal"
    verbose_name = _("Portal")
