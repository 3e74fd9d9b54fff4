"""Pages of the payment services (namespace `payments`), at the paths users know: a kiosk's
services under /warkop/, the gap view /warkop/gap/ and the public finder /layanan/."""

from django.urls import path

from . import finder, views

app_name = "payments"
urlpatterns = [
    path("warkop/gap/", views.gap, name="gap"),
    path("warkop/partner/", views.partner_home, name="partner-home"),
    path("warkop/services/export/<str:fmt>/", views.offerings_export, name="offerings-export"),
    path("warkop/<int:pk>/services/", views.offering_add, name="offering-add"),
    path("warkop/services/<int:pk>/", views.offering_edit, name="offering-edit"),
    path("warkop/services/<int:pk>/verify/", views.offering_verify, name="offering-verify"),
    # public, no login
    path("layanan/", finder.finder, name="finder"),
    path("layanan/peta.geojson", finder.finder_geojson, name="finder-geojson"),
]
