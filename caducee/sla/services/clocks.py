"""Keeping a ticket's clocks right: ``sync_ticket``, after every ticket write.

Rule (issue "Service desk core" point 4; DESIGN.md "SLA clocks are exact"):
the clocks follow from the ticket's current state, so ``sync_ticket`` looks
at the ticket as saved and makes its clocks agree — it does not replay what
changed, and running it twice changes nothing the second time. The desk
calls it through its ``ticket_saved`` signal (``caducee.sla.signals``), in
the write's transaction.

SLA clocks (``response``, ``resolution``; one of each per ticket, from the
policy matched by ``services.policies.match_policy``; no target, no clock):

* started when the ticket is recorded (or later, from then on, when a
  policy first gives the ticket a target);
* paused while the ticket waits on its requester (``SLA_PAUSED_STATUSES``),
  resumed when it stops waiting; waiting on a vendor or a change does not
  pause them;
* the response clock stops at the first response (``first_response_at``),
  or at the resolution if none came before (a resolution answers too); the
  resolution clock stops at the resolution, and a reopened ticket resumes
  the same clock — the time already counted is kept, the desk gets no fresh
  target for a fix that did not hold;
* ``met`` is whether the clock stopped within its target; cancelling stops
  every clock with ``met`` unknown (nothing was promised any more);
* when the policy or its targets change (kind, category, establishment or
  priority changed; a policy edited), the clock keeps the open time counted
  and its deadlines are computed again from the new target
  (``sla.target_changed``, old and new).

OLA clocks: one per stay of the ticket with a group that has an OLA
(``OperationalTarget``), from when it gets the ticket until it hands it on
or the ticket is resolved; a ticket that comes back starts a fresh one.
OLA clocks never pause: a group's time is its own.

Vendor clocks: while the ticket waits on a vendor, one per current contract
of its configuration items (``ConfigurationItem.contract``, today between
its dates) that commits to a resolution time for the ticket's priority
(``ContractCommitment``), stopped when the wait ends. Counted on the
calendar whose code the contract names (``calendar_code``); without one, a
24/7 calendar when the contract says 24/7 support (the shared one, or the
ticket's establishment's), else the ticket's SLA calendar — the desk's own
hours are the best guess of "business hours" we have. No calendar at all:
no vendor clock (the wait is still in the trail).

The ticket carries the running deadlines (``response_due``,
``resolution_due``: the running clocks' ``due_at``, ``None`` when paused or
stopped) for the queues; they are written with a queryset update, which
neither bumps the ticket's version nor writes an update event (they are
derived: the clock events say why they moved).

Audit events on the ticket (its timeline): ``sla.clock_started``,
``sla.clock_paused``, ``sla.clock_resumed``, ``sla.clock_stopped`` (with
``met``), ``sla.target_changed`` — compact: clock id and kind, and the few
values that explain it.

Instants are truncated to the second (see ``clockwork``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from caducee.cmdb.models import Contract, ContractCommitment
from caducee.core import context
from caducee.core.services import audit
from caducee.desk.models import SLA_PAUSED_STATUSES, Status, Ticket
from caducee.sla.calendar import CalendarSpec
from caducee.sla.models import BusinessCalendar, ClockKind, ClockState, SlaClock, SlaPolicy
from caducee.sla.services import clockwork
from caducee.sla.services import configuration as sla_configuration
from caducee.sla.services.calendars import calendar_spec
from caducee.sla.services.policies import match_operational_target, match_policy

RUNNING, PAUSED, STOPPED = ClockState.RUNNING, ClockState.PAUSED, ClockState.STOPPED
SLA_KINDS = (ClockKind.RESPONSE, ClockKind.RESOLUTION)
#: Statuses in which the resolution clock (and the OLA) is no longer counting.
DONE_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.CANCELLED})
DEFAULT_WARNING = 75


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or timezone.now()).replace(microsecond=0)


def _second(value: dt.datetime | None, floor: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """``value`` to the second, not before ``floor`` and not after ``now``."""
    instant = now if value is None else min(value.replace(microsecond=0), now)
    return max(instant, floor) if floor is not None else instant


@dataclass
class _Sync:
    ticket: Ticket
    actor: Any
    now: dt.datetime
    specs: dict[int, CalendarSpec] = field(default_factory=dict)
    #: (event, clock, data): the clock's id is read when the events are
    #: recorded, after the clocks started at a creation are inserted.
    events: list[tuple[str, SlaClock, dict[str, Any]]] = field(default_factory=list)
    #: A ticket just recorded: its new clocks are inserted together at the end.
    deferred: list[SlaClock] | None = None

    def spec(self, calendar: BusinessCalendar) -> CalendarSpec:
        if calendar.pk not in self.specs:
            kept = sla_configuration.spec(calendar.pk)
            self.specs[calendar.pk] = kept if kept is not None else calendar_spec(calendar)
        return self.specs[calendar.pk]

    def event(self, name: str, clock: SlaClock, **data: Any) -> None:
        self.events.append((name, clock, data))


def _due(clock: SlaClock) -> str | None:
    return clock.due_at.isoformat() if clock.due_at else None


def _start(sync: _Sync, clock: SlaClock, at: dt.datetime, *, paused: bool = False) -> None:
    clockwork.start(clock, sync.spec(clock.calendar), at, paused=paused)
    if sync.deferred is not None:
        sync.deferred.append(clock)
    else:
        clock.save()
    sync.event("sla.clock_started", clock, target=clock.target_minutes, due=_due(clock))
    if paused:
        sync.event("sla.clock_paused", clock)


def _move(sync: _Sync, clock: SlaClock, desired: str, *, at=None, judged: bool = True) -> None:
    """Bring ``clock`` to state ``desired`` (no-op when already there)."""
    if clock.state == desired:
        return
    spec = sync.spec(clock.calendar)
    if desired == STOPPED:
        instant = _second(at, clock.running_since, sync.now)
        clockwork.stop(clock, spec, instant, judged=judged)
        clock.save()
        sync.event("sla.clock_stopped", clock, met=clock.met, elapsed=clock.elapsed)
    elif desired == PAUSED:
        if clock.state == STOPPED:  # reopened straight into a wait
            clock.stopped_at = clock.met = None
        clockwork.pause(clock, spec, sync.now)
        clock.save()
        sync.event("sla.clock_paused", clock, elapsed=clock.elapsed)
    else:
        clockwork.resume(clock, spec, sync.now)
        clock.save()
        sync.event("sla.clock_resumed", clock, due=_due(clock))


def _retarget(sync: _Sync, clock: SlaClock, *, calendar, target: int, warning: int, **refs):
    """Hold an active (or about to resume) clock to a new target."""
    old = {
        "target": clock.target_minutes,
        "calendar": clock.calendar_id,
        **{name: getattr(clock, f"{name}_id") for name in refs},
    }
    new = {"target": target, "calendar": calendar.pk, **{n: v.pk for n, v in refs.items()}}
    if old == new and clock.warning_percent == warning:
        return
    old_spec = sync.spec(clock.calendar)
    clockwork.retarget(
        clock,
        old_spec,
        sync.spec(calendar),
        sync.now,
        target_minutes=target,
        warning_percent=warning,
    )
    clock.calendar = calendar
    for name, value in refs.items():
        setattr(clock, name, value)
    clock.save()
    if old != new:
        sync.event("sla.target_changed", clock, old=old, new=new, due=_due(clock))


# --- SLA clocks -----------------------------------------------------------------------
def _sync_sla(sync: _Sync, clocks: list[SlaClock], policy: SlaPolicy | None, created: bool):
    ticket = sync.ticket
    cancelled = ticket.status == Status.CANCELLED
    paused = ticket.status in SLA_PAUSED_STATUSES
    resolved = ticket.status in (Status.RESOLVED, Status.CLOSED)
    for kind in SLA_KINDS:
        target = getattr(policy, f"{kind}_minutes", None) if policy else None
        clock = next((c for c in reversed(clocks) if c.kind == kind), None)
        if kind == ClockKind.RESPONSE:
            done_at = ticket.first_response_at or (ticket.resolved_at if resolved else None)
            # Answered once (a response, or a resolution): a reopening does not undo it.
            answered = clock is not None and clock.state == STOPPED and clock.met is not None
            done = done_at is not None or answered
        else:
            done_at, done = ticket.resolved_at, resolved
        desired = STOPPED if cancelled or done or not target else PAUSED if paused else RUNNING
        if clock is None:
            if desired == STOPPED:
                continue
            clock = SlaClock(
                ticket=ticket,
                kind=kind,
                policy=policy,
                calendar=policy.calendar,
                target_minutes=target,
                warning_percent=policy.warning_percent,
            )
            at = _second(ticket.created_at, None, sync.now) if created else sync.now
            _start(sync, clock, at, paused=desired == PAUSED)
            clocks.append(clock)
            continue
        if target and (clock.state != STOPPED or desired != STOPPED):
            _retarget(
                sync,
                clock,
                calendar=policy.calendar,
                target=target,
                warning=policy.warning_percent,
                policy=policy,
            )
        if desired == STOPPED and clock.state != STOPPED:
            withdrawn = not target and not cancelled and not done
            if withdrawn:
                sync.event(
                    "sla.target_changed",
                    clock,
                    old={"target": clock.target_minutes, "policy": clock.policy_id},
                    new={"target": None, "policy": getattr(policy, "pk", None)},
                )
            judged = not cancelled and not withdrawn
            _move(sync, clock, STOPPED, at=done_at if done else None, judged=judged)
        else:
            _move(sync, clock, desired)


# --- OLA clocks -----------------------------------------------------------------------
def _sync_ola(sync: _Sync, clocks: list[SlaClock]) -> None:
    ticket = sync.ticket
    group_id = ticket.assignment_group_id
    counting = group_id is not None and ticket.status not in DONE_STATUSES
    active = [c for c in clocks if c.kind == ClockKind.OLA and c.state != STOPPED]
    ola = match_operational_target(group_id, ticket.priority) if counting else None
    for clock in active:
        if clock.assignment_group_id == group_id and counting:
            if ola is None:  # the group's OLA was withdrawn: no verdict
                _move(sync, clock, STOPPED, judged=False)
                continue
            _retarget(
                sync,
                clock,
                calendar=ola.calendar,
                target=ola.resolution_minutes,
                warning=ola.warning_percent,
                operational_target=ola,
            )
            ola = None  # the stay goes on
            continue
        # Handed on or resolved (judged), or cancelled (not).
        at = ticket.resolved_at if ticket.status in (Status.RESOLVED, Status.CLOSED) else None
        _move(sync, clock, STOPPED, at=at, judged=ticket.status != Status.CANCELLED)
    if ola is not None:
        clock = SlaClock(
            ticket=ticket,
            kind=ClockKind.OLA,
            operational_target=ola,
            assignment_group_id=group_id,
            calendar=ola.calendar,
            target_minutes=ola.resolution_minutes,
            warning_percent=ola.warning_percent,
        )
        _start(sync, clock, sync.now)
        clocks.append(clock)


# --- Vendor clocks --------------------------------------------------------------------
def vendor_calendar(contract: Contract, fallback: BusinessCalendar | None, establishment_id):
    """The calendar of a contract's support hours (see the module docstring)."""
    if contract.calendar_code:
        found = BusinessCalendar.objects.filter(code=contract.calendar_code).first()
        if found is not None:
            return found
    if contract.support_hours == Contract.SupportHours.ALWAYS:
        found = (
            BusinessCalendar.objects.filter(always_open=True)
            .filter(establishment_id__in=[establishment_id])
            .first()
            or BusinessCalendar.objects.filter(always_open=True, establishment__isnull=True)
            .order_by("pk")
            .first()
        )
        if found is not None:
            return found
    return fallback


