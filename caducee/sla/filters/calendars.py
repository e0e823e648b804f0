"""Filters of business calendars and their closures: one FilterSet each for
the list page, its exports and the API (STYLE.md principle 3).

The establishment filter offers "Whole GHT" for the calendars shared by
every establishment, as the contracts' does; the region filter offers "No
public holidays" for the calendars without one. A closure is *current* when
it has started and not ended, *upcoming* before it starts, *past* after.
"""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caducee.core.filters import SearchFilterSet, scoped
from caducee.org.models import Establishment
from caducee.sla.models import BusinessCalendar, Closure, HolidayRegion

__all__ = ["BusinessCalendarFilterSet", "ClosureFilterSet"]

NO_REGION = "none"


class BusinessCalendarFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "notes")

    establishment = django_filters.ModelChoiceFilter(
        queryset=scoped(Establishment),
        label=_("Establishment"),
        null_label=_("Whole GHT"),
    )
    always_open = django_filters.BooleanFilter(label=_("Open 24/7"))
    holiday_region = django_filters.ChoiceFilter(
        choices=[*HolidayRegion.choices, (NO_REGION, _("No public holidays"))],
        method="filter_region",
        label=_("Public holidays"),
    )

    class Meta:
        model = BusinessCalendar
        fields = ["q", "establishment", "always_open", "holiday_region"]

    def filter_region(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(holiday_region="" if value == NO_REGION else value)


class ClosureFilterSet(SearchFilterSet):
    search_fields = ("reason", "calendar__name", "calendar__code")

    PERIODS = (
        ("current", _("Current")),
        ("upcoming", _("Upcoming")),
        ("past", _("Past")),
    )

    calendar = django_filters.ModelChoiceFilter(
        queryset=scoped(BusinessCalendar), label=_("Calendar")
    )
    period = django_filters.ChoiceFilter(choices=PERIODS, method="filter_period", label=_("Period"))

    class Meta:
        model = Closure
        fields = ["q", "calendar", "period"]

    def filter_period(self, queryset, name, value):
        now = timezone.now()
        if value == "current":
            return queryset.filter(start__lte=now, end__gt=now)
        if value == "upcoming":
            return queryset.filter(start__gt=now)
        if value == "past":
            return queryset.filter(end__lte=now)
        return queryset
