"""Escalating from the ticket page: to the next support level (functional)
or to the group's manager (hierarchical).

Rule (issue "Service desk core" point 3): an agent who cannot solve a
ticket hands it to the group the current one escalates to; an agent who
needs a decision or more hands asks the group's manager, who then watches
the ticket. Both need a reason and go through
``caducee.desk.services.escalation``; a refusal (no next level, no manager,
a resolved ticket, a stale version) is shown as a message on the ticket
page, never a 500. The SLA part calls the same services on warnings and
breaches.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caducee.core.services.errors import DomainError
from caducee.core.views.generic import redirect_to
from caducee.desk.services import escalation as services
from caducee.desk.views.ticket_page import get_ticket

HOW = {
    "next_level": services.escalate_to_next_level,
    "manager": services.escalate_to_manager,
}


@login_required
@require_POST
def ticket_escalate(request, pk: int) -> HttpResponse:
    ticket = get_ticket(request.user, pk)
    escalate = HOW.get(request.POST.get("how", ""))
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    if escalate is None:
        messages.error(request, _("Choose how to escalate."))
    else:
        try:
            saved = escalate(
                ticket,
                actor=request.user,
                reason=request.POST.get("reason", ""),
                expected_version=version,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if request.POST["how"] == "manager":
                text = _("%(number)s escalated to the manager of %(group)s.")
            else:
                text = _("%(number)s handed to %(group)s.")
            messages.success(
                request, text % {"number": saved.number, "group": saved.assignment_group}
            )
    return redirect_to(request, reverse("desk:ticket_detail", args=[pk]))


urlpatterns = [
    path("tickets/<int:pk>/escalate/", ticket_escalate, name="ticket_escalate"),
]
