"""Writing on a ticket from its page, and its timeline as a fragment.

Thin views (STYLE.md principles 4 and 12): the form parses, ``add_comment``
decides. ``POST tickets/<id>/comments/`` answers an htmx request with the
refreshed timeline (and, out of band, an empty form), and a form with its
errors next to the fields otherwise retargeted onto the form; without
JavaScript it redirects back to the ticket page (``desk:ticket_detail``),
or shows the form with its errors. ``GET tickets/<id>/timeline/`` returns
the timeline fragment (live refresh of the ticket page).

The ticket page includes ``desk/partials/timeline.html`` and
``desk/partials/comment_form.html`` with the context of
``work_context(request, ticket)``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_htmx.http import reswap, retarget

from caducee.core.services.errors import DomainError
from caducee.desk.models import Ticket, Visibility
from caducee.desk.services.comments import MAX_TIME_SPENT, add_comment, works_tickets
from caducee.desk.services.timeline import timeline


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class CommentForm(forms.Form):
    """A reply or a note; requesters get neither the visibility nor the time."""

    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown is accepted; @username mentions a colleague."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Visibility.choices,
        initial=Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )
    time_spent = forms.IntegerField(
        label=_("Time spent (minutes)"), min_value=0, max_value=MAX_TIME_SPENT, required=False
    )
    files = MultipleFileField(label=_("Files"), required=False)

    def __init__(self, *args: Any, works: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.works = works
        if not works:
            del self.fields["visibility"]
            del self.fields["time_spent"]


def visible_ticket(user: Any, pk: int) -> Ticket:
    ticket = Ticket.objects.restrict(user, "view").filter(pk=pk).first()
    if ticket is None:
        raise Http404
    return ticket


def work_context(request: Any, ticket: Ticket, form: CommentForm | None = None) -> dict:
    """What the two partials need: the entries, the form and where it posts."""
    works = works_tickets(request.user, ticket)
    return {
        "ticket": ticket,
        "timeline_entries": timeline(ticket, user=request.user),
        "comment_form": form or CommentForm(works=works),
        "comment_url": reverse("desk:ticket_comment", args=[ticket.pk]),
        "works_ticket": works,
    }


def ticket_page(ticket: Ticket) -> str:
    try:
        return reverse("desk:ticket_detail", args=[ticket.pk])
    except NoReverseMatch:  # the ticket page is another slice's
        return reverse("desk:ticket_timeline", args=[ticket.pk])


FILE_FIELDS = {"file": "files", "files": "files"}


class TicketCommentView(View):
    def post(self, request, pk: int):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        ticket = visible_ticket(request.user, pk)
        works = works_tickets(request.user, ticket)
        form = CommentForm(request.POST, request.FILES, works=works)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                add_comment(
                    ticket,
                    actor=request.user,
                    body=data["body"],
                    visibility=data.get("visibility") or None,
                    time_spent=data.get("time_spent") or 0,
                    files=data.get("files") or (),
                )
            except DomainError as exc:
                name = FILE_FIELDS.get(exc.field or "", exc.field)
                form.add_error(name if name in form.fields else None, exc.message)
                status = exc.status_code
            else:
                return self.success(request, ticket)
        return self.failure(request, ticket, form, status)

    def success(self, request, ticket: Ticket):
        if not request.htmx:
            return HttpResponseRedirect(ticket_page(ticket))
        context = work_context(request, ticket)
        html = render_to_string("desk/partials/timeline.html", context, request=request)
        html += render_to_string(
            "desk/partials/comment_form.html", {**context, "oob": True}, request=request
        )
        return HttpResponse(html)

    def failure(self, request, ticket: Ticket, form: CommentForm, status: int):
        context = work_context(request, ticket, form)
        if request.htmx:
            # htmx swaps only 2xx answers: the errors replace the form.
            response = render(request, "desk/partials/comment_form.html", context)
            return reswap(retarget(response, "#comment-form"), "outerHTML")
        return render(request, "desk/comment_page.html", context, status=status)


class TicketTimelineView(View):
    def get(self, request, pk: int):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        ticket = visible_ticket(request.user, pk)
        return render(request, "desk/partials/timeline.html", work_context(request, ticket))


urlpatterns = [
    path("tickets/<int:pk>/comments/", TicketCommentView.as_view(), name="ticket_comment"),
    path("tickets/<int:pk>/timeline/", TicketTimelineView.as_view(), name="ticket_timeline"),
]
