"""Tables of business calendars and closures: the list pages and their
CSV/XLSX exports share them.

A closure's times are shown on its calendar's clock (the zone is named when
it is not the server's), as on the calendar's page: a list mixing Paris and
Réunion calendars must not shift the Réunion closures by three hours.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import django_tables2 as tables
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from caducee.sla.models import BusinessCalendar, Closure
from caducee.sla.week import week_summary

__all__ = ["BusinessCalendarTable", "ClosureTable"]


class _Base(tables.Table):
    class Meta:
        attrs = {"class": "table"}
        template_name = "core/table.html"


class BusinessCalendarTable(_Base):
    name = tables.Column(linkify=True)
    establishment = tables.Column(default=_("Whole GHT"))
    week = tables.Column(
        verbose_name=_("Opening hours"), accessor="pk", orderable=False, empty_values=()
    )
    always_open = tables.BooleanColumn(verbose_name=_("24/7"))
    holiday_region = tables.Column(default=_("None"))

    class Meta(_Base.Meta):
        model = BusinessCalendar
        fields = ("name", "code", "establishment", "week", "always_open", "holiday_region")
        sequence = ("name", "code", "establishment", "week", "always_open", "holiday_region")

    def render_week(self, record):
        # ``opening_hours`` is prefetched by the list view: one query for the page.
        return week_summary(record, record.opening_hours.all())

    value_week = render_week


def calendar_time(closure: Closure, value) -> str:
    local = timezone.localtime(value, ZoneInfo(closure.calendar.timezone))
    text = formats.date_format(local, "SHORT_DATETIME_FORMAT")
    if closure.calendar.timezone != settings.TIME_ZONE:
        text += f" ({closure.calendar.timezone})"
    return text


class ClosureTable(_Base):
    calendar = tables.Column(linkify=True)
    start = tables.Column()
    end = tables.Column()
    reason = tables.Column()

    class Meta(_Base.Meta):
        model = Closure
        fields = ("calendar", "start", "end", "reason")

    def render_start(self, record, value):
        return calendar_time(record, value)

    def render_end(self, record, value):
        return calendar_time(record, value)

    def value_start(self, record, value):
        return timezone.localtime(value, ZoneInfo(record.calendar.timezone)).isoformat()

    def value_end(self, record, value):
        return timezone.localtime(value, ZoneInfo(record.calendar.timezone)).isoformat()
