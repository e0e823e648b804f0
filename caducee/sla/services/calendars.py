"""Changes to business calendars, and the calendar as the arithmetic sees it.

Rule (STYLE.md principle 5; DESIGN.md "SLA clocks are exact"): a calendar
decides every deadline counted on it, so it changes only here: pages, the
API and imports call these functions, which check the role and the
establishment (a GHT-wide calendar is changed only by someone with the whole
GHT in scope), validate the row (``full_clean``: time zone, end after start)
and, for opening hours, that no two intervals of a weekday overlap (a rule
between rows, which no single row can check), then save through
``core.services.objects`` so each change leaves one audit event.

A week is replaced at once (``set_opening_hours``, ``set_week``): rows that
stay the same are kept, so saving an unchanged week writes nothing; when the
week does change, the calendar itself gets one ``sla.week_changed`` event
with the week before and after, so the calendar's history says when its
hours changed and who changed them (the rows' own events say it row by row).

``calendar_spec`` builds the frozen ``CalendarSpec`` of ``caducee.sla.calendar``
from the rows. It carries the holiday region rather than a list of dates: the
arithmetic looks up the public holidays of whatever year a computation
reaches (cached per region and year), so a deadline that runs from December
into January still sees New Year's Day, with no window of years to get wrong.

``install_default_calendars`` writes the calendars every GHT starts from
(IT business hours, 24/7 for critical care, an Alsace-Moselle and an
overseas example); it is system set-up, like the demo, so it runs without an
acting user but through the same validation, and the model writes the trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from caducee.core import context
from caducee.core.services import audit
from caducee.core.services import objects as object_services
from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.core.services.scoping import can, establishment_allowed
from caducee.sla.calendar import (
    CalendarError,
    CalendarSpec,
    Interval,
    add_business_time,
    weekly_hours,
)
from caducee.sla.models import BusinessCalendar, Closure, HolidayRegion, OpeningHours, Weekday
from caducee.sla.public_holidays import REGION_TIME_ZONES

MIDNIGHT = dt.time(0)

#: One opening-hours row as pages and the API send it: weekday, start, end.
HoursRow = tuple[int, dt.time, dt.time | None]


def calendar_spec(calendar: BusinessCalendar) -> CalendarSpec:
    """The calendar's rows as a ``CalendarSpec`` (two queries, one for 24/7)."""
    week: dict[int, list[Interval]] = {}
    if not calendar.always_open:
        for row in calendar.opening_hours.all():
            week.setdefault(row.weekday, []).append(row.interval)
    return CalendarSpec(
        weekly=weekly_hours(week),
        holiday_region="" if calendar.always_open else calendar.holiday_region,
        closures=tuple((c.start, c.end) for c in calendar.closures.all()),
        tz=calendar.timezone,
        always_open=calendar.always_open,
    )


# --- Calendars --------------------------------------------------------------------
# ``m2m`` is accepted because the generic views and viewsets pass it; a
# calendar has no many-to-many field, so it is always empty.
def create_calendar(
    calendar: BusinessCalendar, *, actor: Any, m2m: dict[str, Any] | None = None
) -> BusinessCalendar:
    return object_services.create_object(calendar, actor=actor, m2m=m2m)


def update_calendar(
    calendar: BusinessCalendar, *, actor: Any, m2m: dict[str, Any] | None = None
) -> BusinessCalendar:
    return object_services.update_object(calendar, actor=actor, m2m=m2m)


def delete_calendar(calendar: BusinessCalendar, *, actor: Any) -> None:
    """Delete a calendar with its opening hours and closures (each audited)."""
    object_services.delete_object(calendar, actor=actor)


# --- Opening hours ----------------------------------------------------------------
def _check(actor: Any, model: type, action: str, calendar: BusinessCalendar) -> None:
    if not can(actor, model, action):
        raise PermissionDenied(_("You are not allowed to change business calendars."))
    if not establishment_allowed(actor, calendar.establishment_id):
        raise PermissionDenied(
            _("This calendar is outside your scope."), field="calendar", code="out_of_scope"
        )


def _lock(calendar: BusinessCalendar) -> None:
    """Serialise changes to one calendar's hours, so two overlapping rows
    cannot both pass the overlap check."""
    BusinessCalendar.objects.select_for_update().filter(pk=calendar.pk).first()


def _overlaps(a: OpeningHours, b: OpeningHours) -> bool:
    a_end = a.end or dt.time.max
    b_end = b.end or dt.time.max
    return a.start < b_end and b.start < a_end


def _validate_hours(hours: OpeningHours) -> None:
    hours.full_clean()
    others = OpeningHours.objects.filter(calendar_id=hours.calendar_id, weekday=hours.weekday)
    if hours.pk is not None:
        others = others.exclude(pk=hours.pk)
    for other in others:
        if _overlaps(hours, other):
            raise ValidationError(
                {"start": _("Overlaps the opening hours %(other)s.") % {"other": other}},
                code="overlap",
            )


