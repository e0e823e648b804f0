from rest_framework.routers import DefaultRouter

from caducee.cmdb.api import contracts, impact, imports, items, medical

router = DefaultRouter()
_modules = (items, impact, medical, contracts, imports)
for _module in _modules:
    for _prefix, _viewset, _basename in _module.ROUTES:
        router.register(_prefix, _viewset, basename=_basename)

urlpatterns = [url for module in _modules for url in module.urlpatterns] + router.urls
