"""Service-level API routes under ``/api/sla/``; each module lists its
viewsets in ``ROUTES`` and its plain views in ``urlpatterns``, as in the CMDB."""

from rest_framework.routers import DefaultRouter

from caducee.sla.api import calendars, policies

router = DefaultRouter()
_modules = (calendars, policies)
for _module in _modules:
    for _prefix, _viewset, _basename in _module.ROUTES:
        router.register(_prefix, _viewset, basename=_basename)

urlpatterns = [url for module in _modules for url in module.urlpatterns] + router.urls
