from rest_framework.routers import DefaultRouter

from caducee.org.api import views

router = DefaultRouter()
router.register("hospital-groups", views.HospitalGroupViewSet, basename="hospitalgroup")
router.register("establishments", views.EstablishmentViewSet, basename="establishment")
router.register("sites", views.SiteViewSet, basename="site")
router.register("buildings", views.BuildingViewSet, basename="building")
router.register("floors", views.FloorViewSet, basename="floor")
router.register("rooms", views.RoomViewSet, basename="room")
router.register("poles", views.PoleViewSet, basename="pole")
router.register("services", views.ServiceViewSet, basename="service")
router.register("care-units", views.CareUnitViewSet, basename="careunit")
router.register("shifts", views.ShiftDefinitionViewSet, basename="shiftdefinition")
router.register("jobs", views.JobViewSet, basename="job")
router.register("people", views.PersonViewSet, basename="person")
router.register("teams", views.TeamViewSet, basename="team")
urlpatterns = router.urls
