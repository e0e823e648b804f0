"""Ticket pages: the ticket, its history, record and edit, and the forms of
the ticket page (move, take, qualify the items, override the priority).

Rule (STYLE.md principles 5, 6 and 12): the views only parse, call the one
service function and map its errors. Every change goes through
``caducee.desk.services.tickets``; a ``DomainError`` is shown next to the
field it names (or at the top of its form), a stale ``version`` shows the
conflict message and changes nothing, an illegal move says which one — never
a 500. After a change the browser is redirected (post/redirect/get; htmx
gets ``HX-Redirect``). The page's content is gathered by
``caducee.desk.views.ticket_page``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caducee.core.models import AuditEvent
from caducee.core.services.errors import Conflict, DomainError
from caducee.core.services.scoping import can
from caducee.core.views.generic import apply_validation_error, redirect_to
from caducee.desk.forms.tickets import (
    REOPEN,
    PriorityOverrideForm,
    TicketEditForm,
    TicketForm,
    TicketItemsForm,
    TransitionForm,
)
from caducee.desk.models import Status, Ticket, TicketKind
from caducee.desk.services import tickets as ticket_services
from caducee.desk.views import ticket_page
from caducee.desk.views.ticket_page import get_ticket, page_context, works
from caducee.desk.views.ticket_preview import form_preview


def add_domain_error(form, exc: DomainError, shown: Any = None) -> None:
    """Put a service's refusal next to its field when the form shows it
    (``shown``: the names shown, default all), else at the top of the form."""
    shown = form.fields if shown is None else shown
    field = exc.field if exc.field in form.fields and exc.field in shown else None
    form.add_error(field, exc.message)
    if isinstance(exc, Conflict) and exc.code == "stale":
        form.conflict = True


def surface_errors(form, shown: Any) -> None:
    """Errors of fields the form does not show (hidden ids, the version) go
    to its top, where the user reads them."""
    for name in list(form.errors):
        if name != "__all__" and name not in shown:
            for message in form.errors.pop(name):
                form.add_error(None, message)


def _page(request, ticket: Ticket, status: int = 200, **forms: Any) -> HttpResponse:
    return render(
        request, "desk/ticket_detail.html", page_context(request, ticket, **forms), status=status
    )


def _status_for(exc: DomainError) -> int:
    return 409 if isinstance(exc, Conflict) else 400


def _require_worker(request, ticket: Ticket) -> None:
    if not works(request.user, ticket):
        raise DjangoPermissionDenied


def _done(request, ticket: Ticket, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect_to(request, reverse("desk:ticket_detail", args=[ticket.pk]))


# --- the page and its history ------------------------------------------------------------
@login_required
@require_GET
def ticket_detail(request, pk: int) -> HttpResponse:
    return _page(request, get_ticket(request.user, pk))


@login_required
@require_GET
def ticket_history(request, pk: int) -> HttpResponse:
    ticket = get_ticket(request.user, pk)
    _require_worker(request, ticket)  # the trail names agents and internal values
    events = AuditEvent.objects.filter(object_type="desk.ticket", object_id=str(ticket.pk))
    page = Paginator(events.order_by("-seq"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/ticket_history.html",
        {
            "ticket": ticket,
            "object": ticket,
            "page": page,
            "tabs": ticket_page.ticket_tabs(ticket, "history", agent=True),
        },
    )


# --- record and edit ------------------------------------------------------------------
def _form_page(request, form, ticket: Ticket | None = None, status: int = 200) -> HttpResponse:
    context = {"form": form, "ticket": ticket, **form_preview(request.user, form)}
    return render(request, "desk/ticket_form.html", context, status=status)


def create_from_form(request, form: TicketForm) -> Ticket | None:
    """Record the ticket the valid ``form`` describes; None with the
    service's errors on the form."""
    ticket = form.save(commit=False)
    try:
        return ticket_services.create_ticket(
            ticket, actor=request.user, items=form.cleaned_data.get("items") or ()
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
    except DomainError as exc:
        add_domain_error(form, exc)
    return None


@login_required
def ticket_create(request) -> HttpResponse:
    if not can(request.user, Ticket, "add"):
        raise DjangoPermissionDenied
    if request.method == "POST":
        form = TicketForm(request.POST, user=request.user, instance=Ticket())
        if form.is_valid():
            ticket = create_from_form(request, form)
            if ticket is not None:
                return _done(request, ticket, _("%(number)s recorded.") % {"number": ticket.number})
        return _form_page(request, form, status=400)
    initial = {"kind": TicketKind.INCIDENT}
    initial.update({k: v for k, v in request.GET.items() if k in TicketForm.base_fields})
    form = TicketForm(user=request.user, instance=Ticket(), initial=initial)
    return _form_page(request, form)


@login_required
def ticket_edit(request, pk: int) -> HttpResponse:
    ticket = get_ticket(request.user, pk)
    _require_worker(request, ticket)
    if request.method != "POST":
        return _form_page(request, TicketEditForm(user=request.user, instance=ticket), ticket)
    form = TicketEditForm(request.POST, user=request.user, instance=get_ticket(request.user, pk))
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        changes = {name: data[name] for name in ticket_services.EDITABLE_FIELDS if name in data}
        changes["tags"] = form.tag_names()
        try:
            with transaction.atomic():
                saved = ticket_services.update_ticket(
                    ticket, actor=request.user, changes=changes, expected_version=data["version"]
                )
                saved = ticket_services.set_items(
                    saved, actor=request.user, items=data["items"], expected_version=saved.version
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except DomainError as exc:
            add_domain_error(form, exc)
            status = _status_for(exc)
        else:
            return _done(request, saved, _("%(number)s saved.") % {"number": saved.number})
    return _form_page(request, form, ticket, status=status)


# --- the forms of the page ---------------------------------------------------------------
def run_transition(ticket: Ticket, *, actor: Any, data: dict[str, Any]) -> Ticket:
    """Call the lifecycle service for the move the form asks for."""
    to, version = data["to"], data["version"]
    if to == REOPEN:
        return ticket_services.reopen(
            ticket, actor=actor, reason=data.get("reason", ""), expected_version=version
        )
    extra: dict[str, Any] = {}
    if to == Status.ASSIGNED:
        extra = {"assignment_group": data.get("assignment_group"), "assignee": data.get("assignee")}
    if to == Status.RESOLVED:
        extra = {
            "resolution_code": data.get("resolution_code", ""),
            "resolution_notes": data.get("resolution_notes", ""),
        }
    return ticket_services.transition(
        ticket,
        actor=actor,
        to=to,
        reason=data.get("reason", ""),
        expected_version=version,
        **extra,
    )


@login_required
@require_POST
def ticket_transition(request, pk: int) -> HttpResponse:
    ticket = get_ticket(request.user, pk)
    _require_worker(request, ticket)
    data = request.POST.copy()
    data.setdefault("action", data.get("to", ""))
    form = TransitionForm(
        data, user=request.user, ticket=ticket, auto_id=f"transition-{data['action']}-%s"
    )
    shown = ticket_page.ACTION_FIELDS.get(data["action"], ())
    status = 400
    if form.is_valid():
        try:
            saved = run_transition(ticket, actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc, shown)
            status = _status_for(exc)
        else:
            return _done(
                request,
                saved,
                _("%(number)s is now “%(status)s”.")
                % {"number": saved.number, "status": saved.get_status_display()},
            )
    surface_errors(form, shown)
    return _page(request, ticket, status=status, transition_form=form)


@login_required
@require_POST
def ticket_take(request, pk: int) -> HttpResponse:
    """Assign the ticket to me, in my group, and start working on it."""
    ticket = get_ticket(request.user, pk)
    _require_worker(request, ticket)
    user = request.user
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    group = ticket_page.my_group_for(ticket, user)
    error, status = None, 400
    if group is None:
        error = _("You belong to no group serving %(establishment)s.") % {
            "establishment": ticket.establishment
        }
    else:
        try:
            with transaction.atomic():
                if ticket.status in (Status.NEW, Status.ASSIGNED):
                    saved = ticket_services.transition(
                        ticket,
                        actor=user,
                        to=Status.IN_PROGRESS,
                        assignment_group=group,
                        assignee=user,
                        expected_version=version,
                    )
                else:
                    saved = ticket_services.transition(
                        ticket,
                        actor=user,
                        to=Status.ASSIGNED,
                        assignment_group=group,
                        assignee=user,
                        expected_version=version,
                    )
                    saved = ticket_services.start(saved, actor=user)
        except DomainError as exc:
            error = exc.message
            status = _status_for(exc)
        else:
            return _done(
                request, saved, _("You are working on %(number)s.") % {"number": saved.number}
            )
    return _page(request, ticket, status=status, take_error=error)


@login_required
@require_POST
def ticket_items(request, pk: int) -> HttpResponse:
    ticket = get_ticket(request.user, pk)
    _require_worker(request, ticket)
    form = TicketItemsForm(request.POST, user=request.user, auto_id="items-%s")
    status = 400
    if form.is_valid():
        try:
            saved = ticket_services.set_items(
                ticket,
                actor=request.user,
                items=form.cleaned_data["items"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            status = _status_for(exc)
        else:
            return _done(request, saved, _("Items of %(number)s saved.") % {"number": saved.number})
    surface_errors(form, ())
    return _page(request, ticket, status=status, items_form=form)


@login_required
@require_POST
def ticket_priority(request, pk: int) -> HttpResponse:
    """Override the priority (with a reason), or clear the override."""
    ticket = get_ticket(request.user, pk)
    _require_worker(request, ticket)
    clearing = request.POST.get("action") == "clear"
    data = request.POST.copy()
    if clearing:
        data.setdefault("priority", str(ticket.priority))
        data.setdefault("reason", "-")
    form = PriorityOverrideForm(data, auto_id="priority-%s")
    status = 400
    if form.is_valid():
        values = form.cleaned_data
        try:
            if clearing:
                saved = ticket_services.clear_priority_override(
                    ticket, actor=request.user, expected_version=values["version"]
                )
            else:
                saved = ticket_services.override_priority(
                    ticket,
                    actor=request.user,
                    priority=values["priority"],
                    reason=values["reason"],
                    expected_version=values["version"],
                )
        except DomainError as exc:
            add_domain_error(form, exc)
            status = _status_for(exc)
        else:
            return _done(
                request,
                saved,
                _("%(number)s is %(priority)s.")
                % {"number": saved.number, "priority": saved.get_priority_display()},
            )
    surface_errors(form, ("priority", "reason"))
    return _page(request, ticket, status=status, priority_form=form)


urlpatterns = [
    path("tickets/new/", ticket_create, name="ticket_create"),
    path("tickets/<int:pk>/", ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/history/", ticket_history, name="ticket_history"),
    path("tickets/<int:pk>/edit/", ticket_edit, name="ticket_edit"),
    path("tickets/<int:pk>/transition/", ticket_transition, name="ticket_transition"),
    path("tickets/<int:pk>/take/", ticket_take, name="ticket_take"),
    path("tickets/<int:pk>/items/", ticket_items, name="ticket_items"),
    path("tickets/<int:pk>/priority/", ticket_priority, name="ticket_priority"),
]
