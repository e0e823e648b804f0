"""Notification pages; each concern keeps its routes beside its views."""

from caducee.notify.views import bell, outbox, preferences

app_name = "notify"

urlpatterns = [
    *preferences.urlpatterns,
    *outbox.urlpatterns,
    *bell.urlpatterns,
]
