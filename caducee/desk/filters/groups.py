"""Filters of assignment groups: the list page, its exports and the API
share this one FilterSet (STYLE.md principle 3). The establishment filter
offers "Whole GHT" for the shared DSI groups."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from caducee.core.filters import SearchFilterSet, scoped
from caducee.desk.models import AssignmentGroup, AssignmentMethod, SupportLevel
from caducee.org.models import Establishment

__all__ = ["AssignmentGroupFilterSet"]


class AssignmentGroupFilterSet(SearchFilterSet):
    search_fields = ("team__name", "team__code")

    level = django_filters.ChoiceFilter(choices=SupportLevel.choices, label=_("Support level"))
    establishment = django_filters.ModelChoiceFilter(
        queryset=scoped(Establishment), label=_("Establishment"), null_label=_("Whole GHT")
    )
    assignment_method = django_filters.ChoiceFilter(
        choices=AssignmentMethod.choices, label=_("Assignment method")
    )
    auto_assign = django_filters.BooleanFilter(label=_("Assign automatically"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = AssignmentGroup
        fields = ["q", "level", "establishment", "assignment_method", "auto_assign", "is_active"]
