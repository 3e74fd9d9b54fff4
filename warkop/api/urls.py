from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("kiosks", views.KioskViewSet, basename="kiosk")
router.register("check-ins", views.CheckInViewSet, basename="checkin")
router.register("reports", views.MonthlyReportViewSet, basename="report")

urlpatterns = router.urls