def add_opening_hours(hours: OpeningHours, *, actor: Any) -> OpeningHours:
    """Add an interval to a weekday; refused if it overlaps one already there
    (touching is fine: 08:00–12:00 and 12:00–18:00 make one open day)."""
    _check(actor, OpeningHours, "add", hours.calendar)
    with transaction.atomic():
        _lock(hours.calendar)
        _validate_hours(hours)
        return object_services.create_object(hours, actor=actor)


def update_opening_hours(hours: OpeningHours, *, actor: Any) -> OpeningHours:
    _check(actor, OpeningHours, "change", hours.calendar)
    with transaction.atomic():
        _lock(hours.calendar)
        _validate_hours(hours)
        return object_services.update_object(hours, actor=actor)


def remove_opening_hours(hours: OpeningHours, *, actor: Any) -> None:
    object_services.delete_object(hours, actor=actor)


def _week_data(rows: Sequence[OpeningHours]) -> list[list[Any]]:
    """A week for the audit trail: ``[[weekday, "08:00:00", "18:00:00" | None], …]``."""
    return [
        [row.weekday, row.start.isoformat(), row.end.isoformat() if row.end else None]
        for row in sorted(rows, key=lambda r: (r.weekday, r.start))
    ]


def set_opening_hours(
    calendar: BusinessCalendar, *, actor: Any, rows: Sequence[HoursRow]
) -> list[OpeningHours]:
    """Replace the calendar's opening hours by ``rows`` of ``(weekday, start, end)``.

    All or nothing: the first refused row cancels the whole week, and its
    errors are keyed ``<index>.<field>`` (``3.end``: the closing time of the
    fourth row sent), so a form or the API can show each error beside the
    input it is about, even with two periods on one day. Rows already there
    are kept; the others are removed or added, each audited, and the calendar
    gets one ``sla.week_changed`` event. Returns the week as saved.
    """
    _check(actor, OpeningHours, "change", calendar)
    with transaction.atomic():
        _lock(calendar)
        # Read from the table, not ``calendar.opening_hours``: a caller's
        # prefetched rows would be stale.
        current = OpeningHours.objects.filter(calendar_id=calendar.pk)
        before = list(current)
        unused: dict[tuple[Any, Any, Any], list[OpeningHours]] = {}
        for row in before:
            unused.setdefault((row.weekday, row.start, row.end), []).append(row)
        kept: set[int] = set()
        for index, row_values in enumerate(rows):
            same = unused.get(tuple(row_values))
            if same:
                same.pop()
                kept.add(index)
        removed = [row for same in unused.values() for row in same]
        for row in removed:
            remove_opening_hours(row, actor=actor)
        added = 0
        for index, (weekday, start, end) in enumerate(rows):
            if index in kept:
                continue
            row = OpeningHours(calendar=calendar, weekday=weekday, start=start, end=end)
            try:
                add_opening_hours(row, actor=actor)
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                raise ValidationError(
                    {f"{index}.{name}".rstrip("."): msgs for name, msgs in errors.items()}
                ) from exc
            added += 1
        after = list(current.all())
        if removed or added:
            with context.acting_as(actor):
                audit.record_event(
                    "sla.week_changed",
                    calendar,
                    data={"before": _week_data(before), "after": _week_data(after)},
                )
    return after


def set_week(
    calendar: BusinessCalendar,
    *,
    actor: Any,
    week: Mapping[int, Sequence[Interval]],
) -> list[OpeningHours]:
    """Replace the calendar's opening hours by ``{weekday: [(start, end), …]}``.

    ``set_opening_hours`` with the errors keyed ``<weekday>.<field>`` instead
    (``0.end``: Monday's closing time), for callers that think in weekdays.
    """
    rows: list[HoursRow] = [
        (weekday, start, end)
        for weekday, intervals in sorted(week.items())
        for start, end in intervals
    ]
    try:
        return set_opening_hours(calendar, actor=actor, rows=rows)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for key, messages in exc.message_dict.items():
            index, _dot, name = key.partition(".")
            weekday = rows[int(index)][0] if index.isdigit() else index
            errors.setdefault(f"{weekday}.{name}".rstrip("."), []).extend(messages)
        raise ValidationError(errors) from exc


# --- Closures -------------------------------------------------------------------
def add_closure(closure: Closure, *, actor: Any, m2m: dict[str, Any] | None = None) -> Closure:
    """Close the calendar from ``start`` to ``end`` (an exceptional shutdown)."""
    return object_services.create_object(closure, actor=actor, m2m=m2m)


def update_closure(closure: Closure, *, actor: Any, m2m: dict[str, Any] | None = None) -> Closure:
    return object_services.update_object(closure, actor=actor, m2m=m2m)


def remove_closure(closure: Closure, *, actor: Any) -> None:
    object_services.delete_object(closure, actor=actor)


