"""The public holidays a calendar will close on, with their names.

Rule (DESIGN.md "SLA clocks are exact"): a page must show the holidays the
deadlines actually skip, so the dates come from the arithmetic's own source
(``caducee.sla.calendar.french_holidays`` for the calendar's region, the same
function ``CalendarSpec.is_holiday`` asks) and never from a second list.
Only the names are looked up here, from the ``holidays`` package in the
reader's language (it speaks French and English; our catalogue does not
translate them), national days first and the region's own days after, which
is how the package itself merges them. A 24/7 calendar has none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from caducee.sla.calendar import french_holidays
from caducee.sla.models import BusinessCalendar
from caducee.sla.public_holidays import SUBDIVISIONS

#: The ``holidays`` package's language for each language of the interface.
PACKAGE_LANGUAGES = {"fr": "fr", "en": "en_US"}


@dataclass(frozen=True)
class PublicHoliday:
    date: dt.date
    name: str
    #: Whether the calendar would have been open that weekday (else it closes nothing).
    closes_open_day: bool


def _names(region: str, years: list[int]) -> dict[dt.date, str]:
    import holidays  # imported on first use, as ``public_holidays`` does

    language = PACKAGE_LANGUAGES.get((get_language() or "fr")[:2], "fr")
    names: dict[dt.date, str] = dict(
        holidays.country_holidays("FR", years=years, language=language).items()
    )
    for subdivision in SUBDIVISIONS.get(region, ()):
        found = holidays.country_holidays("FR", subdiv=subdivision, years=years, language=language)
        for day, name in found.items():
            names.setdefault(day, name)
    return names


def one_year_later(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def upcoming_holidays(
    calendar: BusinessCalendar, *, today: dt.date, open_weekdays: set[int]
) -> list[PublicHoliday]:
    """The public holidays from ``today`` (in the calendar's zone) to the same
    day next year, excluded, in date order. ``open_weekdays`` says which
    weekdays have opening hours, to tell a holiday that closes an open day
    from one that falls on a day already closed."""
    if calendar.always_open or not calendar.holiday_region:
        return []
    until = one_year_later(today)
    years = list(range(today.year, until.year + 1))
    dates = sorted(
        day for day in french_holidays(calendar.holiday_region, years) if today <= day < until
    )
    names = _names(calendar.holiday_region, years)
    return [
        PublicHoliday(day, names.get(day) or _("Public holiday"), day.weekday() in open_weekdays)
        for day in dates
    ]
