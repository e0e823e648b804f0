"""Business calendars and exact business-time arithmetic.

Rule (DESIGN.md "SLA clocks are exact"): an SLA target such as "resolve a P3
within 4 business hours" counts only the time when the calendar is open and
the clock runs. The time zone matters (opening hours are wall-clock times of
the hospital) and so do daylight-saving changes, public holidays and
exceptional closures. This module is the arithmetic, in plain Python over a
frozen ``CalendarSpec``; the models and services build the spec from the
database. Everything returned is an aware UTC ``datetime`` or a ``timedelta``,
exact to the microsecond (no rounding to minutes).

When is a calendar open? One predicate, applied to every instant:

* a 24/7 calendar (``always_open``, care units that never close) is open at
  every instant except during its closures. Holidays and weekly hours do not
  apply. Time is real elapsed time: the day of the March change lasts 23
  hours and the day of the October change 25;
* any other calendar is open at an instant when the hospital's wall clock
  (``tz``, Europe/Paris by default) shows a local date that is not a holiday
  and a local time inside one of that weekday's opening intervals, and the
  instant is not in a closure.

Opening intervals are ``(start, end)`` local times on one weekday (0 = Monday
… 6 = Sunday), start included, end excluded; ``end=None`` means "until
midnight" (24:00), the only way to write the end of the day (``time`` stops
at 23:59:59.999999 and 00:00 would read as the start). An interval never
crosses midnight: a night shift 20:00–08:00 is 20:00–24:00 on one day and
00:00–08:00 on the next; touching intervals count as one open period.

Daylight saving follows from the predicate, with no special case:

* an interval that does not contain the change (08:00–18:00 in Europe/Paris,
  where clocks change at 02:00/03:00) lasts its nominal 10 hours on those
  days too; a whole day 00:00–24:00 lasts 23 or 25 real hours, the same as
  24/7; a night 00:00–08:00 lasts 7 hours in March and 9 in October;
* an edge inside the March gap (02:00–03:00 never shows on the wall clock) is
  met at the change: "open from 02:30" opens at 03:00 summer time, "closes at
  02:30" closes at 02:00 winter time, the instant the clock jumps;
* in the repeated October hour the wall clock shows 02:00–03:00 twice (first
  in summer time, then in winter time) and both passes are judged: an
  interval 00:00–02:30 is open until the first 02:30, closed, and open again
  from the second 02:00 to the second 02:30. We keep the one predicate rather
  than choose a fold, because it is what the wall clock says and what a
  minute-by-minute check confirms; opening hours with an edge between 02:00
  and 03:00 are rare in hospitals.

Holidays close the whole local date: the explicit ``holidays`` dates, plus
the public holidays of ``holiday_region`` (see ``public_holidays``) looked up
for whatever year a computation reaches, so a deadline that runs into next
January still sees New Year's Day. Closures are instants (aware datetimes),
for an exceptional shutdown or a move; they may overlap each other.

Deadlines: ``add_business_time`` returns the earliest instant at which the
duration of open time has elapsed. When it runs out exactly at a closing
time, the answer is the closing instant itself (Friday 18:00), never the
next opening (Monday 08:00): the target was met before the desk closed.

Speed: open periods are produced day by day from each weekday's intervals,
over spans of constant UTC offset (``zones``: a zone's offset changes are
found once per zone and year and cached) and closures are jumped over, so a
deadline 30 business days ahead costs a few dozen days' work (about 0.1 ms),
never a walk minute by minute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from caducee.sla.public_holidays import SUBDIVISIONS, french_holidays
from caducee.sla.zones import offset_spans

__all__ = [
    "DEFAULT_TIME_ZONE",
    "CalendarError",
    "CalendarSpec",
    "Interval",
    "add_business_time",
    "business_time",
    "deadline",
    "elapsed",
    "french_holidays",
    "open_intervals",
    "weekly_hours",
]

DEFAULT_TIME_ZONE = "Europe/Paris"
UTC = dt.UTC
ZERO = dt.timedelta(0)

#: One opening interval: local start, local end (``None`` = until midnight).
Interval = tuple[dt.time, dt.time | None]
#: The intervals of one weekday, sorted, not overlapping.
DayHours = tuple[Interval, ...]
#: A clock's running segment: start, end (``None`` = still running).
Segment = tuple[dt.datetime, dt.datetime | None]

#: Past this year nothing is looked for (a calendar that never opens again).
_LAST_YEAR = 9000
_FAR = dt.datetime(_LAST_YEAR, 1, 1)
_DAY = dt.timedelta(days=1)


class CalendarError(ValueError):
    """A calendar or an argument that the arithmetic cannot work with."""


def _empty_week() -> tuple[DayHours, ...]:
    return ((),) * 7


@dataclass(frozen=True)
class CalendarSpec:
    """A business calendar as the arithmetic sees it (see the module docstring).

    ``weekly[0]`` holds Monday's intervals … ``weekly[6]`` Sunday's.
    """

    weekly: tuple[DayHours, ...] = field(default_factory=_empty_week)
    holidays: frozenset[dt.date] = frozenset()
    holiday_region: str = ""
    closures: tuple[tuple[dt.datetime, dt.datetime], ...] = ()
    tz: str = DEFAULT_TIME_ZONE
    always_open: bool = False

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarError(f"unknown time zone: {self.tz!r}") from exc
        if len(self.weekly) != 7:
            raise CalendarError("weekly hours need one entry per weekday (7)")
        for weekday, intervals in enumerate(self.weekly):
            previous_end: dt.time | None = dt.time.min
            for start, end in intervals:
                if start.tzinfo is not None or (end is not None and end.tzinfo is not None):
                    raise CalendarError("opening hours are local times, without a time zone")
                if previous_end is None or start < previous_end:
                    raise CalendarError(f"weekday {weekday}: intervals overlap or are unsorted")
                if end is not None and end <= start:
                    raise CalendarError(f"weekday {weekday}: {start}–{end} ends before it starts")
                previous_end = end
        if self.holiday_region and self.holiday_region not in SUBDIVISIONS:
            raise CalendarError(f"unknown holiday region: {self.holiday_region!r}")
        for start, end in self.closures:
            if start.tzinfo is None or end.tzinfo is None:
                raise CalendarError("closures are aware datetimes")
            if end <= start:
                raise CalendarError("a closure ends after it starts")

    def is_holiday(self, day: dt.date) -> bool:
        if day in self.holidays:
            return True
        return bool(self.holiday_region) and day in _region_holidays(self.holiday_region, day.year)

    @property
    def ever_open(self) -> bool:
        return self.always_open or any(self.weekly)


def weekly_hours(hours: Mapping[int, Iterable[Interval]]) -> tuple[DayHours, ...]:
    """``{weekday: [(start, end), …]}`` → ``CalendarSpec.weekly`` (sorted).

    >>> weekly_hours({d: [(dt.time(8), dt.time(18))] for d in range(5)})[5]
    ()
    """
    week: list[DayHours] = []
    for weekday in range(7):
        week.append(tuple(sorted(hours.get(weekday, ()), key=lambda i: i[0])))
    return tuple(week)


# --- public API -----------------------------------------------------------------


def open_intervals(
    cal: CalendarSpec, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The open periods within [start, end), clipped to it, in UTC, in order;
    periods that touch (midnight, 12:00 between two intervals) are one."""
    begin, stop = _naive_utc(start), _naive_utc(end)
    if stop < begin:
        raise CalendarError("end is before start")
    clipped = []
    for a, b in _open_periods(cal, begin):
        if a >= stop:
            break
        clipped.append((a, min(b, stop)))
    return [(a.replace(tzinfo=UTC), b.replace(tzinfo=UTC)) for a, b in _merged(clipped)]


