"""The phone-call screen and the searches of the ticket forms.

Rule (issue "Service desk core" point 6): on the phone, the agent finds the
caller in a few keystrokes (name, phone number, room or care unit), sees
their card (care unit, room, phone, manager, equipment, open tickets — a
second call about an open ticket is a note on it) and records and qualifies
the ticket on the same screen, with the priority the matrix gives shown
before saving. The searches answer htmx requests with fragments (STYLE.md
principle 12); without JavaScript the screen still works through plain GET
forms (``?q=`` lists callers, ``?person=`` picks one).

Every search goes through ``restrict()`` (``caducee.desk.services.requester``)
and lists at most 20 rows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from caducee.core.services.scoping import can
from caducee.core.views.generic import redirect_to
from caducee.desk.forms.call import CallSearchForm, call_ticket_form
from caducee.desk.models import Ticket
from caducee.desk.services import requester as requester_services
from caducee.desk.views.ticket_page import static_exists
from caducee.desk.views.ticket_preview import form_preview, form_value, preview_context
from caducee.desk.views.tickets import create_from_form
from caducee.org.models import CareUnit, Room

SEARCH_LIMIT = requester_services.SEARCH_LIMIT


def _require_agent(request) -> None:
    if not can(request.user, Ticket, "change"):
        raise DjangoPermissionDenied


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _workspace(request, person, form) -> dict[str, Any]:
    """The card, the form, and what the form shows before anything is typed:
    the caller's items and the priority preview, computed here rather than
    fetched at load (no burst of requests when a caller is picked)."""
    user = request.user
    context: dict[str, Any] = {"person": person, "card": None, "form": form}
    if person is not None:
        context["card"] = requester_services.requester_card(person, user=user)
        unit = CareUnit.objects.filter(pk=_int(form_value(form, "care_unit"))).first()
        among = requester_services.default_item_ids(person, unit, user=user)
        context["initial_items"] = requester_services.search_items("", user=user, among=among)
    context.update(form_preview(user, form))
    return context


@login_required
def call(request) -> HttpResponse:
    """The screen: search, card and ticket form; POST records the ticket."""
    _require_agent(request)
    user = request.user
    if request.method == "POST":
        form = call_ticket_form(request.POST, user=user)
        person = form.chosen_requester()
        if form.is_valid():
            ticket = create_from_form(request, form)
            if ticket is not None:
                messages.success(request, _("%(number)s recorded.") % {"number": ticket.number})
                if request.POST.get("next") == "call":
                    return redirect_to(request, reverse("desk:call"))
                return redirect_to(request, reverse("desk:ticket_detail", args=[ticket.pk]))
        context = {
            "search": CallSearchForm(),
            "results": None,
            "workspace_js": static_exists("desk/workspace.js"),
            **_workspace(request, person, form),
        }
        return render(request, "desk/call.html", context, status=400)
    search = CallSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    results = requester_services.search_people(query, user=user) if query else None
    person = requester_services.person_for(user, request.GET.get("person"))
    context = {
        "search": search,
        "query": query,
        "results": results,
        "workspace_js": static_exists("desk/workspace.js"),
        **_workspace(request, person, call_ticket_form(user=user, person=person)),
    }
    return render(request, "desk/call.html", context)


@login_required
@require_GET
def call_search(request) -> HttpResponse:
    """The callers matching ``q`` (fragment)."""
    _require_agent(request)
    query = (request.GET.get("q") or "").strip()[:100]
    results = requester_services.search_people(query, user=request.user)
    return render(request, "desk/partials/call_results.html", {"results": results, "query": query})


@login_required
@require_GET
def call_person(request, pk: int) -> HttpResponse:
    """The caller's card and the ticket form filled from them (fragment)."""
    _require_agent(request)
    person = requester_services.person_for(request.user, pk)
    if person is None:
        from django.http import Http404

        raise Http404
    form = call_ticket_form(user=request.user, person=person)
    return render(request, "desk/partials/call_workspace.html", _workspace(request, person, form))


# --- the pickers of the ticket forms -------------------------------------------------------
@login_required
@require_GET
def person_search(request) -> HttpResponse:
    """Requesters matching ``q``, as buttons that fill the requester field."""
    _require_agent(request)
    query = (request.GET.get("q") or "").strip()[:100]
    results = requester_services.search_people(query, user=request.user)
    return render(request, "desk/partials/ticket_person_results.html", {"results": results})


@login_required
@require_GET
def item_search(request) -> HttpResponse:
    """Items by name, hostname or asset tag; with ``scope=caller``, only
    the requester's equipment and their care unit's items."""
    _require_agent(request)
    user = request.user
    query = (request.GET.get("q") or "").strip()[:100]
    among = None
    if request.GET.get("scope") == "caller":
        person = requester_services.person_for(user, request.GET.get("requester"))
        unit_id = _int(request.GET.get("care_unit"))
        unit = (
            CareUnit.objects.restrict(user, "view").filter(pk=unit_id).first() if unit_id else None
        )
        if person is not None or unit is not None:
            among = requester_services.default_item_ids(person, unit, user=user)
    items = requester_services.search_items(query, user=user, among=among)
    return render(
        request,
        "desk/partials/ticket_item_results.html",
        {"items": items, "query": query, "limited": among is not None},
    )


@login_required
@require_GET
def room_search(request) -> HttpResponse:
    _require_agent(request)
    query = (request.GET.get("q") or "").strip()[:100]
    rooms = []
    if len(query) >= 2:
        rows = Room.objects.restrict(request.user, "view").filter(
            Q(code__istartswith=query) | Q(name__icontains=query)
        )
        rooms = list(rows.order_by("code", "pk")[:SEARCH_LIMIT])
    return render(request, "desk/partials/ticket_room_results.html", {"rooms": rooms})


@login_required
@require_GET
def priority_preview(request) -> HttpResponse:
    """The priority the rules would give the ticket being typed (fragment)."""
    _require_agent(request)
    params = request.GET
    context = preview_context(
        request.user,
        kind=params.get("kind"),
        urgency=params.get("urgency"),
        requester=params.get("requester"),
        care_unit=params.get("care_unit"),
        items=params.getlist("items"),
    )
    return render(request, "desk/partials/ticket_priority_preview.html", context)


urlpatterns = [
    path("call/", call, name="call"),
    path("call/search/", call_search, name="call_search"),
    path("call/person/<int:pk>/", call_person, name="call_person"),
    path("search/people/", person_search, name="person_search"),
    path("search/items/", item_search, name="item_search"),
    path("search/rooms/", room_search, name="room_search"),
    path("tickets/priority-preview/", priority_preview, name="ticket_priority_preview"),
]
