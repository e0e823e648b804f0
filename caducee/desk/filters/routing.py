"""Filters of routing rules: the list page, its exports and the API share
this one FilterSet (STYLE.md principle 3)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from caducee.core.filters import SearchFilterSet, scoped
from caducee.desk.models import AssignmentGroup, RoutingRule, TicketKind
from caducee.org.models import Establishment

__all__ = ["RoutingRuleFilterSet"]


class RoutingRuleFilterSet(SearchFilterSet):
    search_fields = ("name", "assignment_group__team__name")

    is_active = django_filters.BooleanFilter(label=_("Active"))
    kind = django_filters.ChoiceFilter(choices=TicketKind.choices, label=_("Kind"))
    assignment_group = django_filters.ModelChoiceFilter(
        queryset=scoped(AssignmentGroup), label=_("Assign to")
    )
    establishment = django_filters.ModelChoiceFilter(
        queryset=scoped(Establishment), label=_("Establishment"), null_label=_("Whole GHT")
    )

    class Meta:
        model = RoutingRule
        fields = ["q", "is_active", "kind", "assignment_group", "establishment"]
