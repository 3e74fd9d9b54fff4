"""The public service finder (no login): /layanan/."""

from django.urls import path

from . import finder

urlpatterns = [
    path("", finder.finder, name="finder"),
    path("peta.geojson", finder.finder_geojson, name="finder-geojson"),
]
