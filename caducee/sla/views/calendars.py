"""Pages of business calendars: the list, a calendar's page (its week, its
public holidays of the next twelve months, its closures and a box to try a
deadline), the calendar form, the week form and the closure forms.

Thin views (STYLE.md principle 4): the generic CRUD views configured with
the services of ``caducee.sla.services.calendars``; the week form is the one
custom screen, saved at once by ``set_opening_hours``. The hours and the
closures of a calendar are changed by whoever may change that calendar: the
role's permission, and the calendar's establishment in the user's scope (a
calendar of the whole GHT needs the whole GHT), checked before the form is
shown rather than after it is filled in.

A calendar's page speaks its calendar's clock: the page is rendered in the
calendar's time zone (closures, the deadline), as its opening hours are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from caducee.cmdb.durations import format_minutes
from caducee.core.services.errors import DomainError
from caducee.core.services.scoping import can, establishment_allowed
from caducee.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectViewMixin,
    object_tabs,
    object_urls,
    redirect_to,
)
from caducee.sla import filters, forms, tables
from caducee.sla.models import BusinessCalendar, Closure, OpeningHours, Weekday
from caducee.sla.services import calendars as services
from caducee.sla.services.holidays import one_year_later, upcoming_holidays
from caducee.sla.week import week_days


def may_change(user, model, action: str, calendar: BusinessCalendar) -> bool:
    """Whether ``user`` may ``action`` a ``model`` row of ``calendar`` (the
    services check the same and would refuse)."""
    return can(user, model, action) and establishment_allowed(user, calendar.establishment_id)


# --- Calendars ------------------------------------------------------------------------
class BusinessCalendarListView(ObjectListView):
    model = BusinessCalendar
    filterset_class = filters.BusinessCalendarFilterSet
    table_class = tables.BusinessCalendarTable

    def base_queryset(self):
        return BusinessCalendar.objects.select_related("establishment").prefetch_related(
            "opening_hours"
        )


class BusinessCalendarDetailView(ObjectDetailView):
    model = BusinessCalendar
    template_name = "sla/businesscalendar_detail.html"
    detail_fields = [
        "code",
        "name",
        "establishment",
        "timezone",
        "always_open",
        "holiday_region",
        "notes",
    ]

    def base_queryset(self):
        return BusinessCalendar.objects.select_related("establishment").prefetch_related(
            "opening_hours", "closures"
        )

    def get_object(self, pk):
        # ``get`` needs the calendar's zone before the generic view renders.
        if getattr(self, "_calendar", None) is None:
            self._calendar = super().get_object(pk)
        return self._calendar

    def get(self, request, pk):
        calendar = self.get_object(pk)
        with timezone.override(ZoneInfo(calendar.timezone)):
            if request.htmx and request.htmx.target == "try-it":
                context = {"object": calendar, **self.try_it(calendar)}
                return render(request, f"{self.template_name}#try-it", context)
            return super().get(request, pk)

    def attributes(self, obj):
        rows = super().attributes(obj)
        for row in rows:
            if row["name"] == "establishment" and row["value"] is None:
                row["value"] = _("Whole GHT")
        return rows

    def get_extra_context(self, obj):
        user = self.request.user
        hours = list(obj.opening_hours.all())
        now = timezone.now()
        today = timezone.localdate(now)  # the calendar's zone (see ``get``)
        closures = list(obj.closures.all())
        may_close = may_change(user, Closure, "add", obj)
        return {
            # Edit/Delete: the generic links (core may_write: a calendar of
            # the whole GHT is changed only by those who see the whole GHT).
            "week": week_days(hours),
            "week_url": reverse("sla:businesscalendar_week", args=[obj.pk])
            if may_change(user, OpeningHours, "change", obj)
            else None,
            "holidays": upcoming_holidays(
                obj, today=today, open_weekdays={row.weekday for row in hours}
            ),
            "holidays_from": today,
            "holidays_until": one_year_later(today) - dt.timedelta(days=1),
            "closures": [c for c in closures if c.end > now],
            "past_closures": sum(1 for c in closures if c.end <= now),
            "closures_url": reverse("sla:closure_list") + f"?calendar={obj.pk}",
            "closure_add_url": reverse("sla:closure_add", args=[obj.pk]) if may_close else None,
            "may_edit_closures": may_change(user, Closure, "change", obj),
            "may_delete_closures": may_change(user, Closure, "delete", obj),
            **self.try_it(obj),
        }

    def try_it(self, calendar: BusinessCalendar) -> dict[str, Any]:
        """The deadline box: a GET form, answered on the same page."""
        query = self.request.GET
        asked = any(name in query for name in ("start", "hours", "minutes"))
        initial = {"start": timezone.now().replace(second=0, microsecond=0), "hours": 4}
        form = forms.DeadlineForm(query if asked else None, zone=calendar.timezone, initial=initial)
        deadline = None
        if asked and form.is_valid():
            try:
                deadline = services.calendar_deadline(
                    calendar, start=form.cleaned_data["start"], business_time=form.business_time
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return {
            "try_form": form,
            "deadline": deadline,
            "business_text": _duration(deadline.business_time) if deadline else "",
            "elapsed_text": _duration(deadline.elapsed) if deadline else "",
        }


def _duration(value: dt.timedelta) -> str:
    return format_minutes(int(value.total_seconds() // 60))


class BusinessCalendarEditView(ObjectEditView):
    model = BusinessCalendar
    form_class = forms.BusinessCalendarForm
    create_service = staticmethod(services.create_calendar)
    update_service = staticmethod(services.update_calendar)

    def load(self, pk):
        calendar = super().load(pk)
        if pk is not None and not may_change(
            self.request.user, BusinessCalendar, "change", calendar
        ):
            raise DjangoPermissionDenied
        return calendar


class BusinessCalendarDeleteView(ObjectDeleteView):
    model = BusinessCalendar
    delete_service = staticmethod(services.delete_calendar)

    def get_object(self, pk):
        calendar = super().get_object(pk)
        if not may_change(self.request.user, BusinessCalendar, "delete", calendar):
            raise DjangoPermissionDenied
        return calendar


# --- The week -------------------------------------------------------------------------
class BusinessCalendarWeekView(ObjectViewMixin, View):
    """Monday to Sunday, two periods a day (more when the API set more, so
    that saving the page never drops one), saved at once."""

    model = BusinessCalendar
    template_name = "sla/businesscalendar_week.html"

    def load(self, pk) -> BusinessCalendar:
        calendar = self.get_object(pk)
        if not may_change(self.request.user, OpeningHours, "change", calendar):
            raise DjangoPermissionDenied
        return calendar

    def initial(self, calendar: BusinessCalendar) -> tuple[list[dict[str, Any]], int]:
        by_day: dict[int, list[OpeningHours]] = {day: [] for day in Weekday.values}
        for row in OpeningHours.objects.filter(calendar=calendar).order_by("weekday", "start"):
            by_day[row.weekday].append(row)
        periods = max(2, *(len(rows) for rows in by_day.values()))
        initial = []
        for day, rows in by_day.items():
            entry: dict[str, Any] = {"weekday": day}
            for n, row in enumerate(rows, start=1):
                entry[f"start_{n}"], entry[f"end_{n}"] = row.start, row.end
            initial.append(entry)
        return initial, periods

    def formset(self, calendar: BusinessCalendar, data=None):
        initial, periods = self.initial(calendar)
        return forms.WeekFormSet(
            data, initial=initial, prefix="week", form_kwargs={"periods": periods}
        )

    def render_week(self, calendar, formset, status=200):
        context = {
            **self.common_context(),
            "object": calendar,
            "formset": formset,
            "tabs": object_tabs(BusinessCalendar, calendar, "detail"),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        calendar = self.load(pk)
        return self.render_week(calendar, self.formset(calendar))

    def post(self, request, pk):
        calendar = self.load(pk)
        formset = self.formset(calendar, request.POST)
        if not formset.is_valid():
            return self.render_week(calendar, formset, status=400)
        rows, inputs = [], []
        for form in formset.forms:
            for n, start, end in form.periods():
                rows.append((form.cleaned_data["weekday"], start, end))
                inputs.append((form, n))
        try:
            services.set_opening_hours(calendar, actor=request.user, rows=rows)
        except ValidationError as exc:
            _apply_week_errors(formset, inputs, exc)
            return self.render_week(calendar, formset, status=400)
        except DomainError as exc:
            formset.non_form_errors().append(exc.message)
            return self.render_week(calendar, formset, status=400)
        messages.success(request, _("Opening hours of %(name)s saved.") % {"name": calendar})
        return redirect_to(request, calendar.get_absolute_url() + "#week")


def _apply_week_errors(formset, inputs, exc: ValidationError) -> None:
    """``<row>.<field>`` errors of ``set_opening_hours`` beside their input."""
    for key, errors in exc.message_dict.items():
        index, _dot, field = key.partition(".")
        if not index.isdigit() or int(index) >= len(inputs):
            formset.non_form_errors().extend(errors)
            continue
        form, n = inputs[int(index)]
        name = f"{field}_{n}"
        form.add_error(name if name in form.fields else None, errors)


# --- Closures -------------------------------------------------------------------------
class ClosureListView(ObjectListView):
    model = Closure
    filterset_class = filters.ClosureFilterSet
    table_class = tables.ClosureTable

    def base_queryset(self):
        return Closure.objects.select_related("calendar")


class ClosureEditView(ObjectEditView):
    """Add a closure to the calendar of the URL, or change one."""

    model = Closure
    form_class = forms.ClosureForm
    template_name = "sla/closure_edit.html"
    create_service = staticmethod(services.add_closure)
    update_service = staticmethod(services.update_closure)

    def base_queryset(self):
        return Closure.objects.select_related("calendar")

    def get(self, request, pk=None, calendar=None):
        self.calendar_pk = calendar
        return super().get(request, pk)

    def post(self, request, pk=None, calendar=None):
        self.calendar_pk = calendar
        return super().post(request, pk)

    def load(self, pk):
        user = self.request.user
        if pk is None:
            calendar = (
                BusinessCalendar.objects.restrict(user, "view").filter(pk=self.calendar_pk).first()
            )
            if calendar is None:
                raise Http404
            if not may_change(user, Closure, "add", calendar):
                raise DjangoPermissionDenied
            return Closure(calendar=calendar)
        closure = super().load(pk)
        if not may_change(user, Closure, "change", closure.calendar):
            raise DjangoPermissionDenied
        return closure


class ClosureDeleteView(ObjectDeleteView):
    model = Closure
    delete_service = staticmethod(services.remove_closure)

    def base_queryset(self):
        return Closure.objects.select_related("calendar")

    def get_object(self, pk):
        closure = super().get_object(pk)
        if not may_change(self.request.user, Closure, "delete", closure.calendar):
            raise DjangoPermissionDenied
        return closure

    def post(self, request, pk):
        back = self.get_object(pk).get_absolute_url()
        response = super().post(request, pk)
        # Back to the calendar the closure was deleted from, not the closure list.
        return redirect_to(request, back) if response.status_code == 302 else response


urlpatterns = [
    *object_urls(
        BusinessCalendar,
        list_view=BusinessCalendarListView,
        detail_view=BusinessCalendarDetailView,
        edit_view=BusinessCalendarEditView,
        delete_view=BusinessCalendarDeleteView,
        extra=[
            path(
                "businesscalendars/<int:pk>/week/",
                BusinessCalendarWeekView.as_view(),
                name="businesscalendar_week",
            ),
            path(
                "businesscalendars/<int:calendar>/closures/add/",
                ClosureEditView.as_view(),
                name="closure_add",
            ),
        ],
    ),
    *object_urls(
        Closure,
        list_view=ClosureListView,
        delete_view=ClosureDeleteView,
        extra=[path("closures/<int:pk>/edit/", ClosureEditView.as_view(), name="closure_edit")],
    ),
]
