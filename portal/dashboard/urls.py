"""The portal app's own pages (namespace `portal`)."""

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="dashboard"),
]
