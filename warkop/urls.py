"""Staff pages of the kiosks (namespace `warkop`); a kiosk's services and the gap view, at
/warkop/… too, are payments' (payments/urls.py)."""

from django.urls import path

from . import views

app_name = "warkop"
urlpatterns = [
    path("", views.kiosk_list, name="list"),
    path("export/<str:fmt>/", views.kiosk_export, name="export"),
    path("new/", views.kiosk_create, name="add"),
    path("<int:pk>/", views.kiosk_detail, name="detail"),
    path("<int:pk>/edit/", views.kiosk_edit, name="edit"),
    path("<int:pk>/status/", views.kiosk_status, name="status"),
    path("<int:pk>/check-in/", views.kiosk_checkin, name="checkin"),
    path("<int:pk>/photos/", views.kiosk_photo, name="photo"),
    path("<int:pk>/reports/", views.kiosk_report, name="report"),
]
