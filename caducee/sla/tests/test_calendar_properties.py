"""The business-time arithmetic against a deliberately simple reference.

Hypothesis draws calendars (weekly hours with edges on the hour, in the
daylight-saving gap and overlap, until midnight; holidays; overlapping
closures; 24/7), clock segments with pauses, and start instants that are
either random or within a few days of a time zone's offset change (the last
Sundays of March and October in Europe/Paris; other zones with other rules:
Saint-Pierre-et-Miquelon, Lord Howe's half-hour change, Santiago's changes at
midnight). The reference shares no code with ``caducee.sla.calendar``: it
walks every UTC minute, converts it to the wall clock with zoneinfo and asks
whether that minute is open (closure, 24/7, holiday, weekday hours). All
edges fall on whole minutes, so the minute walk is exact and the answers
must be equal, not close.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caducee.sla.calendar import (
    CalendarError,
    CalendarSpec,
    add_business_time,
    business_time,
    deadline,
    elapsed,
    open_intervals,
)

UTC = dt.UTC
MINUTE = dt.timedelta(minutes=1)
SPAN = 4 * 24 * 60  # the window walked by the reference, in minutes
#: Europe/Paris mostly; a few zones whose offset changes follow other rules.
ZONES = ["Europe/Paris"] * 6 + [
    "America/Miquelon",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Indian/Reunion",
    "UTC",
]
#: Minutes of the day that catch the daylight-saving edges (02:00, 02:30, 03:00).
EDGES = [0, 60, 120, 150, 180, 210, 480, 720, 1080, 1439, 1440]


# --- the reference -----------------------------------------------------------------
def is_open(cal: CalendarSpec, instant: dt.datetime) -> bool:
    for closed_from, closed_until in cal.closures:
        if closed_from <= instant < closed_until:
            return False
    if cal.always_open:
        return True
    local = instant.astimezone(ZoneInfo(cal.tz))
    if local.date() in cal.holidays:
        return False
    clock = local.time()
    return any(
        start <= clock and (end is None or clock < end)
        for start, end in cal.weekly[local.weekday()]
    )


def minute_flags(cal: CalendarSpec, start: dt.datetime, minutes: int = SPAN) -> list[bool]:
    return [is_open(cal, start + i * MINUTE) for i in range(minutes)]


def runs(flags: list[bool], start: dt.datetime, stop: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """Maximal runs of open minutes among the first ``stop``, as instants."""
    found = []
    i = 0
    while i < stop:
        if flags[i]:
            j = i
            while j < stop and flags[j]:
                j += 1
            found.append((start + i * MINUTE, start + j * MINUTE))
            i = j
        else:
            i += 1
    return found


# --- strategies ----------------------------------------------------------------
@lru_cache(maxsize=64)
def offset_changes(zone_name: str, year: int) -> list[dt.datetime]:
    """Hours of ``year`` when the zone's offset differs from the hour before."""
    zone = ZoneInfo(zone_name)
    hour = dt.datetime(year, 1, 1, tzinfo=UTC)
    before = hour.astimezone(zone).utcoffset()
    found = []
    while hour.year == year:
        hour += dt.timedelta(hours=1)
        offset = hour.astimezone(zone).utcoffset()
        if offset != before:
            found.append(hour)
        before = offset
    return found


