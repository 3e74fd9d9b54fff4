"""Staff pages of the kiosks (namespace `warkop`)."""

from django.urls import path

from . import views

app_name = "warkop"
urlpatterns = [
    path("", views.kiosk_list, name="list"),
    path("export/<str:fmt>/", views.kiosk_export, name="export"),
    path("new/", views.kiosk_create, name="add"),
    path("gap/", views.gap, name="gap"),
    path("<int:pk>/", views.kiosk_detail, name="detail"),
    path("<int:pk>/edit/", views.kiosk_edit, name="edit"),
    path("<int:pk>/status/", views.kiosk_status, name="status"),
    path("<int:pk>/check-in/", views.kiosk_checkin, name="checkin"),
    path("<int:pk>/photos/", views.kiosk_photo, name="photo"),
    path("<int:pk>/services/", views.kiosk_offering_add, name="offering-add"),
    path("<int:pk>/reports/", views.kiosk_report, name="report"),
    path("services/<int:pk>/", views.offering_edit, name="offering-edit"),
    path("services/<int:pk>/verify/", views.offering_verify, name="offering-verify"),
]
