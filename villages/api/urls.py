from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("provinces", views.ProvinceViewSet)
router.register("regencies", views.RegencyViewSet)
router.register("districts", views.DistrictViewSet)
router.register("villages", views.VillageViewSet)
router.register("pilots", views.PilotViewSet)

urlpatterns = router.urls
