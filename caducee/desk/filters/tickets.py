"""Filters of tickets: the agent's queues, the ticket list, its exports and
the API, all through this one FilterSet (STYLE.md principle 3).

The queues (issue "Service desk core" point 6) are values of ``queue``:

- ``mine``: open tickets assigned to the user;
- ``groups``: open tickets of the groups the user belongs to or leads;
- ``unassigned``: open tickets with nobody on them (in the user's groups
  when they have some, else every one in their scope);
- ``breaching``: open tickets whose running SLA deadline (response or
  resolution, stored on the ticket) falls within the hour — or has passed;
- ``all``: every ticket in scope, whatever its status.

"Open" is ``OPEN_STATUSES`` (not resolved, closed or cancelled). Scope is
never decided here: the views and the API start from
``Ticket.objects.restrict(user, "view")``.

Free text: a ticket number (``INC-2026-000123``, or its last digits) is
found by the number; other words search the title. Sorting is by the
columns agents sort on, priority first by default with the nearest
deadline next.
"""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models import ConfigurationItem, Priority
from caducee.core.filters import SearchFilterSet, scoped
from caducee.core.widgets import OneQueryFilterChoiceIterator
from caducee.desk.models import (
    OPEN_STATUSES,
    AssignmentGroup,
    Category,
    Channel,
    Status,
    Ticket,
    TicketKind,
)
from caducee.desk.models.categories import SEPARATOR
from caducee.org.models import CareUnit, Establishment, Person

__all__ = ["QUEUES", "TicketFilterSet", "my_group_ids"]

#: Statuses whose tickets carry no resolution deadline (clocks stopped).
UNTIMED_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.CANCELLED})

QUEUES = (
    ("mine", _("Mine")),
    ("groups", _("My groups")),
    ("unassigned", _("Unassigned")),
    ("breaching", _("Breaching soon")),
    ("all", _("All")),
)
#: How far ahead "breaching soon" looks.
BREACHING_WITHIN = dt.timedelta(hours=1)
_NUMBER = re.compile(r"^(?:[A-Za-z]{3}-?)?(?:\d{4}-?)?\d{1,6}$")


def _groups(request):
    """The groups in scope, their team joined (a group is named by its team)."""
    if request is None:
        return AssignmentGroup.objects.none()
    return AssignmentGroup.objects.select_related("team").restrict(request.user, "view")


