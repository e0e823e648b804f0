"""Portal API routes under ``/api/portal/``."""

from rest_framework.routers import DefaultRouter

from caducee.portal.api import satisfaction

router = DefaultRouter()
for _prefix, _viewset, _basename in satisfaction.ROUTES:
    router.register(_prefix, _viewset, basename=_basename)

urlpatterns = router.urls
