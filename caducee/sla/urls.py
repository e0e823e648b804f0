"""Service-level pages; each concern keeps its routes beside its views."""

from caducee.sla.views import calendars, policies

app_name = "sla"

urlpatterns = [
    *calendars.urlpatterns,
    *policies.urlpatterns,
]