def time_of(minute: int) -> dt.time | None:
    return None if minute == 1440 else dt.time(minute // 60, minute % 60)


@st.composite
def day_hours(draw) -> tuple:
    points = sorted(
        draw(st.lists(st.one_of(st.sampled_from(EDGES), st.integers(0, 1440)), max_size=6))
    )
    intervals = []
    for start, end in zip(points[::2], points[1::2], strict=False):
        if start < end:
            intervals.append((time_of(start), time_of(end)))
    return tuple(intervals)


@st.composite
def starts(draw, zone_name: str) -> dt.datetime:
    year = draw(st.integers(2024, 2028))
    changes = offset_changes(zone_name, year)
    if changes and draw(st.booleans()):
        anchor = draw(st.sampled_from(changes))
        return anchor - draw(st.integers(0, SPAN)) * MINUTE
    minutes_in_year = 365 * 24 * 60
    return dt.datetime(year, 1, 1, tzinfo=UTC) + draw(st.integers(0, minutes_in_year)) * MINUTE


@st.composite
def calendars(draw) -> tuple[CalendarSpec, dt.datetime]:
    zone_name = draw(st.sampled_from(ZONES))
    start = draw(starts(zone_name))
    first_day = start.astimezone(ZoneInfo(zone_name)).date()
    holidays = frozenset(
        first_day + dt.timedelta(days=d) for d in draw(st.sets(st.integers(-1, 5), max_size=3))
    )
    closures = tuple(
        (start + a * MINUTE, start + (a + length) * MINUTE)
        for a, length in draw(
            st.lists(
                st.tuples(st.integers(-600, SPAN), st.integers(1, 2000)),
                max_size=3,
            )
        )
    )
    cal = CalendarSpec(
        weekly=tuple(draw(day_hours()) for _ in range(7)),
        holidays=holidays,
        closures=closures,
        tz=zone_name,
        always_open=draw(st.sampled_from([False, False, False, False, True])),
    )
    return cal, start


@st.composite
def clock_segments(draw, start: dt.datetime) -> list[tuple[dt.datetime, dt.datetime | None]]:
    points = sorted(draw(st.sets(st.integers(0, SPAN - 1), max_size=6)))
    running = draw(st.booleans())
    if running and len(points) % 2 == 0:
        points = points[:-1] if points else points
    segments: list[tuple[dt.datetime, dt.datetime | None]] = []
    for i in range(0, len(points), 2):
        end = points[i + 1] if i + 1 < len(points) else None
        segments.append((start + points[i] * MINUTE, None if end is None else start + end * MINUTE))
    return segments


# --- properties ----------------------------------------------------------------
@settings(max_examples=120, deadline=None)
@given(data=calendars(), length=st.integers(0, SPAN))
def test_open_time_matches_a_minute_by_minute_walk(data, length):
    cal, start = data
    flags = minute_flags(cal, start, length)
    end = start + length * MINUTE

    assert business_time(cal, start, end) == sum(flags) * MINUTE
    assert open_intervals(cal, start, end) == runs(flags, start, length)


@settings(max_examples=120, deadline=None)
@given(data=calendars(), pick=st.floats(0, 1.05))
def test_deadline_is_the_earliest_instant_with_that_much_open_time(data, pick):
    cal, start = data
    flags = minute_flags(cal, start)
    available = sum(flags)
    wanted = round(pick * available) if pick <= 1 else available + 1 + round(pick * 100)
    duration = wanted * MINUTE

    if wanted > available and not (cal.always_open or any(cal.weekly)):
        with pytest.raises(CalendarError):
            add_business_time(cal, start, duration)
        return
    due = add_business_time(cal, start, duration)

    assert due.tzinfo is not None
    assert business_time(cal, start, due) == duration
    if wanted > available:
        assert due > start + SPAN * MINUTE
    elif wanted == 0:
        assert due == start
    else:
        counted = 0
        for i, is_open_minute in enumerate(flags):
            counted += is_open_minute
            if counted == wanted:
                assert due == start + (i + 1) * MINUTE  # the end of the last minute needed
                break


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_clock_counts_only_while_running_and_open(data):
    cal, start = data.draw(calendars())
    segments = data.draw(clock_segments(start))
    now = start + data.draw(st.integers(0, SPAN)) * MINUTE
    flags = minute_flags(cal, start)

    def running(i: int) -> bool:
        instant = start + i * MINUTE
        return any(s <= instant and (e is None or instant < e) for s, e in segments)

    counted = [flags[i] and running(i) for i in range(SPAN)]
    until_now = (now - start) // MINUTE
    assert elapsed(cal, segments, now) == sum(counted[:until_now]) * MINUTE

    total = sum(counted)
    target = data.draw(st.integers(0, total + 30))
    if target == 0:
        expected = segments[0][0] if segments else None
        assert deadline(cal, segments, target * MINUTE) == expected
        return
    if target > total:
        if not segments or segments[-1][1] is not None:
            assert deadline(cal, segments, target * MINUTE) is None
        elif cal.always_open or any(cal.weekly):
            assert deadline(cal, segments, target * MINUTE) > start + SPAN * MINUTE
        return
    reached = [i for i in range(SPAN) if counted[i]][target - 1]
    assert deadline(cal, segments, target * MINUTE) == start + (reached + 1) * MINUTE


@settings(max_examples=150, deadline=None)
@given(
    data=calendars(),
    microseconds=st.integers(0, 59_999_999),
    duration=st.timedeltas(dt.timedelta(0), dt.timedelta(hours=30)),
)
def test_deadline_is_exact_to_the_microsecond(data, microseconds, duration):
    """Off the minute grid: the deadline carries exactly ``duration`` of open
    time, and one microsecond earlier does not."""
    cal, start = data
    start += dt.timedelta(microseconds=microseconds)
    if not (cal.always_open or any(cal.weekly)):
        return
    due = add_business_time(cal, start, duration)
    assert business_time(cal, start, due) == duration
    if duration:
        assert business_time(cal, start, due - dt.timedelta(microseconds=1)) < duration
