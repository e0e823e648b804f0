"""A clock with pauses against a deliberately simple reference.

Hypothesis draws the calendars of ``test_calendar_properties`` (weekly hours
with edges in the daylight-saving gap and overlap of Europe/Paris and other
zones, holidays, overlapping closures, 24/7; starts near the last Sundays of
March and October), a target and a warning share, and a sequence of
instants at which the ticket starts or stops waiting on its requester —
with, sometimes, a priority change that gives the clock a new target. The
clock is driven by the same functions as the clock service
(``caducee.sla.services.clockwork``). The reference walks every minute from
the start and counts it when the calendar is open (``minute_flags``, which
shares no code with the arithmetic) and the clock is not paused. At every
step, the clock's deadline and warning instant must be the instants at
which the reference reaches the target and its share, and the time counted
at each pause the reference's count — equal, not close.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from caducee.sla.models import ClockState, SlaClock
from caducee.sla.services import clockwork
from caducee.sla.tests.test_calendar_properties import MINUTE, SPAN, minute_flags
from caducee.sla.tests.test_calendar_properties import calendars as calendar_specs

SECOND = dt.timedelta(seconds=1)


def reach(counted: list[bool], start: dt.datetime, amount: dt.timedelta) -> dt.datetime | None:
    """The instant the counted minutes add up to ``amount`` (within an open
    minute time runs linearly), or None past the walked window."""
    if amount <= dt.timedelta(0):
        return None
    total = dt.timedelta(0)
    for i, counts in enumerate(counted):
        if not counts:
            continue
        if total + MINUTE >= amount:
            return start + i * MINUTE + (amount - total)
        total += MINUTE
    return None


@st.composite
def scenarios(draw):
    cal, start = draw(calendar_specs())
    target = draw(st.integers(1, 3 * 24 * 60))
    warning = draw(st.integers(1, 99))
    instants = sorted(draw(st.sets(st.integers(1, SPAN - 1), max_size=8)))
    steps = []
    for minute in instants:
        if draw(st.integers(0, 4)) == 0:
            steps.append((minute, "retarget", draw(st.integers(1, 3 * 24 * 60))))
        else:
            steps.append((minute, "toggle", None))
    return cal, start, target, warning, steps


def expected(clock, counted, start, now, amount) -> dt.datetime | None:
    """What the clock must say for ``amount`` at ``now``: the reference's
    instant, or ``now`` (the resume instant) when it is already behind us."""
    instant = reach(counted, start, amount)
    if instant is not None and instant < now:
        return now
    return instant


@settings(max_examples=150, deadline=None)
@given(scenario=scenarios())
def test_a_paused_clock_falls_due_when_the_minute_walk_says(scenario):
    cal, start, target, warning, steps = scenario
    flags = minute_flags(cal, start)
    clock = SlaClock(target_minutes=target, warning_percent=warning)
    clockwork.start(clock, cal, start)

    running = [True] * SPAN  # minute i counts while the clock runs at minute i
    state_running, current_target = True, target

    def check(now: dt.datetime, minute: int) -> None:
        counted = [flags[i] and running[i] for i in range(SPAN)]
        done = sum(counted[:minute])
        if not state_running:
            assert clock.state == ClockState.PAUSED
            assert clock.elapsed == done * 60
            assert clock.due_at is None and clock.warn_at is None
            return
        assert clock.state == ClockState.RUNNING
        share = dt.timedelta(
            microseconds=current_target * 60_000_000 * clock.warning_percent // 100
        )
        for amount, got in ((current_target * MINUTE, clock.due_at), (share, clock.warn_at)):
            want = expected(clock, counted, start, now, amount)
            if want is None:  # beyond the walked window (or never open again)
                assert got is None or got > start + SPAN * MINUTE
            else:
                assert got == want

    check(start, 0)
    for minute, op, value in steps:
        now = start + minute * MINUTE
        if op == "toggle":
            if state_running:
                clockwork.pause(clock, cal, now)
            else:
                clockwork.resume(clock, cal, now)
            state_running = not state_running
            for i in range(minute, SPAN):
                running[i] = state_running
        else:
            clockwork.retarget(clock, cal, cal, now, target_minutes=value, warning_percent=warning)
            current_target = value
        check(now, minute)


@settings(max_examples=100, deadline=None)
@given(scenario=scenarios(), stop_at=st.integers(0, SPAN - 1))
def test_a_stopped_clock_is_met_when_the_walk_kept_within_the_target(scenario, stop_at):
    cal, start, target, warning, steps = scenario
    flags = minute_flags(cal, start)
    clock = SlaClock(target_minutes=target, warning_percent=warning)
    clockwork.start(clock, cal, start)
    running = True
    counted = 0
    last = 0
    for minute, op, _value in steps:
        if minute >= stop_at:
            break
        if op != "toggle":
            continue
        counted += sum(flags[last:minute]) if running else 0
        last = minute
        now = start + minute * MINUTE
        (clockwork.pause if running else clockwork.resume)(clock, cal, now)
        running = not running
    counted += sum(flags[last:stop_at]) if running else 0
    clockwork.stop(clock, cal, start + stop_at * MINUTE)

    assert clock.state == ClockState.STOPPED
    assert clock.elapsed == counted * 60
    assert clock.met is (counted <= target)
    assert clock.due_at is None and clock.running_since is None
