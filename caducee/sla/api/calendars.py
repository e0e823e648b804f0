"""Business calendars API.

* ``calendars/``: list, read, create, change, delete; each calendar embeds
  its opening hours and closures, read only.
* ``PUT calendars/{id}/week/``: the whole week at once, a list of
  ``{weekday, start, end}`` (0 = Monday; ``end`` null = until midnight),
  through ``set_opening_hours``: all or nothing, and each error keyed
  ``<index>.<field>`` after the row sent (``2.end``: the third row's end).
* ``GET calendars/{id}/deadline/?start=…&hours=…&minutes=…``: when that much
  open time has elapsed since ``start``, as an SLA deadline is computed;
  the query is read by the page's own ``DeadlineForm``, so both accept and
  refuse the same input. A ``start`` without an offset is a time on the
  calendar's clock, and the answer is given in the calendar's time zone.
* ``closures/``: the closures of the calendars in scope (``?calendar=`` to
  keep one), written through ``add_closure`` / ``update_closure`` /
  ``remove_closure``. Their times carry an offset; one sent without is read
  in the server's zone, as every date and time of this API.

Every read is scoped by ``restrict()`` (a calendar out of scope is a 404);
every write goes through ``caducee.sla.services.calendars``; bad input is a
field-level 400.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from caducee.core.api.serializers import ScopedModelSerializer
from caducee.core.api.views import ScopedModelViewSet
from caducee.sla import filters
from caducee.sla.forms import MAX_HOURS, DeadlineForm
from caducee.sla.models import BusinessCalendar, Closure, OpeningHours
from caducee.sla.services import calendars as services

COMMON = ["id", "url", "created_at", "updated_at"]
#: More rows than any week needs (a period per hour of every day is 168).
MAX_WEEK_ROWS = 168


# --- Serializers ----------------------------------------------------------------------
class OpeningHoursSerializer(serializers.ModelSerializer):
    """One period of a weekday; also one row of the ``week`` action's body."""

    class Meta:
        model = OpeningHours
        fields = ["id", "weekday", "start", "end"]
        read_only_fields = ["id"]
        extra_kwargs = {
            "weekday": {"help_text": "0 = Monday … 6 = Sunday."},
            "end": {"help_text": "Null for midnight (open until the end of the day)."},
        }


class NestedClosureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Closure
        fields = ["id", "start", "end", "reason"]
        read_only_fields = fields


class BusinessCalendarSerializer(ScopedModelSerializer):
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)
    closures = NestedClosureSerializer(many=True, read_only=True)

    class Meta:
        model = BusinessCalendar
        fields = [
            *COMMON,
            "code",
            "name",
            "establishment",
            "timezone",
            "always_open",
            "holiday_region",
            "notes",
            "opening_hours",
            "closures",
        ]


class ClosureSerializer(ScopedModelSerializer):
    class Meta:
        model = Closure
        fields = [*COMMON, "calendar", "start", "end", "reason"]


class DeadlineSerializer(serializers.Serializer):
    calendar = serializers.IntegerField()
    timezone = serializers.CharField(help_text="The calendar's zone, in which times are given.")
    start = serializers.DateTimeField()
    business_time = serializers.DurationField(
        format="iso-8601", help_text="The open time counted from the start."
    )
    business_minutes = serializers.IntegerField()
    deadline = serializers.DateTimeField(
        help_text="When the business time has elapsed: an SLA target's deadline."
    )
    elapsed = serializers.DurationField(
        format="iso-8601", help_text="Real time from the start to the deadline."
    )


