"""The arithmetic of one SLA clock: start, pause, resume, stop, change target.

Rule (issue "Service desk core" point 4; the model ``SlaClock``): a clock
counts the open time of its calendar while it runs. What is stored is the
business time counted up to ``running_since`` (``elapsed``, whole seconds)
and, while running, the two instants computed once from the calendar: when
the target runs out (``due_at``) and when the warning share is reached
(``warn_at``). Each function here moves one unsaved-or-saved ``SlaClock``
instance from one state to the next at the instant ``now``, given the
calendar as a ``CalendarSpec``; it neither reads nor writes the database, so
the clock service (``caducee.sla.services.clocks``) and the property tests
drive exactly the same code.

Instants are whole seconds (the service truncates ``now``): ``elapsed`` is
stored in seconds, and folding a period that started or ended between two
seconds would lose the fraction at every pause. With calendars whose edges
are whole seconds (opening hours are minutes; closures are typed to the
minute) nothing is ever rounded.

A calendar not open long enough within ten years gives no deadline
(``None``): the clock runs but never falls due.

Once the target is already used up (a target lowered below what was
counted), ``due_at`` is the instant the clock last started running: a
deadline in the past, which the periodic check reports as breached at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from caducee.sla.calendar import CalendarError, CalendarSpec, add_business_time, business_time
from caducee.sla.models import ClockState, SlaClock

ZERO = dt.timedelta(0)
#: How far ahead a deadline is looked for (as ``services.calendars.calendar_deadline``).
HORIZON = dt.timedelta(days=3653)
END_OF_SEARCH = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


def target_of(clock: SlaClock) -> dt.timedelta:
    return dt.timedelta(minutes=clock.target_minutes)


def warning_of(clock: SlaClock) -> dt.timedelta:
    """The warning share of the target, exact to the microsecond."""
    return dt.timedelta(
        microseconds=clock.target_minutes * 60_000_000 * clock.warning_percent // 100
    )


def counted(clock: SlaClock, spec: CalendarSpec, now: dt.datetime) -> dt.timedelta:
    """Open time counted by the clock up to ``now`` (running or not)."""
    total = dt.timedelta(seconds=clock.elapsed)
    since = clock.running_since
    if clock.state == ClockState.RUNNING and since is not None and now > since:
        total += business_time(spec, since, now)
    return total


def remaining(clock: SlaClock, spec: CalendarSpec, now: dt.datetime) -> dt.timedelta:
    """Open time left before the target (negative once it is passed)."""
    return target_of(clock) - counted(clock, spec, now)


def _deadline(spec: CalendarSpec, since: dt.datetime, left: dt.timedelta) -> dt.datetime | None:
    """When ``left`` of open time has run from ``since``; ``None`` when the
    calendar is not open that long within ``HORIZON`` (a calendar that never
    opens again must not make a ticket impossible to save)."""
    if left <= ZERO:
        return since
    try:
        bounded = replace(spec, closures=(*spec.closures, (since + HORIZON, END_OF_SEARCH)))
        return add_business_time(bounded, since, left)
    except (CalendarError, OverflowError):
        return None


def _schedule(clock: SlaClock, spec: CalendarSpec) -> None:
    """``due_at`` and ``warn_at`` of a running clock, from what is left."""
    since = clock.running_since
    used = dt.timedelta(seconds=clock.elapsed)
    clock.due_at = _deadline(spec, since, target_of(clock) - used)
    clock.warn_at = _deadline(spec, since, warning_of(clock) - used)


def _fold(clock: SlaClock, spec: CalendarSpec, now: dt.datetime) -> None:
    """Add the open time since ``running_since`` to ``elapsed``."""
    since = clock.running_since
    if clock.state == ClockState.RUNNING and since is not None and now > since:
        clock.elapsed += int(business_time(spec, since, now).total_seconds())
    clock.running_since = None


def start(clock: SlaClock, spec: CalendarSpec, now: dt.datetime, *, paused: bool = False) -> None:
    """A fresh clock from ``now`` (``paused``: created while the ticket waits)."""
    clock.started_at = now
    clock.elapsed = 0
    clock.stopped_at = None
    clock.met = None
    if paused:
        clock.state = ClockState.PAUSED
        clock.running_since = clock.due_at = clock.warn_at = None
        return
    clock.state = ClockState.RUNNING
    clock.running_since = now
    _schedule(clock, spec)


def pause(clock: SlaClock, spec: CalendarSpec, now: dt.datetime) -> None:
    """Fold the open time since it last ran; no deadline while paused."""
    _fold(clock, spec, now)
    clock.state = ClockState.PAUSED
    clock.due_at = clock.warn_at = None


def resume(clock: SlaClock, spec: CalendarSpec, now: dt.datetime) -> None:
    """Run again from ``now`` with what is left (a paused clock, or a stopped
    one whose ticket is reopened: the time counted is kept)."""
    if clock.state == ClockState.RUNNING:
        return
    clock.state = ClockState.RUNNING
    clock.running_since = now
    clock.stopped_at = None
    clock.met = None
    _schedule(clock, spec)


def stop(clock: SlaClock, spec: CalendarSpec, now: dt.datetime, *, judged: bool = True) -> None:
    """Stop at ``now``; ``met`` says whether the target was kept (``judged``
    False: the ticket was cancelled or the target withdrawn — neither)."""
    _fold(clock, spec, now)
    clock.state = ClockState.STOPPED
    clock.stopped_at = now
    clock.due_at = clock.warn_at = None
    clock.met = (dt.timedelta(seconds=clock.elapsed) <= target_of(clock)) if judged else None


def retarget(
    clock: SlaClock,
    old_spec: CalendarSpec,
    new_spec: CalendarSpec,
    now: dt.datetime,
    *,
    target_minutes: int,
    warning_percent: int,
) -> None:
    """A new target (and calendar) from ``now`` on: the open time already
    counted is kept (on the old calendar up to now), the deadlines are
    computed again from the new target on the new calendar. A warning or
    breach the new target puts back in the future is raised again later."""
    running = clock.state == ClockState.RUNNING
    if running:
        _fold(clock, old_spec, now)
        clock.running_since = now
    clock.target_minutes = target_minutes
    clock.warning_percent = warning_percent
    used = dt.timedelta(seconds=clock.elapsed)
    if clock.breached_at is not None and used < target_of(clock):
        clock.breached_at = None
    if clock.warned_at is not None and used < warning_of(clock):
        clock.warned_at = None
    if running:
        _schedule(clock, new_spec)
