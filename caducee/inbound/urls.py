"""Pages of incoming e-mail (mailboxes, messages); routes beside their views."""

from caducee.inbound import views

app_name = "inbound"

urlpatterns = views.urlpatterns
