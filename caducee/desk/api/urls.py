"""Service desk API; each concern registers its viewsets on the one router."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
# Each API module registers here: router.register("tickets", TicketViewSet, ...)

urlpatterns = [*router.urls]
