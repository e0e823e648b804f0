"""Portal pages under ``/portal/``. ``portal:ticket`` (``/portal/tickets/<pk>/``)
is the link the notification e-mails give requesters: keep its name and argument."""

from django.urls import path

from caducee.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("tickets/", views.ticket_list, name="tickets"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/reply/", views.reply, name="reply"),
    path("tickets/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("tickets/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("tickets/<int:pk>/satisfaction/", views.satisfaction, name="satisfaction"),
]
