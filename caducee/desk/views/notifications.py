"""The user's notifications: the list and "mark read".

Rule (issue "Service desk core" points 5 and 6): a notification is the
recipient's own inbox row (``caducee.desk.services.notifications``); each
user reads only theirs — another's id is a 404, as an object out of scope
is. The queue page shows the unread count linking here. Newest first, 50 a
page, a next page known by fetching one row more (no count of an inbox
that grows for years).
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.views import View

from caducee.desk.models import Notification
from caducee.desk.services.notifications import mark_read, unread_count
from caducee.desk.views.queues import page_number, page_of


def _ticket_url(ticket_id: int, cache: dict) -> str | None:
    if "pattern" not in cache:
        try:
            cache["pattern"] = reverse("desk:ticket_detail", args=[987654321])
        except NoReverseMatch:
            cache["pattern"] = None
    pattern = cache["pattern"]
    return pattern.replace("987654321", str(ticket_id)) if pattern else None


def notifications_context(request) -> dict:
    user = request.user
    unread_only = request.GET.get("unread") == "1"
    rows = Notification.objects.filter(recipient=user).select_related("ticket")
    rows = rows.only("pk", "kind", "message", "read_at", "created_at", "ticket", "ticket__number")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = page_of(rows.order_by("-created_at", "-pk"), page_number(request.GET.get("page")))
    cache: dict = {}
    page.rows = [{"notification": n, "url": _ticket_url(n.ticket_id, cache)} for n in page.rows]
    return {"page": page, "unread_only": unread_only, "unread_notifications": unread_count(user)}


class NotificationListView(LoginRequiredMixin, View):
    template_name = "desk/queue_notifications.html"

    def get(self, request):
        return render(request, self.template_name, notifications_context(request))


class NotificationReadView(LoginRequiredMixin, View):
    """Mark one, several (``notification=<id>``…) or all (``all=1``) read."""

    def post(self, request):
        mine = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
        if request.POST.get("all") == "1":
            chosen = list(mine.only("pk"))
        else:
            try:
                ids = {int(value) for value in request.POST.getlist("notification")}
            except ValueError:
                raise Http404 from None
            owned = Notification.objects.filter(recipient=request.user, pk__in=ids)
            if len(ids) != owned.count():
                raise Http404
            chosen = list(owned.only("pk"))
        mark_read(chosen, actor=request.user)
        if request.htmx:
            return render(request, "desk/queue_notifications.html", notifications_context(request))
        return HttpResponseRedirect(reverse("desk:notifications"))


urlpatterns = [
    path("notifications/", NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", NotificationReadView.as_view(), name="notifications_read"),
]
