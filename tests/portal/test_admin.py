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


def test_registry_import_list_names_who_ran_each_with_constant_queries(client):
    """Who ran each import comes from its audit context, worded as on the audit pages, with one
    query for all the users whatever the number of imports."""
    import uuid

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pghistory.models import Context

    from villages.models import RegistryImport

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    url = reverse("admin:villages_registryimport_changelist")

    def add_import(user):
        context = Context.objects.create(id=uuid.uuid4(), metadata={"user": user.pk, "url": "/x/"})
        return RegistryImport.objects.create(scope=["17"], files=[], changes={}, context=context)

    add_import(UserFactory(first_name="Ani", last_name="Staf"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_import(UserFactory(first_name="Budi", last_name="Staf"))
    add_import(UserFactory(first_name="Citra", last_name="Staf"))
    with CaptureQueriesContext(connection) as more:
        page = client.get(url).content.decode()
    assert len(more) == len(few)
    assert "Budi Staf · /x/" in page and "Citra Staf · /x/" in page
    assert "manage.py import_regions" in page  # the session's own import of the registry