def _vendor_terms(sync: _Sync, policy: SlaPolicy | None) -> dict[int, tuple]:
    """Contract id → (commitment, calendar) for the ticket's items, today."""
    ticket = sync.ticket
    today = timezone.localdate(sync.now)
    commitments = ContractCommitment.objects.filter(
        priority=ticket.priority,
        contract__items__tickets=ticket,
        contract__start_date__lte=today,
        contract__end_date__gte=today,
    ).select_related("contract")
    terms: dict[int, tuple] = {}
    for commitment in commitments:
        contract = commitment.contract
        if contract.pk in terms:
            continue
        calendar = vendor_calendar(
            contract, policy.calendar if policy else None, ticket.establishment_id
        )
        if calendar is not None:
            terms[contract.pk] = (commitment, calendar)
    return terms


def _sync_vendor(sync: _Sync, clocks: list[SlaClock], policy: SlaPolicy | None) -> None:
    waiting = sync.ticket.status == Status.WAITING_VENDOR
    active = [c for c in clocks if c.kind == ClockKind.VENDOR and c.state != STOPPED]
    if not waiting and not active:
        return
    terms = _vendor_terms(sync, policy) if waiting else {}
    warning = policy.warning_percent if policy else DEFAULT_WARNING
    for clock in active:
        if clock.contract_id in terms:
            commitment, calendar = terms.pop(clock.contract_id)
            _retarget(
                sync,
                clock,
                calendar=calendar,
                target=commitment.resolution_minutes,
                warning=clock.warning_percent,
            )
            continue
        # The wait ended (judged), or the commitment no longer applies (not).
        _move(sync, clock, STOPPED, judged=not waiting and sync.ticket.status != Status.CANCELLED)
    for contract_id, (commitment, calendar) in terms.items():
        clock = SlaClock(
            ticket=sync.ticket,
            kind=ClockKind.VENDOR,
            contract_id=contract_id,
            calendar=calendar,
            target_minutes=commitment.resolution_minutes,
            warning_percent=warning,
        )
        _start(sync, clock, sync.now)
        clocks.append(clock)