# --- Deadlines ----------------------------------------------------------------------
@dataclass(frozen=True)
class Deadline:
    """``business_time`` counted on a calendar from ``start``: ``deadline``,
    both instants in the calendar's time zone; ``elapsed`` is the real time
    between them (a weekend, a holiday and the nights included)."""

    start: dt.datetime
    business_time: dt.timedelta
    deadline: dt.datetime

    @property
    def elapsed(self) -> dt.timedelta:
        return self.deadline - self.start


#: How far after its start a deadline is looked for. A calendar open a few
#: minutes a week would otherwise turn a long duration into a search of
#: centuries (the arithmetic stops only in the year 9000).
DEADLINE_HORIZON = dt.timedelta(days=3653)
_END_OF_SEARCH = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


def calendar_deadline(
    calendar: BusinessCalendar, *, start: dt.datetime, business_time: dt.timedelta
) -> Deadline:
    """When ``business_time`` of open time has elapsed on ``calendar`` since
    ``start`` (an aware instant), as an SLA deadline is computed.

    Looked for within ``DEADLINE_HORIZON`` of the start: past it the
    calendar counts as closed (a closure, which the arithmetic jumps over at
    once), so a calendar that never opens, or not for that long, gives a
    ``DomainError`` on ``start`` quickly instead of a deadline.
    """
    zone = ZoneInfo(calendar.timezone)
    spec = calendar_spec(calendar)
    try:
        horizon = start + DEADLINE_HORIZON
        if horizon < _END_OF_SEARCH:
            spec = replace(spec, closures=(*spec.closures, (horizon, _END_OF_SEARCH)))
        instant = add_business_time(spec, start, business_time)
    except (CalendarError, OverflowError) as exc:
        raise DomainError(
            _("No deadline: this calendar is not open that long within ten years of this start."),
            field="start",
            code="no_deadline",
        ) from exc
    return Deadline(start.astimezone(zone), business_time, instant.astimezone(zone))


# --- The calendars every GHT starts from -----------------------------------------
WORKING_DAYS = (
    Weekday.MONDAY,
    Weekday.TUESDAY,
    Weekday.WEDNESDAY,
    Weekday.THURSDAY,
    Weekday.FRIDAY,
)


@dataclass(frozen=True)
class DefaultCalendar:
    code: str
    name: str
    holiday_region: str = ""
    always_open: bool = False
    week: Mapping[int, Sequence[Interval]] = field(default_factory=dict)
    notes: str = ""

    @property
    def timezone(self) -> str:
        return REGION_TIME_ZONES.get(self.holiday_region, "Europe/Paris")


def _working_days(start: dt.time, end: dt.time) -> dict[int, list[Interval]]:
    return {day: [(start, end)] for day in WORKING_DAYS}


DEFAULT_CALENDARS = (
    DefaultCalendar(
        code="heures-ouvrees-dsi",
        name="Heures ouvrées DSI",
        holiday_region=HolidayRegion.METROPOLE,
        week=_working_days(dt.time(8), dt.time(18)),
        notes="Du lundi au vendredi, 8 h – 18 h, hors jours fériés.",
    ),
    DefaultCalendar(
        code="soins-critiques-24-7",
        name="24/7 soins critiques",
        always_open=True,
        notes="Réanimation, urgences, bloc, néonatalogie : chaque heure compte.",
    ),
    DefaultCalendar(
        code="heures-ouvrees-alsace-moselle",
        name="Heures ouvrées Alsace-Moselle",
        holiday_region=HolidayRegion.ALSACE_MOSELLE,
        week=_working_days(dt.time(8), dt.time(18)),
        notes="Vendredi saint et 26 décembre fériés (droit local).",
    ),
    DefaultCalendar(
        code="heures-ouvrees-la-reunion",
        name="Heures ouvrées La Réunion",
        holiday_region=HolidayRegion.REUNION,
        week=_working_days(dt.time(7, 30), dt.time(17)),
        notes="Heure de La Réunion ; 20 décembre férié (abolition de l'esclavage).",
    ),
)


def install_default_calendars() -> list[BusinessCalendar]:
    """Create the default calendars whose code is not taken yet (idempotent)."""
    existing = set(
        BusinessCalendar.objects.filter(code__in=[d.code for d in DEFAULT_CALENDARS]).values_list(
            "code", flat=True
        )
    )
    created: list[BusinessCalendar] = []
    with transaction.atomic():
        for default in DEFAULT_CALENDARS:
            if default.code in existing:
                continue
            calendar = BusinessCalendar(
                code=default.code,
                name=default.name,
                timezone=default.timezone,
                always_open=default.always_open,
                holiday_region=default.holiday_region,
                notes=default.notes,
            )
            calendar.full_clean()
            calendar.save()
            for weekday, intervals in sorted(default.week.items()):
                for start, end in intervals:
                    row = OpeningHours(calendar=calendar, weekday=weekday, start=start, end=end)
                    row.full_clean()
                    row.save()
            created.append(calendar)
    return created