def business_time(cal: CalendarSpec, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Open time between two aware instants (zero when they are equal)."""
    begin, stop = _naive_utc(start), _naive_utc(end)
    if stop < begin:
        raise CalendarError("end is before start")
    total = ZERO
    for a, b in _open_periods(cal, begin):
        if a >= stop:
            break
        total += min(b, stop) - a
    return total


def add_business_time(cal: CalendarSpec, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """The earliest instant when ``duration`` of open time has elapsed since ``start``.

    A zero duration gives ``start``; a duration that ends exactly at a closing
    time gives that closing instant (see the module docstring).
    """
    if duration < ZERO:
        raise CalendarError("a duration cannot be negative")
    begin = _naive_utc(start)
    if duration == ZERO:
        return begin.replace(tzinfo=UTC)
    remaining = duration
    for a, b in _open_periods(cal, begin):
        length = b - a
        if remaining <= length:
            return (a + remaining).replace(tzinfo=UTC)
        remaining -= length
    raise CalendarError("the calendar never opens again")


def elapsed(cal: CalendarSpec, segments: Sequence[Segment], now: dt.datetime) -> dt.timedelta:
    """Open time counted by a clock up to ``now``.

    ``segments`` are the periods the clock ran, in order, not overlapping;
    only the last may still be running (end ``None``). Pauses and stops are
    the gaps between them.
    """
    _check_segments(segments)
    _naive_utc(now)
    total = ZERO
    for start, end in segments:
        if start >= now:
            break
        stop = now if end is None or end > now else end
        total += business_time(cal, start, stop)
    return total


def deadline(
    cal: CalendarSpec, segments: Sequence[Segment], target: dt.timedelta
) -> dt.datetime | None:
    """When the clock's open time reaches ``target``.

    The instant it was reached if it already was; else, if the clock is
    running (last segment open), when it will be reached if it keeps running;
    else (paused or stopped short of the target) ``None``.
    """
    _check_segments(segments)
    if target < ZERO:
        raise CalendarError("a target cannot be negative")
    remaining = target
    for start, end in segments:
        if end is None:
            return add_business_time(cal, start, remaining)
        counted = business_time(cal, start, end)
        if remaining <= counted:
            return add_business_time(cal, start, remaining)
        remaining -= counted
    return None


# --- open periods ----------------------------------------------------------------
# Internally every instant is a naive datetime in UTC: cheaper arithmetic, and
# the zone is applied explicitly through the offset of each span.


def _naive_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise CalendarError("aware datetimes only (with a time zone)")
    return value.astimezone(UTC).replace(tzinfo=None)


def _open_periods(
    cal: CalendarSpec, start: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Open periods from ``start`` on (naive UTC), in order and disjoint, the
    first one clipped to ``start``. Periods may touch: joining them here would
    read ahead without end on a calendar open all day every day. Closures are
    jumped over, not walked through, however long. Ends when the calendar
    never opens again (a finite search: see ``_LAST_YEAR``)."""
    if not cal.ever_open:
        return
    for gap_start, gap_end in _between_closures(_normalised(cal.closures), start):
        if cal.always_open:
            yield gap_start, gap_end
            continue
        for a, b in _weekly_periods(cal, gap_start):
            if a >= gap_end:
                break
            yield a, min(b, gap_end)


def _weekly_periods(
    cal: CalendarSpec, start: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The weekly hours outside holidays, from ``start``: local intervals of
    each day, mapped to UTC span by span of constant offset."""
    weekly = cal.weekly
    for span_start, span_end, offset in offset_spans(cal.tz, start, _LAST_YEAR):
        local_start, local_end = span_start + offset, span_end + offset
        day = local_start.date()
        last_day = (local_end - dt.timedelta(microseconds=1)).date()
        while day <= last_day:
            intervals = weekly[day.weekday()]
            if intervals and not cal.is_holiday(day):
                midnight = dt.datetime(day.year, day.month, day.day)
                for open_at, close_at in intervals:
                    a = midnight.replace(
                        hour=open_at.hour,
                        minute=open_at.minute,
                        second=open_at.second,
                        microsecond=open_at.microsecond,
                    )
                    b = (
                        midnight + _DAY
                        if close_at is None
                        else midnight.replace(
                            hour=close_at.hour,
                            minute=close_at.minute,
                            second=close_at.second,
                            microsecond=close_at.microsecond,
                        )
                    )
                    a = max(a, local_start)
                    b = min(b, local_end)
                    if a < b:
                        yield a - offset, b - offset
            day += _DAY


def _normalised(
    closures: Iterable[tuple[dt.datetime, dt.datetime]],
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Closures in naive UTC, sorted, overlapping ones merged."""
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for a, b in sorted((_naive_utc(a), _naive_utc(b)) for a, b in closures):
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _between_closures(
    closures: list[tuple[dt.datetime, dt.datetime]], start: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The spans from ``start`` on that no closure (sorted, disjoint) covers."""
    a = start
    for closed_from, closed_until in closures:
        if closed_until <= a:
            continue
        if closed_from > a:
            yield a, closed_from
        a = closed_until
    if a < _FAR:
        yield a, _FAR


def _merged(
    periods: Iterable[tuple[dt.datetime, dt.datetime]],
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Join periods that touch (midnight, a change of offset, split intervals)."""
    current: tuple[dt.datetime, dt.datetime] | None = None
    for a, b in periods:
        if current is not None and a <= current[1]:
            current = (current[0], max(current[1], b))
            continue
        if current is not None:
            yield current
        current = (a, b)
    if current is not None:
        yield current


# --- holidays and segments --------------------------------------------------------


@lru_cache(maxsize=256)
def _region_holidays(region: str, year: int) -> frozenset[dt.date]:
    return french_holidays(region, [year])


def _check_segments(segments: Sequence[Segment]) -> None:
    previous: dt.datetime | None = None
    for index, (start, end) in enumerate(segments):
        _naive_utc(start)
        if previous is not None and start < previous:
            raise CalendarError("clock segments overlap or are out of order")
        if end is None:
            if index != len(segments) - 1:
                raise CalendarError("only the last clock segment may still be running")
            continue
        if _naive_utc(end) < _naive_utc(start):
            raise CalendarError("a clock segment ends before it starts")
        previous = end
