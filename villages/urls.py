"""Registry pages (namespace `villages`)."""

from django.urls import path

from . import views

app_name = "villages"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("pilots/", views.pilots, name="pilots"),
    path("pilots/export/<str:fmt>/", views.pilots_export, name="pilots-export"),
    path("provinces/<str:code>/", views.province, name="province"),
    path("regencies/<str:code>/", views.regency, name="regency"),
    path("districts/<str:code>/", views.district, name="district"),
    path("villages/<str:code>/", views.village, name="village"),
    path("villages/<str:code>/propose/", views.village_propose, name="village-propose"),
    path("villages/<str:code>/decide/", views.village_decide, name="village-decide"),
]
