from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("service-categories", views.ServiceCategoryViewSet, basename="servicecategory")
router.register("providers", views.ProviderViewSet, basename="provider")
router.register("offerings", views.ServiceOfferingViewSet, basename="offering")

urlpatterns = router.urls
