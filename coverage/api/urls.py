from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("surveys", views.SurveyViewSet, basename="survey")
router.register("connectivity", views.ConnectivityViewSet, basename="connectivity")

urlpatterns = [
    path("coverage/map/", views.CoverageMapView.as_view(), name="coverage-map"),
    *router.urls,
]
