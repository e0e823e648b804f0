"""Warnings and breaches: what happens when a clock reaches its share or its target.

Rule (issue "Service desk core" point 4; ITIL functional and hierarchical
escalation): ``check_clocks`` (run every minute by ``caducee.sla.tasks``)
finds the running clocks past their warning instant not yet warned, and
those past their deadline not yet breached — two range scans on the
``(state, warn_at)`` and ``(state, due_at)`` indexes — and for each one, in
its own transaction, records ``sla.warning`` / ``sla.breached`` on the
ticket once (``warned_at`` / ``breached_at`` are set in the same
transaction, after the rows are locked: a second run, or two workers at
once, do nothing more), notifies, and applies the policy's escalation
(``SlaPolicy.on_warning`` / ``on_breach``):

* ``none``: the event only;
* ``notify``: the assignee, else the group's members (``sla_warning`` /
  ``sla_breach`` notifications);
* ``manager`` (hierarchical): the same, plus the group's manager; then the
  desk's ``escalate_to_manager`` makes the manager a watcher and tells them;
* ``next_level`` (functional): the same notifications, then the desk's
  ``escalate_to_next_level`` hands the ticket to the group's
  ``escalates_to`` (a waiting ticket too: the next level decides what to
  wait for). When the desk refuses (no manager, no next level, a resolved
  ticket), nothing moves and ``sla.escalation_skipped`` says why (``why``:
  the desk's code, ``status`` for a status that forbids it).

OLA clocks notify the group's manager (the group's own promise was broken
or is about to be); vendor clocks notify like ``notify`` (the vendor is
chased by the people working the ticket).

Who acts: the desk's system account (``desk.services.escalation.
system_actor``: active, whole GHT, no password, allowed only to read and
change tickets), since a ticket write refuses ``actor=None``; the trail
shows plainly that Caducée, not a person, escalated the ticket.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.core.services.errors import DomainError
from caducee.desk.models import NotificationKind, Ticket
from caducee.desk.services.common import record_event
from caducee.desk.services.escalation import (
    escalate_to_manager,
    escalate_to_next_level,
    system_actor,
)
from caducee.desk.services.notifications import notify
from caducee.sla.models import ClockKind, ClockState, Escalation, SlaClock

#: Codes of the desk's refusals that are about the ticket's status.
STATUS_CODES = frozenset({"resolved", "final", "invalid_transition"})
WARNING, BREACH = "warning", "breach"


@dataclass
class CheckResult:
    warned: list[int] = field(default_factory=list)
    breached: list[int] = field(default_factory=list)


# --- The periodic check ---------------------------------------------------------------
def check_clocks(now: dt.datetime | None = None) -> CheckResult:
    """Raise the warnings and breaches that are due (idempotent)."""
    now = now or timezone.now()
    running = SlaClock.objects.filter(state=ClockState.RUNNING)
    to_warn = list(
        running.filter(warn_at__lte=now, warned_at__isnull=True).values_list("pk", flat=True)
    )
    to_breach = list(
        running.filter(due_at__lte=now, breached_at__isnull=True).values_list("pk", flat=True)
    )
    result = CheckResult()
    actor = system_actor() if (to_warn or to_breach) else None
    for pk in to_warn:
        if _raise(pk, WARNING, now=now, actor=actor):
            result.warned.append(pk)
    for pk in to_breach:
        if _raise(pk, BREACH, now=now, actor=actor):
            result.breached.append(pk)
    return result


def _raise(pk: int, level: str, *, now: dt.datetime, actor: Any) -> bool:
    """One warning or breach, in its own transaction; False if already done."""
    stamp, instant = ("warned_at", "warn_at") if level == WARNING else ("breached_at", "due_at")
    with transaction.atomic():
        # The ticket first, as the desk's writes do, then the clock: same lock order.
        ticket_id = SlaClock.objects.filter(pk=pk).values_list("ticket_id", flat=True).first()
        if ticket_id is None:
            return False
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("assignment_group")
            .get(pk=ticket_id)
        )
        clock = (
            # Only the rows themselves: PostgreSQL cannot lock the nullable
            # side of the outer joins that select_related makes.
            SlaClock.objects.select_for_update(of=("self",))
            .select_related("policy", "assignment_group", "operational_target")
            .filter(
                pk=pk,
                state=ClockState.RUNNING,
                **{f"{instant}__lte": now, f"{stamp}__isnull": True},
            )
            .first()
        )
        if clock is None:
            return False
        SlaClock.objects.filter(pk=pk).update(**{stamp: now})
        record_event(
            actor,
            "sla.warning" if level == WARNING else "sla.breached",
            ticket,
            {"clock": clock.pk, "kind": clock.kind, "due": clock.due_at.isoformat()},
        )
        _escalate(ticket, clock, level, actor=actor)
    return True


# --- What happens ---------------------------------------------------------------------
def _message(ticket: Ticket, clock: SlaClock, level: str) -> str:
    values = {"number": ticket.number, "clock": clock.get_kind_display().lower()}
    if level == WARNING:
        return _("%(number)s: the %(clock)s target is about to be missed.") % values
    return _("%(number)s: the %(clock)s target was missed.") % values


def _workers(ticket: Ticket) -> list[Any]:
    """The assignee, else the group's members."""
    if ticket.assignee_id:
        return [ticket.assignee_id]
    if ticket.assignment_group is not None:
        return list(ticket.assignment_group.members().values_list("pk", flat=True))
    return []