# --- ViewSets -------------------------------------------------------------------------
class BusinessCalendarViewSet(ScopedModelViewSet):
    model = BusinessCalendar
    serializer_class = BusinessCalendarSerializer
    filterset_class = filters.BusinessCalendarFilterSet
    create_service = staticmethod(services.create_calendar)
    update_service = staticmethod(services.update_calendar)
    delete_service = staticmethod(services.delete_calendar)
    ordering_fields = ["name", "code", "updated_at"]
    ordering = ["name", "pk"]

    def base_queryset(self):
        return BusinessCalendar.objects.select_related("establishment").prefetch_related(
            "opening_hours", "closures"
        )

    @extend_schema(
        request=OpeningHoursSerializer(many=True),
        responses=OpeningHoursSerializer(many=True),
    )
    @action(detail=True, methods=["put"], pagination_class=None)
    def week(self, request, pk=None):
        """Replace the calendar's opening hours by the rows sent; all or nothing."""
        calendar = self.get_object()
        rows = _week_rows(request.data)
        saved = services.set_opening_hours(calendar, actor=request.user, rows=rows)
        return Response(OpeningHoursSerializer(saved, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "start",
                OpenApiTypes.DATETIME,
                required=True,
                description="When the clock starts; without an offset, on the calendar's clock.",
            ),
            OpenApiParameter("hours", int, description=f"Business hours to add (0–{MAX_HOURS})."),
            OpenApiParameter(
                "minutes", int, description="Business minutes to add (with or without hours)."
            ),
        ],
        responses=DeadlineSerializer,
    )
    @action(detail=True, methods=["get"])
    def deadline(self, request, pk=None):
        """When ``hours`` and ``minutes`` of open time have elapsed since ``start``."""
        calendar = self.get_object()
        form = DeadlineForm(request.query_params, zone=calendar.timezone)
        if not form.is_valid():
            raise ApiValidationError(
                {
                    name: [error["message"] for error in errors]
                    for name, errors in form.errors.get_json_data().items()
                }
            )
        answer = services.calendar_deadline(
            calendar, start=form.cleaned_data["start"], business_time=form.business_time
        )
        payload = {
            "calendar": calendar.pk,
            "timezone": calendar.timezone,
            "start": answer.start,
            "business_time": answer.business_time,
            "business_minutes": int(answer.business_time.total_seconds() // 60),
            "deadline": answer.deadline,
            "elapsed": answer.elapsed,
        }
        with timezone.override(ZoneInfo(calendar.timezone)):  # times on the calendar's clock
            return Response(DeadlineSerializer(payload).data)


def _week_rows(data: Any) -> list[services.HoursRow]:
    """The ``week`` body as rows, or a 400 with ``<index>.<field>`` errors."""
    if not isinstance(data, list):
        raise ApiValidationError(
            {"non_field_errors": [_("Send the week as a list of {weekday, start, end}.")]}
        )
    if len(data) > MAX_WEEK_ROWS:
        raise ApiValidationError(
            {"non_field_errors": [_("At most %(n)s rows.") % {"n": MAX_WEEK_ROWS}]}
        )
    rows: list[services.HoursRow] = []
    errors: dict[str, Any] = {}
    for index, item in enumerate(data):
        row = OpeningHoursSerializer(data=item)
        if not row.is_valid():
            for name, messages in row.errors.items():
                key = str(index) if name == "non_field_errors" else f"{index}.{name}"
                errors[key] = messages
            continue
        values = row.validated_data
        rows.append((values["weekday"], values["start"], values.get("end")))
    if errors:
        raise ApiValidationError(errors)
    return rows


class ClosureViewSet(ScopedModelViewSet):
    model = Closure
    serializer_class = ClosureSerializer
    filterset_class = filters.ClosureFilterSet
    create_service = staticmethod(services.add_closure)
    update_service = staticmethod(services.update_closure)
    delete_service = staticmethod(services.remove_closure)
    ordering_fields = ["start", "end", "updated_at"]
    ordering = ["start", "pk"]

    def base_queryset(self):
        return Closure.objects.select_related("calendar")


ROUTES = [
    ("calendars", BusinessCalendarViewSet, "businesscalendar"),
    ("closures", ClosureViewSet, "closure"),
]

urlpatterns: list = []
