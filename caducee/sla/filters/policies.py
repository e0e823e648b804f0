"""Filters of SLA policies, OLAs and clocks: one FilterSet each for the list
page, its exports and the API (STYLE.md principle 3).

``SlaClockFilterSet`` serves ``GET /api/sla/clocks/?ticket=<id>``: the
ticket is given by id and scoping is the queryset's (``restrict``), so an
id outside the caller's scope simply finds no clock.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models import Priority
from caducee.core.filters import SearchFilterSet, scoped
from caducee.desk.models import AssignmentGroup, TicketKind
from caducee.org.models import Establishment
from caducee.sla.models import (
    BusinessCalendar,
    ClockKind,
    ClockState,
    OperationalTarget,
    SlaClock,
    SlaPolicy,
)

__all__ = ["OperationalTargetFilterSet", "SlaClockFilterSet", "SlaPolicyFilterSet"]


class SlaPolicyFilterSet(SearchFilterSet):
    search_fields = ("name",)

    kind = django_filters.ChoiceFilter(choices=TicketKind.choices, label=_("Kind"))
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("Priority"))
    establishment = django_filters.ModelChoiceFilter(
        queryset=scoped(Establishment), label=_("Establishment"), null_label=_("Whole GHT")
    )
    calendar = django_filters.ModelChoiceFilter(
        queryset=scoped(BusinessCalendar), label=_("Calendar")
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = SlaPolicy
        fields = ["q", "kind", "priority", "establishment", "calendar", "is_active"]


class OperationalTargetFilterSet(SearchFilterSet):
    search_fields = ("assignment_group__team__name",)

    assignment_group = django_filters.ModelChoiceFilter(
        queryset=scoped(AssignmentGroup), label=_("Assignment group")
    )
    priority = django_filters.ChoiceFilter(
        choices=Priority.choices, label=_("Priority"), null_label=_("Any priority")
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = OperationalTarget
        fields = ["q", "assignment_group", "priority", "is_active"]


class SlaClockFilterSet(django_filters.FilterSet):
    ticket = django_filters.NumberFilter(field_name="ticket_id", label=_("Ticket"))
    kind = django_filters.ChoiceFilter(choices=ClockKind.choices, label=_("Clock"))
    state = django_filters.ChoiceFilter(choices=ClockState.choices, label=_("State"))

    class Meta:
        model = SlaClock
        fields = ["ticket", "kind", "state"]