def _escalate(ticket: Ticket, clock: SlaClock, level: str, *, actor: Any) -> None:
    kind = NotificationKind.SLA_WARNING if level == WARNING else NotificationKind.SLA_BREACH
    message = _message(ticket, clock, level)
    group = ticket.assignment_group
    if clock.kind == ClockKind.OLA:
        manager = clock.assignment_group.manager_id if clock.assignment_group else None
        recipients = [manager] if level == BREACH else [*_workers(ticket), manager]
        notify(recipients, ticket=ticket, kind=kind, message=message, actor=actor)
        return
    if clock.kind == ClockKind.VENDOR or clock.policy is None:
        notify(_workers(ticket), ticket=ticket, kind=kind, message=message, actor=actor)
        return
    escalation = clock.policy.on_warning if level == WARNING else clock.policy.on_breach
    if escalation == Escalation.NONE:
        return
    manager = group.manager_id if group else None
    recipients = _workers(ticket)
    if escalation == Escalation.MANAGER:
        recipients.append(manager)
    notify(recipients, ticket=ticket, kind=kind, message=message, actor=actor)
    if escalation in (Escalation.MANAGER, Escalation.NEXT_LEVEL):
        _through_the_desk(ticket, escalation, reason=message, actor=actor)


def _skip(ticket: Ticket, actor: Any, escalation: str, why: str, detail: str = "") -> None:
    record_event(
        actor,
        "sla.escalation_skipped",
        ticket,
        {"escalation": escalation, "why": why, **({"detail": detail} if detail else {})},
    )


def _why(exc: Exception) -> str:
    return str(getattr(exc, "message", "") or " ".join(getattr(exc, "messages", [])) or exc)


def _through_the_desk(ticket: Ticket, escalation: str, *, reason: str, actor: Any) -> None:
    """The desk's escalation, in a savepoint: refused (no manager, no next
    level, a resolved ticket…), it changes nothing and the trail says why."""
    function = escalate_to_manager if escalation == Escalation.MANAGER else escalate_to_next_level
    try:
        with transaction.atomic():
            function(ticket, actor=actor, reason=reason)
    except (DomainError, ValidationError) as exc:
        why = getattr(exc, "code", "") or "refused"
        _skip(ticket, actor, escalation, "status" if why in STATUS_CODES else why, _why(exc))
