"""What the SLA part adds to the ticket page: its timers.

Rule (issue "Service desk core" point 5: "the SLA timers with colour"):
beside every ticket, each clock with its state and what is left — green
while running, amber past its warning share, red once its deadline has
passed (or when it stopped late), grey while paused or once stopped in
time. The desk's ticket page shows it without the desk importing the SLA
part (``caducee.core.panels``).

Cheap on purpose (the ticket page has a 100 ms budget): one query for the
clocks, and no calendar arithmetic — the time left of a running clock is
the real time until its deadline (when the agent must be done), that of a
paused clock the open time left of its target.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caducee.cmdb.durations import format_minutes
from caducee.core.panels import register_panel
from caducee.core.services.scoping import can, establishment_allowed
from caducee.sla.models import ClockState, SlaClock

#: Colour of a timer → the badge class of the shared style sheet.
BADGES = {"green": "badge-ok", "amber": "badge-event", "red": "badge-delete", "grey": ""}


@dataclass(frozen=True)
class Timer:
    clock: SlaClock
    colour: str
    label: str
    remaining: str
    overdue: bool

    @property
    def badge(self) -> str:
        return BADGES[self.colour]

    @property
    def subject(self) -> str:
        clock = self.clock
        return str(clock.assignment_group or clock.contract or clock.policy or "")


def _span(delta: dt.timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    text = format_minutes(minutes) if minutes or not days else ""
    if days:
        text = (_("%(d)s d") % {"d": days}) + (f" {text}" if text else "")
    return text


def timer(clock: SlaClock, now: dt.datetime) -> Timer:
    """How one clock is shown at ``now``."""
    if clock.state == ClockState.RUNNING and clock.due_at is not None:
        left = clock.due_at - now
        if left <= dt.timedelta(0) or clock.breached_at is not None:
            return Timer(clock, "red", _("Breached"), _("late by %(t)s") % {"t": _span(left)}, True)
        amber = clock.warned_at is not None or (clock.warn_at is not None and clock.warn_at <= now)
        label = _("Warning") if amber else _("Running")
        remaining = _("in %(t)s") % {"t": _span(left)}
        return Timer(clock, "amber" if amber else "green", label, remaining, False)
    if clock.state == ClockState.RUNNING:
        return Timer(clock, "green", _("Running"), _("no deadline"), False)
    left = dt.timedelta(minutes=clock.target_minutes) - dt.timedelta(seconds=clock.elapsed)
    if clock.state == ClockState.PAUSED:
        text = _("%(t)s left") % {"t": _span(left)} if left > dt.timedelta(0) else _("used up")
        return Timer(clock, "grey", _("Paused"), text, False)
    if clock.met is False:
        return Timer(clock, "red", _("Missed"), _("late by %(t)s") % {"t": _span(left)}, True)
    label = _("Met") if clock.met else _("Stopped")
    return Timer(clock, "grey", label, "", False)


def ticket_timers(ticket, *, now: dt.datetime | None = None) -> list[Timer]:
    now = now or timezone.now()
    clocks = SlaClock.objects.filter(ticket=ticket).select_related(
        "policy", "assignment_group__team", "contract", "calendar"
    )
    # Running ones first, then by start: what needs attention on top.
    ordered = sorted(clocks, key=lambda c: (c.state == ClockState.STOPPED, c.started_at, c.pk))
    return [timer(clock, now) for clock in ordered]


def ticket_clocks(ticket, request) -> dict[str, Any] | None:
    """The "SLA timers" panel; absent for those who may not read clocks."""
    user = request.user
    if not can(user, SlaClock, "view") or not establishment_allowed(user, ticket.establishment_id):
        return None
    return {
        "title": gettext_lazy("SLA timers"),
        "template": "sla/panels/ticket_clocks.html",
        "context": {"timers": ticket_timers(ticket), "ticket": ticket},
    }


register_panel("desk.ticket", ticket_clocks, order=20)
