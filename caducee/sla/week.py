"""How a calendar's week reads on a page: Monday to Sunday with its opening
periods, or a one-line summary for a list.

Rule (the conventions of ``models.calendars``): an empty closing time means
"until midnight", and 00:00 until midnight is the whole day; a 24/7 calendar
ignores its rows, so it reads "24/7" whatever they say. Consecutive weekdays
with the same periods are grouped in the summary ("Mon–Fri 08:00–18:00"), as
a hospital would post its hours on a door.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from caducee.sla.models import BusinessCalendar, OpeningHours

MIDNIGHT = dt.time(0)


def clock(value: dt.time) -> str:
    """08:00, or 08:00:30 when the seconds matter."""
    return value.strftime("%H:%M:%S" if value.second or value.microsecond else "%H:%M")


def period_text(start: dt.time, end: dt.time | None) -> str:
    if end is None:
        if start == MIDNIGHT:
            return _("all day")
        return _("%(start)s until midnight") % {"start": clock(start)}
    return f"{clock(start)}–{clock(end)}"


@dataclass(frozen=True)
class WeekDay:
    weekday: int
    name: str
    periods: tuple[str, ...]

    @property
    def closed(self) -> bool:
        return not self.periods


def week_days(hours: Iterable[OpeningHours]) -> list[WeekDay]:
    """Seven rows, Monday first; a day without a period is closed."""
    by_day: dict[int, list[OpeningHours]] = {day: [] for day in range(7)}
    for row in hours:
        by_day[row.weekday].append(row)
    return [
        WeekDay(
            day,
            str(WEEKDAYS[day]),
            tuple(period_text(r.start, r.end) for r in sorted(rows, key=lambda r: r.start)),
        )
        for day, rows in by_day.items()
    ]


def week_summary(calendar: BusinessCalendar, hours: Iterable[OpeningHours]) -> str:
    """ "24/7", "Mon–Fri 08:00–18:00 · Sat 09:00–12:00", or "Never open"."""
    if calendar.always_open:
        return _("24/7")
    groups: list[tuple[int, int, tuple[str, ...]]] = []
    for day in week_days(hours):
        if day.closed:
            continue
        if groups and groups[-1][1] == day.weekday - 1 and groups[-1][2] == day.periods:
            groups[-1] = (groups[-1][0], day.weekday, day.periods)
        else:
            groups.append((day.weekday, day.weekday, day.periods))
    if not groups:
        return _("Never open")
    parts = []
    for first, last, periods in groups:
        days = str(WEEKDAYS_ABBR[first])
        if last != first:
            days += ("–" if last > first + 1 else ", ") + str(WEEKDAYS_ABBR[last])
        parts.append(f"{days} {', '.join(periods)}")
    return " · ".join(parts)
