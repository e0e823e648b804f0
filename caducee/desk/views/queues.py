"""The agent's queue page (``/desk/``) and its live-refreshed rows.

Rule (issue "Service desk core" point 6 and its performance target: the
queue p95 under 100 ms on 750,000 tickets). The page shows the five queues
of ``TicketFilterSet`` (mine, my groups, unassigned, breaching soon, all)
with the filters, sortable columns and 50 rows a page. Everything is cut
to the user's scope by ``Ticket.objects.restrict`` first (a requester
without the right to work tickets sees only their own).

What keeps it fast at GHT scale:

- no ``COUNT(*)`` over the queue: a page fetches 51 rows, the 51st only
  says a next page exists (``page_of``);
- the tab counts are one aggregate over the *open* tickets in scope (a few
  thousand rows through the status indexes), one ``COUNT … FILTER`` per
  open queue; "all" (every ticket ever) has no count;
- "all" is read newest first (the primary key's index) unless a sort is
  asked for or the statuses chosen are only open ones;
- the rows' neighbours (requester, care unit, group and its team, assignee)
  are read by one query each for the 50 rows, whatever their number, and
  only the columns the table shows are read, of the tickets and of them
  (converting the others, date-times above all, cost more than the query);
- the bulk form's groups are the filter's list (read once), the
  active ones.

Default queue: "my groups" for a member of a group, else every open ticket.
The rows partial (``desk:queue_rows``, same query string) is what the page
polls every 30 seconds; it also refreshes the tab counts and the unread
notifications out of band.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views import View

from caducee.core.services.scoping import can
from caducee.desk.filters.tickets import BREACHING_WITHIN, QUEUES, TicketFilterSet, my_group_ids
from caducee.desk.models import OPEN_STATUSES, AssignmentGroup, Ticket
from caducee.desk.services.notifications import unread_count
from caducee.desk.services.saved_filters import filters_for, normalise_query
from caducee.desk.tables.tickets import TicketTable
from caducee.org.models import CareUnit, Person

PAGE_SIZE = 50
#: Deeper than this, an OFFSET costs more than a page is worth: filter instead.
MAX_PAGE = 200
#: The rows' neighbours, one query each for the page (a group with its
#: team), with the columns the row shows: a person, unit or account has a
#: dozen more, each a value to convert (five date-times a row) for nothing.
ROW_RELATED = (
    Prefetch("requester", queryset=Person.objects.only("first_name", "last_name")),
    Prefetch("care_unit", queryset=CareUnit.objects.only("code", "name")),
    Prefetch(
        "assignment_group",
        queryset=AssignmentGroup.objects.select_related("team").only("team__name"),
    ),
    Prefetch(
        "assignee", queryset=get_user_model().objects.only("first_name", "last_name", "username")
    ),
)
#: The ticket's columns the row shows (``TicketTable``), its id and version
#: (the bulk form's ``<id>:<version>``) and its neighbours' keys.
ROW_FIELDS = (
    "number",
    "version",
    "title",
    "patient_safety",
    "priority",
    "status",
    "requester_id",
    "care_unit_id",
    "assignment_group_id",
    "assignee_id",
    "response_due",
    "resolution_due",
    "first_response_at",
)
#: The filter form's visible fields, in order.
FILTER_FIELDS = (
    "q",
    "status",
    "kind",
    "priority",
    "assignment_group",
    "establishment",
    "category",
)
OPEN_QUEUES = ("mine", "groups", "unassigned", "breaching")


@dataclass
class QueuePage:
    """A page known to have a next one without counting the rest."""

    rows: list[Ticket]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_number(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def page_of(queryset: QuerySet, number: int, size: int = PAGE_SIZE) -> QueuePage:
    """Rows of page ``number``: ``size + 1`` fetched, never counted."""
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return QueuePage(rows=rows[:size], number=number, has_next=len(rows) > size)


def queue_counts(
    scoped: QuerySet, user: Any, group_ids: list[int], now: dt.datetime
) -> dict[str, int]:
    """The open queues' sizes in one query, as ``TicketFilterSet`` draws them."""
    horizon = now + BREACHING_WITHIN
    in_groups = Q(assignment_group__in=group_ids) if group_ids else Q(pk__in=[])
    unassigned = Q(assignee__isnull=True)
    if group_ids:
        unassigned &= Q(assignment_group__in=group_ids) | Q(assignment_group__isnull=True)
    return scoped.filter(status__in=OPEN_STATUSES).aggregate(
        mine=Count("pk", filter=Q(assignee=user)),
        groups=Count("pk", filter=in_groups),
        unassigned=Count("pk", filter=unassigned),
        breaching=Count("pk", filter=Q(resolution_due__lte=horizon) | Q(response_due__lte=horizon)),
    )


def effective_query(request, group_ids: list[int]) -> QueryDict:
    """The request's query with the default queue filled in."""
    data = request.GET.copy()
    if not data.get("queue"):
        if group_ids:
            data["queue"] = "groups"
        else:
            data["queue"] = "all"
            if not data.getlist("status"):
                data.setlist("status", sorted(OPEN_STATUSES))
    return data


