"""Deadlines a DSI would check by hand: business hours over a weekend,
Easter and May Day, Alsace-Moselle's Good Friday, Réunion's abolition day,
New Year's Day reached from December, 24/7 and opening hours across the
daylight-saving changes, a clock paused while waiting on the requester."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from caducee.sla.calendar import (
    CalendarError,
    CalendarSpec,
    add_business_time,
    business_time,
    deadline,
    elapsed,
    open_intervals,
    weekly_hours,
)

PARIS = ZoneInfo("Europe/Paris")
REUNION = ZoneInfo("Indian/Reunion")
UTC = dt.UTC
H = dt.timedelta(hours=1)


def at(*args: int, tz: ZoneInfo = PARIS) -> dt.datetime:
    return dt.datetime(*args, tzinfo=tz)


def office(region: str = "metropole", start=dt.time(8), end=dt.time(18), **kw) -> CalendarSpec:
    """Monday–Friday, one interval a day."""
    return CalendarSpec(
        weekly=weekly_hours({d: [(start, end)] for d in range(5)}), holiday_region=region, **kw
    )


def local(instant: dt.datetime, tz: ZoneInfo = PARIS) -> dt.datetime:
    return instant.astimezone(tz)


# --- business hours ------------------------------------------------------------------
def test_p3_opened_friday_at_five_with_four_hours_is_due_monday_at_eleven():
    due = add_business_time(office(), at(2026, 1, 9, 17), 4 * H)  # Friday 9 January
    assert local(due) == at(2026, 1, 12, 11)


def test_target_met_at_closing_time_is_due_at_closing_time_not_next_opening():
    due = add_business_time(office(), at(2026, 1, 9, 17), 1 * H)
    assert local(due) == at(2026, 1, 9, 18)


def test_easter_monday_and_may_day_are_closed():
    cal = office()
    # Friday 3 April 2026 (Good Friday, open in metropolitan France) 17:00 + 2 h:
    # one hour on Friday, Easter Monday 6 April closed, one hour on Tuesday.
    assert local(add_business_time(cal, at(2026, 4, 3, 17), 2 * H)) == at(2026, 4, 7, 9)
    # Thursday 30 April 17:00 + 2 h: Friday 1 May closed.
    assert local(add_business_time(cal, at(2026, 4, 30, 17), 2 * H)) == at(2026, 5, 4, 9)
    assert business_time(cal, at(2026, 5, 1), at(2026, 5, 2)) == dt.timedelta(0)


def test_good_friday_is_closed_in_alsace_moselle_only():
    start = at(2026, 4, 2, 17)  # Thursday before Easter
    assert local(add_business_time(office("metropole"), start, 2 * H)) == at(2026, 4, 3, 9)
    assert local(add_business_time(office("alsace_moselle"), start, 2 * H)) == at(2026, 4, 7, 9)


def test_saint_stephen_is_closed_in_alsace_moselle_only():
    start = at(2025, 12, 24, 17)  # Wednesday; 25 and 26 December are Thursday and Friday
    assert local(add_business_time(office("metropole"), start, 2 * H)) == at(2025, 12, 26, 9)
    assert local(add_business_time(office("alsace_moselle"), start, 2 * H)) == at(2025, 12, 29, 9)


def test_reunion_closes_on_the_abolition_of_slavery_day_in_its_own_time_zone():
    cal = office("reunion", dt.time(7, 30), dt.time(17), tz="Indian/Reunion")
    start = at(2027, 12, 17, 16, tz=REUNION)  # Friday; Monday 20 December 2027 is the day
    due = add_business_time(cal, start, 2 * H)
    assert local(due, REUNION) == at(2027, 12, 21, 8, 30, tz=REUNION)
    assert due == at(2027, 12, 21, 4, 30, tz=UTC)  # Réunion is UTC+4
    paris_office = office("metropole")
    assert business_time(paris_office, at(2027, 12, 20), at(2027, 12, 21)) == 10 * H


def test_deadline_running_into_january_sees_new_years_day():
    due = add_business_time(office(), at(2025, 12, 31, 17), 2 * H)  # Wednesday
    assert local(due) == at(2026, 1, 2, 9)


def test_closure_shifts_the_deadline_and_touching_intervals_are_one_period():
    cal = CalendarSpec(
        weekly=weekly_hours(
            {d: [(dt.time(8), dt.time(12)), (dt.time(12), dt.time(18))] for d in range(5)}
        ),
        closures=((at(2026, 1, 12, 8), at(2026, 1, 12, 13)),),  # Monday morning: moving the desk
    )
    assert local(add_business_time(cal, at(2026, 1, 9, 17), 4 * H)) == at(2026, 1, 12, 16)
    assert open_intervals(cal, at(2026, 1, 13), at(2026, 1, 14)) == [
        (at(2026, 1, 13, 7, tz=UTC), at(2026, 1, 13, 17, tz=UTC))
    ]


# --- daylight saving ------------------------------------------------------------------
ALWAYS = CalendarSpec(always_open=True)
EVERY_DAY = CalendarSpec(weekly=weekly_hours({d: [(dt.time(0), None)] for d in range(7)}))


def test_24_7_across_the_march_change_counts_real_hours():
    due = add_business_time(ALWAYS, at(2026, 3, 28, 12), 24 * H)  # Saturday noon
    assert local(due) == at(2026, 3, 29, 13)  # Sunday 13:00: the night lost an hour


def test_24_7_across_the_october_change_counts_real_hours():
    due = add_business_time(ALWAYS, at(2026, 10, 24, 12), 24 * H)
    assert local(due) == at(2026, 10, 25, 11)


@pytest.mark.parametrize(
    ("day", "hours"),
    [(dt.date(2026, 3, 29), 23), (dt.date(2026, 10, 25), 25), (dt.date(2026, 6, 14), 24)],
    ids=["march", "october", "june"],
)
def test_a_whole_day_lasts_23_24_or_25_hours_open_all_day_or_24_7(day, hours):
    start = dt.datetime.combine(day, dt.time(), PARIS)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), PARIS)
    assert business_time(ALWAYS, start, end) == hours * H
    assert business_time(EVERY_DAY, start, end) == hours * H


@pytest.mark.parametrize(
    ("day", "office_hours", "night_hours"),
    [(dt.date(2026, 3, 29), 10, 7), (dt.date(2026, 10, 25), 10, 9)],
    ids=["march", "october"],
)
def test_opening_hours_are_wall_clock_times_on_the_days_of_change(day, office_hours, night_hours):
    cal = CalendarSpec(
        weekly=weekly_hours({6: [(dt.time(0), dt.time(8)), (dt.time(9), dt.time(19))]})
    )
    start = dt.datetime.combine(day, dt.time(), PARIS)
    morning = dt.datetime.combine(day, dt.time(8, 30), PARIS)
    end = start + dt.timedelta(days=2)
    assert business_time(cal, start, morning) == night_hours * H
    assert business_time(cal, morning, end) == office_hours * H


def test_an_edge_in_the_march_gap_is_met_at_the_change():
    cal = CalendarSpec(weekly=weekly_hours({6: [(dt.time(2, 30), dt.time(5))]}))
    periods = open_intervals(cal, at(2026, 3, 29), at(2026, 3, 30))
    # 02:30 never shows on the wall clock: open from 03:00 summer time (01:00 UTC).
    assert periods == [(at(2026, 3, 29, 1, tz=UTC), at(2026, 3, 29, 3, tz=UTC))]


def test_both_passes_of_the_repeated_october_hour_are_judged_by_the_wall_clock():
    cal = CalendarSpec(weekly=weekly_hours({6: [(dt.time(0), dt.time(2, 30))]}))
    periods = open_intervals(cal, at(2026, 10, 25), at(2026, 10, 26))
    assert periods == [
        (at(2026, 10, 24, 22, tz=UTC), at(2026, 10, 25, 0, 30, tz=UTC)),  # 00:00–02:30 CEST
        (at(2026, 10, 25, 1, tz=UTC), at(2026, 10, 25, 1, 30, tz=UTC)),  # 02:00–02:30 CET
    ]


# --- clocks ---------------------------------------------------------------------------
def test_clock_paused_while_waiting_on_the_requester():
    cal = office()
    segments = [
        (at(2026, 1, 12, 9), at(2026, 1, 12, 10)),  # Monday: 1 h, then waiting on the requester
        (at(2026, 1, 13, 9), None),  # Tuesday: answered, running again
    ]
    assert elapsed(cal, segments, at(2026, 1, 13, 10)) == 2 * H
    assert elapsed(cal, segments, at(2026, 1, 12, 15)) == 1 * H
    assert local(deadline(cal, segments, 4 * H)) == at(2026, 1, 13, 12)
    assert local(deadline(cal, segments, 30 * H)) == at(2026, 1, 15, 18)  # Thursday, closing


def test_paused_clock_has_no_deadline_unless_already_reached():
    cal = office()
    segments = [(at(2026, 1, 12, 9), at(2026, 1, 12, 14))]
    assert deadline(cal, segments, 8 * H) is None
    assert local(deadline(cal, segments, 2 * H)) == at(2026, 1, 12, 11)
    assert deadline(cal, [], 1 * H) is None


# --- refusals -------------------------------------------------------------------------
def test_calendars_and_arguments_that_make_no_sense_are_refused():
    with pytest.raises(CalendarError):
        CalendarSpec(tz="Europe/Paname")
    with pytest.raises(CalendarError):
        CalendarSpec(weekly=weekly_hours({0: [(dt.time(8), dt.time(12)), (dt.time(11), None)]}))
    with pytest.raises(CalendarError):
        CalendarSpec(weekly=weekly_hours({0: [(dt.time(18), dt.time(8))]}))
    with pytest.raises(CalendarError):
        CalendarSpec(holiday_region="atlantis")
    with pytest.raises(CalendarError):
        business_time(office(), dt.datetime(2026, 1, 1), at(2026, 1, 2))  # naive
    with pytest.raises(CalendarError):
        business_time(office(), at(2026, 1, 2), at(2026, 1, 1))
    with pytest.raises(CalendarError):
        add_business_time(office(), at(2026, 1, 2), -H)
    with pytest.raises(CalendarError):
        elapsed(office(), [(at(2026, 1, 2), None), (at(2026, 1, 3), None)], at(2026, 1, 4))


def test_calendar_that_never_opens_has_no_open_time_and_no_deadline():
    never = CalendarSpec()
    assert business_time(never, at(2026, 1, 1), at(2027, 1, 1)) == dt.timedelta(0)
    assert add_business_time(never, at(2026, 1, 1), dt.timedelta(0)) == at(2026, 1, 1)
    with pytest.raises(CalendarError):
        add_business_time(never, at(2026, 1, 1), H)
