"""Registry pages (namespace `villages`)."""

from django.urls import path

from . import views

app_name = "villages"
urlpatterns = [
    path("", views.province, {"code": "17"}, name="home"),
    path("provinces/<str:code>/", views.province, name="province"),
    path("regencies/<str:code>/", views.regency, name="regency"),
    path("districts/<str:code>/", views.district, name="district"),
    path("villages/<str:code>/", views.village, name="village"),
]
