"""Bulk actions of the queue: assign many tickets, or move them to one status.

Rule (issue "Service desk core" point 6; STYLE.md principle 5): a bulk
action is the lifecycle service applied ticket by ticket — ``assign``,
``start`` or ``transition``, with every check, timestamp and audit event of
a single change — never a second copy of the rules or an ``UPDATE`` over the
selection.

Per-ticket report, not all-or-nothing. The agent ticked rows as they read
them: each row carries the version the agent saw, passed as
``expected_version``, so a ticket someone changed meanwhile is refused
(``stale``) and named, never overwritten. The other tickets are still
worked: on a queue of thirty, one colleague's concurrent reply must not
cancel the twenty-nine valid moves, and a refusal (a resolved ticket cannot
be assigned, a group that does not serve that establishment…) is a fact
about that ticket only. Each ticket's change is atomic on its own; the
result lists, in the order ticked, what was done and why a ticket was not.

A ticket outside the actor's scope (or gone) is reported as not found, as
a 404 would say, without naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.core.services.scoping import can
from caducee.desk.models import AssignmentGroup, Status, Ticket
from caducee.desk.services.tickets import assign, start, transition

__all__ = [
    "BULK_STATUSES",
    "MAX_TICKETS",
    "Outcome",
    "Selected",
    "bulk_assign",
    "bulk_change_status",
]

#: At most this many tickets in one action (two pages of the queue).
MAX_TICKETS = 100
#: The statuses a bulk "change status" may move tickets to; ``assigned`` is
#: the bulk assignment, ``new`` is where tickets start, never a destination.
BULK_STATUSES = (
    Status.IN_PROGRESS,
    Status.WAITING_REQUESTER,
    Status.WAITING_VENDOR,
    Status.WAITING_CHANGE,
    Status.RESOLVED,
    Status.CLOSED,
    Status.CANCELLED,
)


@dataclass(frozen=True)
class Selected:
    """A ticked row: the ticket and the version the agent saw."""

    pk: int
    version: int


@dataclass(frozen=True)
class Outcome:
    """What happened to one ticket of the selection."""

    pk: int
    number: str
    ok: bool
    message: str
    code: str = ""
    field: str = ""
    ticket: Ticket | None = None


def _run(
    selection: Iterable[Selected],
    *,
    actor: Any,
    apply: Callable[[Ticket, int], Ticket],
    done: Callable[[Ticket], str],
) -> list[Outcome]:
    if not can(actor, Ticket, "change"):
        raise PermissionDenied(_("You are not allowed to do this."))
    chosen: list[Selected] = []
    seen: set[int] = set()
    for item in selection:
        if item.pk not in seen:
            seen.add(item.pk)
            chosen.append(item)
    if not chosen:
        raise DomainError(_("Tick at least one ticket."), field="tickets", code="required")
    if len(chosen) > MAX_TICKETS:
        raise DomainError(
            _("At most %(max)d tickets at once.") % {"max": MAX_TICKETS},
            field="tickets",
            code="too_many",
        )
    tickets = Ticket.objects.restrict(actor, "change").in_bulk([item.pk for item in chosen])
    outcomes = []
    for item in chosen:
        ticket = tickets.get(item.pk)
        if ticket is None:
            outcomes.append(
                Outcome(
                    item.pk,
                    f"#{item.pk}",
                    False,
                    _("Not found, or outside your scope."),
                    code="not_found",
                )
            )
            continue
        try:
            saved = apply(ticket, item.version)
        except DomainError as exc:
            outcomes.append(
                Outcome(
                    ticket.pk,
                    ticket.number,
                    False,
                    exc.message,
                    code=exc.code or "",
                    field=exc.field or "",
                    ticket=ticket,
                )
            )
        except ValidationError as exc:
            outcomes.append(
                Outcome(ticket.pk, ticket.number, False, " ".join(exc.messages), ticket=ticket)
            )
        else:
            outcomes.append(Outcome(saved.pk, saved.number, True, done(saved), ticket=saved))
    return outcomes


def bulk_assign(
    selection: Iterable[Selected],
    *,
    actor: Any,
    group: AssignmentGroup,
    assignee: Any = None,
) -> list[Outcome]:
    """Give each selected ticket to ``group`` (and ``assignee``, a member)."""
    if group is None:
        raise DomainError(_("Choose the group to assign the tickets to."), field="assignment_group")

    def apply(ticket: Ticket, version: int) -> Ticket:
        return assign(ticket, actor=actor, group=group, assignee=assignee, expected_version=version)

    def done(ticket: Ticket) -> str:
        if assignee is not None:
            return _("Assigned to %(group)s, %(user)s.") % {
                "group": group,
                "user": assignee.get_full_name() or assignee.username,
            }
        return _("Assigned to %(group)s.") % {"group": group}

    return _run(selection, actor=actor, apply=apply, done=done)


def bulk_change_status(
    selection: Iterable[Selected],
    *,
    actor: Any,
    to: str,
    reason: str = "",
    resolution_code: str = "",
    resolution_notes: str = "",
) -> list[Outcome]:
    """Move each selected ticket to ``to`` (one of ``BULK_STATUSES``) with
    what that status needs: a reason to cancel or to wait, a resolution
    code to resolve. ``in progress`` is ``start``: an unassigned ticket is
    taken by the actor."""
    if to not in BULK_STATUSES:
        raise DomainError(_("Choose one of the statuses offered."), field="status")

    def apply(ticket: Ticket, version: int) -> Ticket:
        if to == Status.IN_PROGRESS:
            return start(ticket, actor=actor, expected_version=version)
        extra: dict[str, Any] = {}
        if to == Status.RESOLVED:
            extra = {
                "resolution_code": resolution_code,
                "resolution_notes": resolution_notes or None,
            }
        return transition(
            ticket, actor=actor, to=to, reason=reason, expected_version=version, **extra
        )

    def done(ticket: Ticket) -> str:
        return _("Now “%(status)s”.") % {"status": ticket.get_status_display()}

    return _run(selection, actor=actor, apply=apply, done=done)
