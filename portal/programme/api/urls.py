"""API routes of the 100-day programme."""

from rest_framework.routers import SimpleRouter

from . import views as programme

router = SimpleRouter()
router.register("programmes", programme.ProgrammeViewSet)
router.register("milestones", programme.MilestoneViewSet)
router.register("snapshots", programme.SnapshotViewSet, basename="snapshot")

urlpatterns = router.urls
