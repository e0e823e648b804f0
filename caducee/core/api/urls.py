from rest_framework.routers import DefaultRouter

from caducee.core.api.views import ApiTokenViewSet, AuditEventViewSet

router = DefaultRouter()
router.register("audit-events", AuditEventViewSet, basename="auditevent")
router.register("tokens", ApiTokenViewSet, basename="apitoken")
urlpatterns = router.urls
