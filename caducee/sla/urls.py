"""Service-level pages; each concern keeps its routes beside its views."""

from caducee.sla.views import calendars

app_name = "sla"

urlpatterns = [
    *calendars.urlpatterns,
]
