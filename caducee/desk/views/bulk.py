"""Bulk assign and status change from the queue.

A workflow screen (STYLE.md principle 4): the queue's ticked rows
(``ticket=<id>:<version>``) and the chosen action are posted here; the
form names a missing group, status, resolution code or reason on its field
(400, nothing changed); then ``caducee.desk.services.bulk`` applies the
lifecycle ticket by ticket and this view lists, per ticket, what was done
or why not (see the service for why a per-ticket report). An htmx post
gets the result partial and an ``HX-Trigger: desk:refresh`` so the queue
reloads its rows; a plain post gets a page with the same list.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from caducee.core.services.errors import DomainError
from caducee.core.services.scoping import can
from caducee.desk.forms.bulk import ASSIGN, TicketBulkForm
from caducee.desk.models import Ticket
from caducee.desk.services.bulk import bulk_assign, bulk_change_status


def back_to_queue(request) -> str:
    """The queue with the filters the agent came from."""
    queue = reverse("desk:queue")
    following = request.POST.get("next", "")
    if following.startswith("?") and url_has_allowed_host_and_scheme(
        f"{queue}{following}", allowed_hosts={request.get_host()}
    ):
        return f"{queue}{following}"
    return queue


class TicketBulkView(LoginRequiredMixin, View):
    page_template = "desk/queue_bulk_result.html"
    partial_template = "desk/partials/queue_bulk_result.html"

    def get(self, request):
        # Reached by a link or a reload: the selection lives in the queue.
        return HttpResponseRedirect(reverse("desk:queue"))

    def post(self, request):
        if not can(request.user, Ticket, "change"):
            raise DjangoPermissionDenied
        form = TicketBulkForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.respond(form=form, status=400)
        data = form.cleaned_data
        try:
            if data["action"] == ASSIGN:
                outcomes = bulk_assign(
                    data["ticket"],
                    actor=request.user,
                    group=data["assignment_group"],
                    assignee=data.get("assignee"),
                )
            else:
                outcomes = bulk_change_status(
                    data["ticket"],
                    actor=request.user,
                    to=data["status"],
                    reason=data.get("reason", ""),
                    resolution_code=data.get("resolution_code", ""),
                    resolution_notes=data.get("resolution_notes", ""),
                )
        except DomainError as exc:
            return self.respond(form=form, error=exc.message, status=400)
        response = self.respond(form=form, outcomes=outcomes)
        if request.htmx:
            response["HX-Trigger"] = "desk:refresh"
        return response

    def respond(self, *, form, outcomes=None, error: str = "", status: int = 200):
        outcomes = outcomes or []
        done = sum(1 for outcome in outcomes if outcome.ok)
        context = {
            "form": form if form.errors else None,
            "error": error,
            "outcomes": outcomes,
            "done": done,
            "failed": len(outcomes) - done,
            "back_url": back_to_queue(self.request),
        }
        template = self.partial_template if self.request.htmx else self.page_template
        return render(self.request, template, context, status=status)


urlpatterns = [
    path("bulk/", TicketBulkView.as_view(), name="bulk"),
]
