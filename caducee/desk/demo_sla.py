"""SLA figures for the bulk history: targets, business time, clock rows.

The history (``demo_history``) cannot run the clock service per ticket, yet
its deadlines must be the ones the product would have computed. So:

* targets come from the SLA policies the SLA part installed (the first
  active policy without category or establishment condition matching the
  kind and priority, as ``sla.services.policies.match_policy`` would for an
  uncategorised ticket), or, without policies, from ``FALLBACK`` (the same
  figures) on the business-hours and 24/7 calendars;
* business time is exact and fast: the calendar's open periods over the
  whole span are computed once with ``sla.calendar.open_intervals`` (the
  same arithmetic as the clocks), then "add so much open time" and "open
  time between" are a binary search in cumulated seconds;
* open tickets get the clock rows the service would hold for them now:
  running (due and warning instants), paused while waiting on the
  requester (open time counted, no deadline), the response clock stopped at
  the first response with ``met`` judged.

This module is demo code that reads the SLA part's tables; the desk's
product code never imports the SLA part (it announces ``ticket_saved``).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from typing import Any

UTC = dt.UTC
DAY = 10 * 60
#: (kind, priority or None) → (calendar code, response minutes, resolution minutes).
FALLBACK = {
    ("incident", 1): ("soins-critiques-24-7", 15, 240),
    ("incident", 2): ("soins-critiques-24-7", 30, 480),
    ("incident", 3): ("heures-ouvrees-dsi", 60, 2 * DAY),
    ("incident", 4): ("heures-ouvrees-dsi", 240, 5 * DAY),
    ("incident", 5): ("heures-ouvrees-dsi", DAY, 10 * DAY),
    ("request", None): ("heures-ouvrees-dsi", DAY, 5 * DAY),
    ("problem", None): ("heures-ouvrees-dsi", 2 * DAY, 20 * DAY),
}


class BusinessTime:
    """Open time of one calendar between ``start`` and ``end`` (epoch seconds)."""

    def __init__(self, spec: Any, start: float, end: float, always_open: bool) -> None:
        self.always = always_open
        if always_open:
            return
        from caducee.sla.calendar import open_intervals

        periods = open_intervals(
            spec, dt.datetime.fromtimestamp(start, UTC), dt.datetime.fromtimestamp(end, UTC)
        )
        self.starts = [a.timestamp() for a, _b in periods]
        self.ends = [b.timestamp() for _a, b in periods]
        self.before: list[float] = []  # open seconds before each period
        total = 0.0
        for a, b in zip(self.starts, self.ends, strict=True):
            self.before.append(total)
            total += b - a
        self.after = [
            b + (e - s) for b, s, e in zip(self.before, self.starts, self.ends, strict=True)
        ]

    def position(self, t: float) -> float:
        """Open seconds from the beginning of the span to ``t``."""
        if self.always:
            return t
        i = bisect.bisect_right(self.starts, t) - 1
        if i < 0:
            return 0.0
        return self.before[i] + min(t - self.starts[i], self.ends[i] - self.starts[i])

    def add(self, t: float, seconds: float) -> float:
        """The instant ``seconds`` of open time after ``t`` (a period's end when
        the time runs out exactly at closing, like ``add_business_time``)."""
        if self.always:
            return t + seconds
        goal = self.position(t) + seconds
        j = bisect.bisect_left(self.after, goal)
        if j >= len(self.starts):
            return self.ends[-1] + (goal - self.after[-1])
        return self.starts[j] + (goal - self.before[j])

    def between(self, a: float, b: float) -> float:
        return max(0.0, self.position(b) - self.position(a))


@dataclass
class Target:
    policy_id: int | None
    calendar_id: int
    clock: BusinessTime
    response: int | None  # seconds
    resolution: int | None
    warning: int  # percent


def load_targets(start: float, end: float) -> dict[tuple[str, int], Target]:
    """(kind, priority) → its SLA target, for the span [start, end]."""
    from caducee.sla.models import BusinessCalendar, SlaPolicy
    from caducee.sla.services.calendars import calendar_spec

    calendars = {c.pk: c for c in BusinessCalendar.objects.all()}
    by_code = {c.code: c for c in calendars.values()}
    clocks: dict[int, BusinessTime] = {}

    def clock(calendar) -> BusinessTime:
        if calendar.pk not in clocks:
            clocks[calendar.pk] = BusinessTime(
                calendar_spec(calendar), start, end, calendar.always_open
            )
        return clocks[calendar.pk]

    policies = list(
        SlaPolicy.objects.filter(is_active=True, category=None, establishment=None).order_by(
            "position", "pk"
        )
    )
    targets: dict[tuple[str, int], Target] = {}
    for kind in ("incident", "request", "problem"):
        for priority in range(1, 6):
            policy = next(
                (p for p in policies if p.kind in ("", kind) and p.priority in (None, priority)),
                None,
            )
            if policy is not None:
                calendar = calendars[policy.calendar_id]
                response, resolution = policy.response_minutes, policy.resolution_minutes
                warning, policy_id = policy.warning_percent, policy.pk
            else:
                spec = FALLBACK.get((kind, priority)) or FALLBACK.get((kind, None))
                if spec is None or spec[0] not in by_code:
                    continue
                calendar = by_code[spec[0]]
                response, resolution, warning, policy_id = spec[1], spec[2], 75, None
            targets[(kind, priority)] = Target(
                policy_id,
                calendar.pk,
                clock(calendar),
                response * 60 if response else None,
                resolution * 60 if resolution else None,
                warning,
            )
    return targets


def clock_rows(
    ticket: dict[str, Any], target: Target, now: float, paused_at: float | None
) -> list[dict[str, Any]]:
    """The response and resolution clocks of an open ticket, as the clock
    service would hold them at ``now`` (instants in epoch seconds)."""
    rows = []
    created = ticket["created"]
    biz = target.clock
    for kind, seconds, done in (
        ("response", target.response, ticket["first_response"]),
        ("resolution", target.resolution, None),
    ):
        if not seconds:
            continue
        row = {
            "kind": kind,
            "policy_id": target.policy_id,
            "calendar_id": target.calendar_id,
            "target_minutes": seconds // 60,
            "warning_percent": target.warning,
            "started_at": created,
            "running_since": None,
            "elapsed": 0,
            "due_at": None,
            "warn_at": None,
            "warned_at": None,
            "breached_at": None,
            "stopped_at": None,
            "met": None,
            "state": "running",
        }
        due = biz.add(created, seconds)
        warn = biz.add(created, seconds * target.warning / 100)
        if done is not None:
            row.update(state="stopped", stopped_at=done, elapsed=int(biz.between(created, done)))
            row["met"] = row["elapsed"] <= seconds
        elif paused_at is not None:
            row.update(state="paused", elapsed=int(biz.between(created, paused_at)))
        else:
            row.update(running_since=created, due_at=due, warn_at=warn)
        limit = done or paused_at or now
        if warn <= limit:
            row["warned_at"] = warn
        if due <= limit:
            row["breached_at"] = due
        rows.append(row)
    return rows


def clock_db_row(row: dict[str, Any], ticket_id: int, now: float, to_db: Any) -> dict[str, Any]:
    """A ``clock_rows`` row ready to insert (instants adapted for the backend)."""
    for name in (
        "started_at",
        "running_since",
        "due_at",
        "warn_at",
        "warned_at",
        "breached_at",
        "stopped_at",
    ):
        row[name] = to_db(row[name])
    row["ticket_id"] = ticket_id
    row["assignment_group_id"] = row["contract_id"] = row["operational_target_id"] = None
    row["created_at"] = row["updated_at"] = to_db(now)
    return row