# --- The entry points -----------------------------------------------------------------
#: Where ``prepare_new_ticket`` leaves its work on the ticket for ``sync_ticket``.
PREPARED = "_caducee_sla_prepared"


@dataclass
class _Prepared:
    sync: _Sync
    clocks: list[SlaClock]


def prepare_new_ticket(ticket: Ticket, *, actor: Any, now: dt.datetime | None = None) -> None:
    """Before a new ticket's insert: its clocks worked out and its deadlines
    set on it, so the insert writes them (no second write of the ticket).

    The clocks start at the ticket's creation, to the second, which is only
    known once it is inserted: ``sync_ticket`` uses this work when the
    creation falls in the second it was done in, and starts over otherwise.
    A ticket recorded straight into a wait on a vendor is left to
    ``sync_ticket`` (its vendor clocks read the ticket's items)."""
    if ticket.status == Status.WAITING_VENDOR:
        return
    sync = _Sync(ticket=ticket, actor=actor, now=_now(now), deferred=[])
    clocks: list[SlaClock] = []
    _sync_sla(sync, clocks, match_policy(ticket), created=True)
    _sync_ola(sync, clocks)
    ticket.response_due = running_due(clocks, ClockKind.RESPONSE)
    ticket.resolution_due = running_due(clocks, ClockKind.RESOLUTION)
    setattr(ticket, PREPARED, _Prepared(sync, clocks))


