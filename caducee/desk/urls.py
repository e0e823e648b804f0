"""Service desk pages; each concern keeps its routes beside its views."""

from caducee.desk.views import attachments as attachment_views
from caducee.desk.views import bulk as bulk_views
from caducee.desk.views import call as call_views
from caducee.desk.views import comments as comment_views
from caducee.desk.views import escalation as escalation_views
from caducee.desk.views import groups as group_views
from caducee.desk.views import notifications as notification_views
from caducee.desk.views import queues as queue_views
from caducee.desk.views import routing as routing_views
from caducee.desk.views import saved_filters as saved_filter_views
from caducee.desk.views import tickets as ticket_views

app_name = "desk"

urlpatterns: list = [
    # Each view module adds its own: *module.urlpatterns,
    *queue_views.urlpatterns,
    *bulk_views.urlpatterns,
    *saved_filter_views.urlpatterns,
    *notification_views.urlpatterns,
    *comment_views.urlpatterns,
    *ticket_views.urlpatterns,
    *escalation_views.urlpatterns,
    *call_views.urlpatterns,
    *attachment_views.urlpatterns,
    *group_views.urlpatterns,
    *routing_views.urlpatterns,
]
