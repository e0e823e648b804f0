"""Where a time zone's UTC offset is constant, found from zoneinfo alone.

Rule (used by ``caducee.sla.calendar``): opening hours are wall-clock times,
so mapping them to UTC needs the zone's offset at each instant, and the
instants where it changes (daylight saving, or a territory changing zone).
zoneinfo keeps its transition table private; rather than read the tz files
ourselves we sample the offset every 6 hours and find each change by
bisection to the second. No zone of the tz database changes its offset twice
within 6 hours (none has since 1970, checked against the compiled files), so
this finds every change. It costs a few milliseconds per zone and year, once:
the result is cached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from zoneinfo import ZoneInfo

UTC = dt.UTC
_SAMPLE = dt.timedelta(hours=6)


def offset_spans(
    tz: str, start: dt.datetime, last_year: int
) -> Iterator[tuple[dt.datetime, dt.datetime, dt.timedelta]]:
    """Spans [a, b) of naive UTC with one UTC offset each, from ``start`` up to
    the start of ``last_year``; also cut at each new UTC year, so that every
    span is finite even in a zone that never changes."""
    zone = ZoneInfo(tz)
    a = start
    for year in range(start.year, last_year):
        year_end = dt.datetime(year + 1, 1, 1)
        for change in offset_changes(tz, year):
            if change > a:
                yield a, change, offset_at(zone, a)
                a = change
        yield a, year_end, offset_at(zone, a)
        a = year_end


def offset_at(zone: ZoneInfo, instant: dt.datetime) -> dt.timedelta:
    offset = instant.replace(tzinfo=UTC).astimezone(zone).utcoffset()
    assert offset is not None  # a ZoneInfo always has one
    return offset


@lru_cache(maxsize=512)
def offset_changes(tz: str, year: int) -> tuple[dt.datetime, ...]:
    """The instants (naive UTC, to the second) in ``year`` when ``tz``'s UTC
    offset changes (see the module docstring)."""
    zone = ZoneInfo(tz)
    changes = []
    start, end = dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1)
    low, low_offset = start, offset_at(zone, start)
    while low < end:
        high = min(low + _SAMPLE, end)
        high_offset = offset_at(zone, high)
        if high_offset != low_offset:
            before, after = low, high  # offset(before) is the old one, offset(after) the new
            while after - before > dt.timedelta(seconds=1):
                middle = before + (after - before) // 2
                middle = middle.replace(microsecond=0)
                if offset_at(zone, middle) == low_offset:
                    before = middle
                else:
                    after = middle
            if after < end:
                changes.append(after)
        low, low_offset = high, high_offset
    return tuple(changes)