def _optional_url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _ordered(queryset: QuerySet, data: QueryDict) -> QuerySet:
    if data.get("ordering"):
        # A stable order for paging: ties broken by the newest first.
        return queryset.order_by(*queryset.query.order_by, "-pk")
    statuses = set(data.getlist("status"))
    if data.get("queue") == "all" and not (statuses and statuses <= set(OPEN_STATUSES)):
        # Newest first. For one status (the closed tickets, the cancelled
        # ones), by creation, the order of the (status, created_at, id) and
        # (status, priority, created_at, id) indexes: the 50 rows come from
        # the index, where ordering by id walked every newer ticket of any
        # other state (a burst of alerts, a bulk import). Otherwise by id: no
        # index gives several statuses, or none, in creation order, and
        # SQLite would sort the establishment's tickets to find it.
        if len(statuses) == 1:
            return queryset.order_by("-created_at", "-pk")
        return queryset.order_by("-pk")
    return queryset


def queue_context(request) -> dict[str, Any]:
    """What the page and its refreshed rows show."""
    user = request.user
    if not can(user, Ticket, "view"):
        raise DjangoPermissionDenied
    now = timezone.now()
    group_ids = my_group_ids(request)
    data = effective_query(request, group_ids)
    scoped = Ticket.objects.restrict(user, "view")
    filterset = TicketFilterSet(data, queryset=scoped, request=request)
    valid = filterset.is_valid()
    # "/" jumps to the search field (workspace.js).
    filterset.form.fields["q"].widget.attrs.update({"data-shortcut": "/", "aria-keyshortcuts": "/"})
    number = page_number(data.get("page"))
    if valid:
        rows = _ordered(filterset.qs, data).prefetch_related(*ROW_RELATED).only(*ROW_FIELDS)
        page = page_of(rows, number, PAGE_SIZE)
    else:
        page = QueuePage(rows=[], number=1, has_next=False)
    selectable = can(user, Ticket, "change")
    table = TicketTable(page.rows, selectable=selectable, now=now, request=request)

    query = data.copy()
    query.pop("page", None)
    querystring = query.urlencode()
    counts = queue_counts(scoped, user, group_ids, now)
    tab_base = request.GET.copy()
    tab_base.pop("page", None)
    queue = data.get("queue")
    tabs = []
    for key, label in QUEUES:
        tab_query = tab_base.copy()
        tab_query["queue"] = key
        tabs.append(
            {
                "key": key,
                "label": label,
                "count": counts.get(key) if key in OPEN_QUEUES else None,
                "url": f"?{tab_query.urlencode()}",
                "active": key == queue,
            }
        )
    page_query = query.copy()
    links = {}
    for name, target in (
        ("previous_url", page.number - 1 if page.has_previous else None),
        ("next_url", page.number + 1 if page.has_next else None),
    ):
        if target is not None:
            page_query["page"] = str(target)
            links[name] = f"?{page_query.urlencode()}"
    rows_query = query.copy()
    if page.number > 1:
        rows_query["page"] = str(page.number)
    current = normalise_query(querystring)
    return {
        "filterset": filterset,
        "filter_fields": [filterset.form[name] for name in FILTER_FIELDS],
        "filter_valid": valid,
        "table": table,
        "headers": table.headers(query, data.get("ordering", "")),
        "body": table.body_html(),
        "page": page,
        **links,
        "queue": queue,
        "tabs": tabs,
        "querystring": querystring,
        "rows_url": f"{reverse('desk:queue_rows')}?{rows_query.urlencode()}",
        "selectable": selectable,
        "saved_filters": [
            {"filter": saved, "active": saved.query == current} for saved in filters_for(user)
        ]
        if selectable
        else [],
        "unread_notifications": unread_count(user),
        "create_url": _optional_url("desk:ticket_create"),
        "call_url": _optional_url("desk:call"),
        "now": now,
    }


class QueueView(LoginRequiredMixin, View):
    template_name = "desk/queue.html"

    def get(self, request):
        context = queue_context(request)
        if context["selectable"]:
            context["bulk_form"] = bulk_form(request, context["filterset"])
        return render(request, self.template_name, context)


def bulk_form(request, filterset: TicketFilterSet):
    """The bulk form, its groups taken from the filter's list (the same
    groups in scope, the active ones) rather than read a second time."""
    from caducee.desk.forms.bulk import TicketBulkForm

    form = TicketBulkForm(user=request.user)
    field = form.fields["assignment_group"]
    groups = filterset.form.fields["assignment_group"].queryset
    field.widget.choices = [
        ("", field.empty_label),
        *((group.pk, field.label_from_instance(group)) for group in groups if group.is_active),
    ]
    return form


class QueueRowsView(LoginRequiredMixin, View):
    """The rows, tab counts and unread count: what the page polls."""

    template_name = "desk/partials/queue_refresh.html"

    def get(self, request):
        return render(request, self.template_name, queue_context(request))


urlpatterns = [
    path("", QueueView.as_view(), name="queue"),
    path("queue/rows/", QueueRowsView.as_view(), name="queue_rows"),
]