def sync_ticket(
    ticket: Ticket, *, actor: Any, created: bool = False, now: dt.datetime | None = None
) -> list[SlaClock]:
    """Make the ticket's clocks agree with its current state (idempotent);
    returns them. Sets ``response_due``/``resolution_due`` on ``ticket`` too."""
    prepared: _Prepared | None = ticket.__dict__.pop(PREPARED, None)
    if (
        created
        and prepared is not None
        and ticket.created_at is not None
        and ticket.created_at.replace(microsecond=0) == prepared.sync.now
    ):
        sync, clocks = prepared.sync, prepared.clocks
    else:
        sync = _Sync(ticket=ticket, actor=actor, now=_now(now), deferred=[] if created else None)
        # A ticket just recorded has no clocks yet: nothing to read.
        clocks = (
            []
            if created
            else list(SlaClock.objects.filter(ticket=ticket).select_related("calendar"))
        )
        policy = match_policy(ticket)
        _sync_sla(sync, clocks, policy, created)
        _sync_ola(sync, clocks)
        _sync_vendor(sync, clocks, policy)
    if sync.deferred:
        SlaClock.objects.bulk_create(sync.deferred)
    _store_deadlines(ticket, clocks)
    _record(ticket, actor, sync.events)
    return clocks


def _record(ticket: Ticket, actor: Any, events: list[tuple[str, SlaClock, dict[str, Any]]]) -> None:
    """The sync's events appended to the trail in one go: a ticket's creation
    starts two clocks, and one append instead of two keeps that write cheap."""
    if not events:
        return
    with context.acting_as(actor):
        audit.record_events(
            (name, ticket, {"clock": clock.pk, "kind": clock.kind, **data})
            for name, clock, data in events
        )


def running_due(clocks: list[SlaClock], kind: str) -> dt.datetime | None:
    for clock in clocks:
        if clock.kind == kind and clock.state == RUNNING:
            return clock.due_at
    return None


def _store_deadlines(ticket: Ticket, clocks: list[SlaClock]) -> None:
    values = {
        "response_due": running_due(clocks, ClockKind.RESPONSE),
        "resolution_due": running_due(clocks, ClockKind.RESOLUTION),
    }
    if all(getattr(ticket, name) == value for name, value in values.items()):
        return
    Ticket.objects.filter(pk=ticket.pk).update(**values)
    for name, value in values.items():
        setattr(ticket, name, value)
