"""Service desk API; each concern registers its viewsets on the one router."""

from rest_framework.routers import DefaultRouter

from caducee.desk.api import categories as category_api
from caducee.desk.api import comments as comment_api
from caducee.desk.api import groups as group_api
from caducee.desk.api import routing as routing_api
from caducee.desk.api import tickets as ticket_api

router = DefaultRouter()
for _prefix, _viewset, _basename in (*ticket_api.ROUTES, *category_api.ROUTES):
    router.register(_prefix, _viewset, basename=_basename)
comment_api.register(router)
for _prefix, _viewset, _basename in (*group_api.ROUTES, *routing_api.ROUTES):
    router.register(_prefix, _viewset, basename=_basename)
# Each API module registers here: router.register("tickets", TicketViewSet, ...)

urlpatterns = [*router.urls]
