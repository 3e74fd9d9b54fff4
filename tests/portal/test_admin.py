"""Django admin: every model has a working admin (issue: admin for every model)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PORTAL_APPS = {"villages", "warkop", "payments", "coverage", "portal"}


def test_every_portal_model_is_in_the_admin():
    """Registered, or shown inline on its parent's page. Audit event tables are read through the
    audit list (/accounts/audit/) instead."""
    inline = {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }
    missing = [
        model._meta.label
        for app in PORTAL_APPS
        for model in apps.get_app_config(app).get_models()
        if model not in admin.site._registry
        and model not in inline
        and not model._meta.label.endswith("Event")
    ]
    assert missing == []


def test_every_admin_list_and_registry_import_page_opens(client):
    from villages.models import RegistryImport

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
    record = RegistryImport.objects.latest("id")
    page = client.get(reverse("admin:villages_registryimport_change", args=[record.pk]))
    assert page.status_code == 200
    assert "villages.csv" in page.content.decode()
