"""The database schema is what the models declare."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db


def test_partial_indexes_are_partial_in_the_database():
    """Django 5.2's PostGIS schema editor drops the condition of a spatial index declared with
    fields= (ticket #36694); the models declare theirs as expressions so that it stays."""
    declared = {
        index.name: model._meta.db_table
        for model in apps.get_models()
        for index in model._meta.indexes
        if index.condition is not None
    }
    assert {"village_centroid_gist", "survey_verified_location_gist"} <= set(declared)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index "
            "WHERE indexrelid::regclass::text = ANY(%s) AND indpred IS NOT NULL",
            [list(declared)],
        )
        partial = {name for (name,) in cursor.fetchall()}
    assert set(declared) - partial == set()
