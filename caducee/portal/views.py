"""Portal pages: report a problem, my requests, one request's conversation.

Thin views (STYLE.md principle 12): they parse a form, call a portal or desk
service and show its refusal next to the field it names (400), or redirect
after a change (POST/redirect/GET). Every ticket is looked up in
``portal_tickets(user)`` — out of scope is a 404 —, and the conversation
shows public replies and public files only (``services.conversation``).
Pages work without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caducee.core.services.errors import DomainError
from caducee.desk.models import FINAL_STATUSES, Status, Ticket
from caducee.portal.forms import ReopenForm, ReplyForm, ReportForm, SatisfactionForm
from caducee.portal.models import Satisfaction
from caducee.portal.services import conversation, people, reports
from caducee.portal.services.satisfaction import rate
from caducee.portal.services.status import STATUS_TONE, plain_status

PAGE_SIZE = 20
SHOW = ("open", "closed", "all")


def _ticket(user: Any, pk: int) -> Ticket:
    ticket = conversation.portal_tickets(user).filter(pk=pk).first()
    if ticket is None:
        raise Http404
    return ticket


def _decorate(tickets: Any) -> list[Ticket]:
    rows = list(tickets)
    for ticket in rows:
        ticket.plain_status = plain_status(ticket.status)
        ticket.tone = STATUS_TONE.get(ticket.status, "info")
    return rows


@login_required
@permission_required("desk.view_ticket", raise_exception=True)
def home(request):
    recent = conversation.portal_tickets(request.user).exclude(status__in=FINAL_STATUSES)[:5]
    return render(
        request,
        "portal/home.html",
        {
            "recent": _decorate(recent),
            "can_report": request.user.has_perm("desk.add_ticket"),
        },
    )


def _report_form(request, person):
    return ReportForm(
        request.POST or None,
        request.FILES or None,
        care_units=people.care_units_for(person),
        places=people.places_for(person),
        initial={
            "care_unit": people.default_care_unit(person),
            "location": person.room_id,
        },
    )


@login_required
@permission_required("desk.add_ticket", raise_exception=True)
def report(request):
    person = people.person_of(request.user)
    if person is None:
        return render(request, "portal/report.html", {"form": None}, status=200)
    form = _report_form(request, person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = reports.report_problem(
                actor=request.user,
                title=data["title"],
                details=data["details"],
                patients=data["patients"],
                care_unit=data["care_unit"],
                location=data["location"],
                files=data["files"],
            )
        except DomainError as exc:
            form.domain_error(exc)
        else:
            messages.success(
                request,
                _("Thank you: your request %(number)s is recorded.") % {"number": ticket.number},
            )
            return redirect("portal:ticket", pk=ticket.pk)
    status = 400 if form.errors else 200
    return render(request, "portal/report.html", {"form": form, "person": person}, status=status)


@login_required
@permission_required("desk.view_ticket", raise_exception=True)
def ticket_list(request):
    show = request.GET.get("show", "all")
    if show not in SHOW:
        show = "all"
    tickets = conversation.portal_tickets(request.user)
    if show == "open":
        tickets = tickets.exclude(status__in=FINAL_STATUSES)
    elif show == "closed":
        tickets = tickets.filter(status__in=FINAL_STATUSES)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _decorate(page.object_list)
    return render(request, "portal/ticket_list.html", {"page": page, "show": show})


def _page(request, ticket: Ticket, *, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    comments = list(conversation.public_comments(ticket, user=user))
    files = list(conversation.public_attachments(ticket, user=user))
    by_comment: dict[int, list] = {}
    loose = []
    for item in files:
        if item.comment_id:
            by_comment.setdefault(item.comment_id, []).append(item)
        else:
            loose.append(item)
    for comment in comments:
        comment.files = by_comment.get(comment.pk, [])
        comment.mine = comment.author_id == user.pk
    own = conversation.is_requester(user, ticket)
    satisfaction = Satisfaction.objects.filter(ticket=ticket).first()
    context = {
        "ticket": ticket,
        "plain_status": plain_status(ticket.status),
        "tone": STATUS_TONE.get(ticket.status, "info"),
        "comments": comments,
        "loose_files": loose,
        "own": own,
        "can_reply": ticket.status not in FINAL_STATUSES,
        "can_decide": own and ticket.status == Status.RESOLVED,
        "can_rate": own and ticket.status == Status.CLOSED and satisfaction is None,
        "satisfaction": satisfaction,
        "reply_form": forms.get("reply_form") or ReplyForm(auto_id="reply_%s"),
        "reopen_form": forms.get("reopen_form") or ReopenForm(auto_id="reopen_%s"),
        "rate_form": forms.get("rate_form") or SatisfactionForm(auto_id="rate_%s"),
    }
    return render(request, "portal/ticket_detail.html", context, status=status)


@login_required
@permission_required("desk.view_ticket", raise_exception=True)
def ticket_detail(request, pk: int):
    return _page(request, _ticket(request.user, pk))


def _after(ticket: Ticket, anchor: str = "") -> HttpResponse:
    url = reverse("portal:ticket", args=[ticket.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
@require_POST
def reply(request, pk: int):
    ticket = _ticket(request.user, pk)
    form = ReplyForm(request.POST, request.FILES, auto_id="reply_%s")
    if form.is_valid():
        try:
            conversation.reply(
                ticket,
                actor=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
            )
        except DomainError as exc:
            form.domain_error(exc)
        else:
            messages.success(request, _("Your message is sent."))
            return _after(ticket, "conversation")
    return _page(request, ticket, status=400, reply_form=form)


@login_required
@require_POST
def confirm(request, pk: int):
    ticket = _ticket(request.user, pk)
    try:
        conversation.confirm_resolution(ticket, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _after(ticket)
    messages.success(request, _("Thank you: your request is closed."))
    return _after(ticket, "satisfaction")


@login_required
@require_POST
def reopen(request, pk: int):
    ticket = _ticket(request.user, pk)
    form = ReopenForm(request.POST, auto_id="reopen_%s")
    if form.is_valid():
        try:
            conversation.reopen_ticket(
                ticket, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.domain_error(exc)
        else:
            messages.success(request, _("Your request is back with the technician."))
            return _after(ticket, "conversation")
    return _page(request, ticket, status=400, reopen_form=form)


@login_required
@require_POST
def satisfaction(request, pk: int):
    ticket = _ticket(request.user, pk)
    form = SatisfactionForm(request.POST, auto_id="rate_%s")
    if form.is_valid():
        try:
            rate(
                ticket,
                actor=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            if exc.code != "already_rated":
                form.domain_error(exc)
                return _page(request, ticket, status=400, rate_form=form)
            messages.info(request, exc.message)  # the form is gone: say it above
            return _after(ticket, "satisfaction")
        else:
            messages.success(request, _("Thank you for your rating."))
            return _after(ticket, "satisfaction")
    return _page(request, ticket, status=400, rate_form=form)
