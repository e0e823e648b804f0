"""The bell of the top bar: the user's latest notifications, marked read.

Rule (issue "Channels" point 1): in-app notifications show as a bell with
the unread count on every page (one COUNT, in ``templatetags.notify``) and
a list on click, loaded only then (``hx-get`` when the bell opens; without
JavaScript the bell links to the desk's full list). Opening a notification
marks it read and goes to its ticket; "Mark all read" empties the count.
Each user reads and marks only their own rows: another's id is a 404. The
rows are the desk's (``desk.Notification``), marked through its service.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from caducee.desk.models import Notification
from caducee.desk.services.notifications import mark_read, unread_count

#: Notifications the bell lists (the desk's page has them all).
BELL_SIZE = 10


def bell_context(user) -> dict:
    rows = (
        Notification.objects.filter(recipient=user)
        .select_related("ticket")
        .only("pk", "kind", "message", "read_at", "created_at", "ticket__number")
        .order_by("-created_at", "-pk")[:BELL_SIZE]
    )
    return {"bell_rows": list(rows), "unread": unread_count(user)}


def ticket_url(notification: Notification) -> str:
    try:
        return reverse("desk:ticket_detail", args=[notification.ticket_id])
    except NoReverseMatch:
        return reverse("desk:notifications")


class BellListView(LoginRequiredMixin, View):
    def get(self, request):
        return render(request, "notify/partials/bell_list.html", bell_context(request.user))


class BellOpenView(LoginRequiredMixin, View):
    """Mark one notification read and go to its ticket."""

    def post(self, request, pk: int):
        notification = Notification.objects.filter(pk=pk, recipient=request.user).first()
        if notification is None:
            raise Http404
        mark_read([notification], actor=request.user)
        return HttpResponseRedirect(ticket_url(notification))


class BellReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        mine = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
        mark_read(list(mine.only("pk")), actor=request.user)
        if request.htmx:
            return render(
                request,
                "notify/partials/bell_list.html",
                bell_context(request.user) | {"oob": True},
            )
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("desk:notifications")
        return HttpResponseRedirect(target)


urlpatterns = [
    path("bell/", BellListView.as_view(), name="bell"),
    path("bell/<int:pk>/open/", BellOpenView.as_view(), name="bell_open"),
    path("bell/read/", BellReadAllView.as_view(), name="bell_read_all"),
]