def my_group_ids(request) -> list[int]:
    """The ids of the requesting user's groups (the "my groups" queue), read
    once per request: the queue's rows, its tab counts and the API share them."""
    cached = getattr(request, "_desk_group_ids", None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = list(AssignmentGroup.of_user(user).values_list("pk", flat=True))
        if request is not None:
            request._desk_group_ids = cached
    return cached


#: The largest id a 64-bit key holds; larger ones are refused, never queried.
MAX_ID = 2**63 - 1


class _IdChoiceField(django_filters.fields.ModelChoiceField):
    """An id beyond 64 bits is "not one of the choices", not a database
    error (SQLite cannot even bind it)."""

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if text.lstrip("-").isdigit() and abs(int(text)) > MAX_ID:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _IdChoiceField


class _CategoryChoices(OneQueryFilterChoiceIterator):
    """Categories named by their path (``str(category)``) from three columns
    of each row, in the queryset's order: the same options as instances
    with two parents joined (109 at GHT scale, 5 ms on every queue page)."""

    def model_choices(self):
        rows = list(self.queryset.values_list("pk", "parent_id", "name"))
        by_pk = {pk: (parent, name) for pk, parent, name in rows}
        for pk, parent, name in rows:
            # As Category.ancestors(): up to the root, a cycle stops the walk.
            names, seen = [name], {pk}
            while parent is not None and parent not in seen and parent in by_pk:
                seen.add(parent)
                parent, parent_name = by_pk[parent]
                names.append(parent_name)
            yield (pk, SEPARATOR.join(reversed(names)))


class _CategoryChoiceField(_IdChoiceField):
    iterator = _CategoryChoices


class CategoryChoiceFilter(IdChoiceFilter):
    field_class = _CategoryChoiceField


_NUMBER_PARTS = re.compile(
    r"^(?:(?P<prefix>[A-Za-z]{3})-?)?(?:(?P<year>\d{4})-)?(?P<sequence>\d{1,10})$"
)


def _number_q(value: str) -> Q:
    """A ticket number, whole or in part: ``INC-2026-000123`` (exact,
    indexed), ``INC2026000123``, ``2026-000123``, ``2026-123``, ``000123``,
    ``123``, ``INC-123``. The sequence is padded to six digits; more than six
    digits without a dash are the year and the sequence. A partial number
    may also be words of a title ("4101")."""
    parts = _NUMBER_PARTS.match(value)
    if parts is None:
        return Q(title__icontains=value)
    prefix = (parts["prefix"] or "").upper()
    year, sequence = parts["year"], parts["sequence"]
    if year is None and len(sequence) > 6:
        year, sequence = sequence[:4], sequence[4:]
    if len(sequence) > 6:
        return Q(title__icontains=value)
    tail = f"{year}-{sequence.zfill(6)}" if year else f"-{sequence.zfill(6)}"
    if prefix and year:
        return Q(number=f"{prefix}-{tail}")
    condition = Q(number__endswith=tail)
    if prefix:
        condition &= Q(number__startswith=f"{prefix}-")
    return condition | Q(title__icontains=value)


class TicketFilterSet(SearchFilterSet):
    queue = django_filters.ChoiceFilter(choices=QUEUES, method="filter_queue", label=_("Queue"))
    # A column of the ticket row: no join, so no duplicate to remove (django-filter's
    # default DISTINCT made PostgreSQL sort every matching row before the LIMIT).
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, label=_("Status"), distinct=False
    )
    kind = django_filters.ChoiceFilter(choices=TicketKind.choices, label=_("Kind"))
    priority = django_filters.MultipleChoiceFilter(
        choices=Priority.choices, label=_("Priority"), distinct=False
    )
    establishment = IdChoiceFilter(queryset=scoped(Establishment), label=_("Establishment"))
    assignment_group = IdChoiceFilter(queryset=_groups, label=_("Group"))
    assignee = django_filters.NumberFilter(
        field_name="assignee_id", label=_("Assignee"), min_value=1, max_value=MAX_ID
    )
    requester = IdChoiceFilter(
        queryset=scoped(Person), label=_("Requester"), widget=forms.HiddenInput
    )
    care_unit = IdChoiceFilter(
        queryset=scoped(CareUnit), label=_("Care unit"), widget=forms.HiddenInput
    )
    category = CategoryChoiceFilter(
        # A category is named by its path: its parents joined when one is
        # validated, not read per option (the options are read as values).
        queryset=Category.objects.select_related("parent__parent"),
        method="filter_category",
        label=_("Category"),
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    configuration_item = IdChoiceFilter(
        queryset=scoped(ConfigurationItem),
        field_name="configuration_items",
        label=_("Configuration item"),
        widget=forms.HiddenInput,
    )
    created_after = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("Created from")
    )
    created_before = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("Created until")
    )
    patient_safety = django_filters.BooleanFilter(label=_("Patient safety"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("priority", "priority"),
            ("number", "number"),
            ("created_at", "created"),
            ("updated_at", "updated"),
            ("resolution_due", "due"),
            ("status", "status"),
        ),
        label=_("Sort"),
    )

    class Meta:
        model = Ticket
        fields = [
            "q",
            "queue",
            "status",
            "kind",
            "priority",
            "establishment",
            "assignment_group",
            "assignee",
            "category",
            "channel",
        ]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        if _NUMBER.match(value):
            return queryset.filter(_number_q(value))
        condition = Q()
        for word in value.split()[:6]:
            condition &= Q(title__icontains=word)
        return queryset.filter(condition)

    def filter_category(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Category.subtree_q(value.pk))

    def filter_queue(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or value == "all":
            return queryset
        open_only = queryset.filter(status__in=OPEN_STATUSES)
        if value == "mine":
            return open_only.filter(assignee=user) if user else open_only.none()
        groups = my_group_ids(self.request)
        if value == "groups":
            return open_only.filter(assignment_group__in=groups)
        if value == "unassigned":
            unassigned = open_only.filter(assignee__isnull=True)
            if groups:
                return unassigned.filter(
                    Q(assignment_group__in=groups) | Q(assignment_group__isnull=True)
                )
            return unassigned
        if value == "breaching":
            horizon = timezone.now() + BREACHING_WITHIN
            return open_only.filter(Q(resolution_due__lte=horizon) | Q(response_due__lte=horizon))
        return queryset

    @property
    def qs(self):
        queryset = super().qs
        if not self.data.get("ordering"):
            statuses = set(self.data.getlist("status")) if hasattr(self.data, "getlist") else set()
            if statuses and statuses <= UNTIMED_STATUSES:
                # No deadline to sort on (their clocks are stopped): the same
                # order, which the (status, priority, created_at) index gives
                # without sorting ten years of closed tickets.
                return queryset.order_by("priority", "-created_at")
            queryset = queryset.order_by(
                "priority", F("resolution_due").asc(nulls_last=True), "-created_at"
            )
        return queryset
