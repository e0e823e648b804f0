"""The holiday regions against the ``holidays`` package: every region maps to
subdivisions the package knows, Alsace and Moselle share their local-law
days, each overseas region closes on its own abolition-of-slavery day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import available_timezones

import pytest
from holidays.countries.france import France

from caducee.sla.public_holidays import (
    REGION_TIME_ZONES,
    SUBDIVISIONS,
    HolidayRegion,
    french_holidays,
)


def test_every_region_names_subdivisions_of_the_package_and_a_real_time_zone():
    assert set(SUBDIVISIONS) == set(HolidayRegion.values) == set(REGION_TIME_ZONES)
    for codes in SUBDIVISIONS.values():
        assert set(codes) <= set(France.subdivisions)
    assert set(REGION_TIME_ZONES.values()) <= available_timezones()


def test_alsace_and_moselle_close_on_the_same_days():
    """The package splits them (6AE, 57); if it ever tells them apart, the
    region must be split too."""
    years = range(2020, 2036)
    assert french_holidays("alsace_moselle", years) == french_holidays("metropole", years) | {
        day for year in years for day in (France(subdiv="57", years=year))
    }
    assert set(France(subdiv="57", years=years)) == set(France(subdiv="6AE", years=years))


def test_metropolitan_france_has_eleven_public_holidays():
    days = french_holidays("metropole", [2026])
    assert len(days) == 11
    assert {dt.date(2026, 1, 1), dt.date(2026, 4, 6), dt.date(2026, 5, 1)} <= days
    assert dt.date(2026, 4, 3) not in days  # Good Friday


def test_alsace_moselle_adds_good_friday_and_saint_stephen():
    added = french_holidays("alsace_moselle", [2026]) - french_holidays("metropole", [2026])
    assert added == {dt.date(2026, 4, 3), dt.date(2026, 12, 26)}


@pytest.mark.parametrize(
    ("region", "day"),
    [
        ("guadeloupe", dt.date(2026, 5, 27)),
        ("martinique", dt.date(2026, 5, 22)),
        ("guyane", dt.date(2026, 6, 10)),
        ("reunion", dt.date(2026, 12, 20)),
        ("mayotte", dt.date(2026, 4, 27)),
        ("saint_barthelemy", dt.date(2026, 10, 9)),
        ("saint_martin", dt.date(2026, 5, 28)),
    ],
    ids=lambda value: str(value),
)
def test_overseas_regions_close_on_their_abolition_of_slavery_day(region, day):
    assert day in french_holidays(region, [day.year])
    assert day not in french_holidays("metropole", [day.year])


def test_no_region_means_no_holidays_and_an_unknown_region_is_refused():
    assert french_holidays("", [2026]) == frozenset()
    assert french_holidays("metropole", []) == frozenset()
    with pytest.raises(ValueError, match="unknown holiday region"):
        french_holidays("atlantis", [2026])
