"""The lifecycle of a ticket: ``transition``, the one function that moves it.

Rule (issue "Service desk core" point 1; ITIL): a ticket goes new →
assigned → in progress → waiting (requester / vendor / change) → resolved →
closed, may be reopened within ``CADUCEE_DESK_REOPEN_DAYS`` (default 7) of
its resolution, or cancelled; closed and cancelled are final. The allowed
moves are the table ``TRANSITIONS`` of ``caducee.desk.models.tickets``;
``transition`` checks a move against it, then the guards of the destination,
stamps the timestamps the SLA and reports read (``assigned_at`` the first
time, ``resolved_at``, ``closed_at``, ``cancelled_at``, ``reopened_count``)
and records ``desk.status_changed`` with the from/to statuses and the reason,
besides the ticket's own update event. A refused move changes nothing.

``assign``, ``start``, ``wait``, ``resume``, ``resolve``, ``close``,
``reopen`` and ``cancel`` only choose its arguments; ``start`` and
``reopen`` choose from the committed row (locked), never from a stale
instance.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caducee.core.services import audit
from caducee.core.services.errors import Conflict, DomainError
from caducee.desk.models import (
    REOPEN_STATUSES,
    WAITING_ON,
    AssignmentGroup,
    NotificationKind,
    ResolutionCode,
    Status,
    Ticket,
    TicketKind,
)
from caducee.desk.services.common import (
    UNSET,
    check_assignment,
    locked,
    record_event,
    save,
)
from caducee.desk.services.notifications import notify


def reopen_days() -> int:
    """How long after its resolution a ticket may be reopened (days)."""
    return int(getattr(settings, "CADUCEE_DESK_REOPEN_DAYS", 7))


def _label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def _check_reopen(ticket: Ticket, *, reason: str, now: dt.datetime) -> None:
    days = reopen_days()
    if ticket.resolved_at is None or now - ticket.resolved_at > dt.timedelta(days=days):
        raise Conflict(
            ngettext(
                "%(number)s was resolved more than %(days)d day ago: it can no longer be "
                "reopened. Record a new ticket that refers to it.",
                "%(number)s was resolved more than %(days)d days ago: it can no longer be "
                "reopened. Record a new ticket that refers to it.",
                days,
            )
            % {"number": ticket.number, "days": days},
            field="status",
            code="reopen_expired",
        )
    if not reason:
        raise DomainError(_("Say why the ticket is reopened."), field="reason")


def transition(
    ticket: Ticket,
    *,
    actor: Any,
    to: str,
    reason: str = "",
    assignment_group: Any = UNSET,
    assignee: Any = UNSET,
    resolution_code: str = "",
    resolution_notes: str | None = None,
    expected_version: int | None = None,
    tell_group: bool = True,
) -> Ticket:
    """Move ``ticket`` to status ``to``: the one lifecycle function.

    Refused with a ``Conflict`` (code ``invalid_transition``) naming both
    statuses when ``TRANSITIONS`` does not allow the move, and with a
    ``DomainError`` on the field at fault when a guard of the destination
    fails: ``assigned`` needs a group, ``in progress`` an assignee,
    ``resolved`` a resolution code (and a problem its root cause),
    ``cancelled`` and a reopening a reason, and a reopening must come within
    ``CADUCEE_DESK_REOPEN_DAYS`` of the resolution. A new group or assignee
    may travel with the move (changing the group drops an assignee not
    named again); the assignee must be a member of the group.

    The people concerned are told (``notifications.notify``): a new
    assignee, or the members of a new group left without one (unless
    ``tell_group`` is false: the caller tells them itself, as an escalation
    does with its reason), and the requester when the ticket is resolved or
    closed.
    """
    if to not in Status.values:
        raise DomainError(_("Unknown status."), field="status")
    reason = (reason or "").strip()
    with transaction.atomic(), audit.batch():
        current = locked(ticket, actor=actor, expected_version=expected_version)
        before = (current.assignee_id, current.assignment_group_id)
        source = apply_move(
            current,
            to=to,
            reason=reason,
            assignment_group=assignment_group,
            assignee=assignee,
            resolution_code=resolution_code,
            resolution_notes=resolution_notes,
            now=timezone.now(),
        )
        current = save(current, actor=actor)
        record_event(
            actor,
            "desk.status_changed",
            current,
            {"from": source, "to": to, "reason": reason},
        )
        tell(current, before=before, source=source, actor=actor, tell_group=tell_group)
    return current


def tell(
    ticket: Ticket,
    *,
    before: tuple[int | None, int | None],
    source: str,
    actor: Any,
    tell_group: bool,
) -> None:
    """Notify who a move concerns (see ``transition``)."""
    assignee_id, group_id = before
    if ticket.assignee_id is not None and ticket.assignee_id != assignee_id:
        notify_assignee(ticket, actor=actor)
    elif (
        tell_group
        and ticket.assignee_id is None
        and ticket.assignment_group_id is not None
        and ticket.assignment_group_id != group_id
    ):
        notify(
            ticket.assignment_group.members(),
            ticket=ticket,
            kind=NotificationKind.ASSIGNED,
            message=_("%(number)s is in the queue of %(group)s: %(title)s")
            % {"number": ticket.number, "group": ticket.assignment_group, "title": ticket.title},
            actor=actor,
        )
    if ticket.status == source or ticket.status not in REQUESTER_NEWS:
        return
    requester = ticket.requester
    notify(
        [requester.user_id] if requester is not None else [],
        ticket=ticket,
        kind=REQUESTER_NEWS[ticket.status],
        message=(
            _("%(number)s is resolved: %(title)s")
            if ticket.status == Status.RESOLVED
            else _("%(number)s is closed: %(title)s")
        )
        % {"number": ticket.number, "title": ticket.title},
        actor=actor,
    )


def notify_assignee(ticket: Ticket, *, actor: Any) -> None:
    """Tell the assignee the ticket is theirs (not when they gave it to themselves)."""
    if ticket.assignee_id is None:
        return
    notify(
        [ticket.assignee_id],
        ticket=ticket,
        kind=NotificationKind.ASSIGNED,
        message=_("%(number)s is assigned to you: %(title)s")
        % {"number": ticket.number, "title": ticket.title},
        actor=actor,
    )


#: The statuses a requester is told about, with the event's kind.
REQUESTER_NEWS = {
    Status.RESOLVED: NotificationKind.RESOLVED,
    Status.CLOSED: NotificationKind.CLOSED,
}


def apply_move(
    current: Ticket,
    *,
    to: str,
    reason: str = "",
    assignment_group: Any = UNSET,
    assignee: Any = UNSET,
    resolution_code: str = "",
    resolution_notes: str | None = None,
    now: dt.datetime,
) -> str:
    """Check the move of ``current`` to ``to`` and apply it to the instance
    (see ``transition``); returns the status left. Saves nothing: the
    caller holds the row locked, or is about to insert it (a ticket
    assigned as it is recorded, ``tickets.create_ticket``)."""
    source = current.status
    if not current.can_transition(to):
        raise Conflict(
            _("A ticket cannot go from “%(from)s” to “%(to)s”.")
            % {"from": _label(source), "to": _label(to)},
            field="status",
            code="invalid_transition",
        )
    previous = (current.assignment_group_id, current.assignee_id)
    if assignment_group is not UNSET:
        current.assignment_group = assignment_group
        if assignee is UNSET and current.assignment_group_id != previous[0]:
            current.assignee = None
    if assignee is not UNSET:
        current.assignee = assignee
    # A new assignment, or a move that puts someone to work, must be
    # valid now; resolving or closing the ticket of someone who has
    # since left the team must not be blocked by it.
    if (current.assignment_group_id, current.assignee_id) != previous or to in (
        Status.ASSIGNED,
        Status.IN_PROGRESS,
    ):
        check_assignment(current)
    if current.assignment_group_id != previous[0] and current.assignment_group:
        current.support_level = current.assignment_group.level

    if source in (Status.RESOLVED, Status.CLOSED) and to in REOPEN_STATUSES:
        _check_reopen(current, reason=reason, now=now)
        current.reopened_count += 1
        current.resolved_at = None
        current.closed_at = None
        current.resolution_code = ""
    if to == Status.ASSIGNED and not current.assignment_group_id:
        raise DomainError(_("Choose the group to assign the ticket to."), field="assignment_group")
    if to == Status.IN_PROGRESS and not current.assignee_id:
        raise DomainError(_("Choose who works on the ticket."), field="assignee")
    if to == Status.NEW and (current.assignment_group_id or current.assignee_id):
        raise DomainError(
            _("An assigned ticket goes back to its group, not to new."),
            field="assignment_group",
        )
    if to != Status.RESOLVED and (resolution_code or resolution_notes is not None):
        raise DomainError(
            _("A resolution is described when resolving."),
            field="resolution_code" if resolution_code else "resolution_notes",
        )
    if to == Status.RESOLVED:
        if resolution_code not in ResolutionCode.values:
            raise DomainError(
                _("Choose how the ticket was resolved.")
                if not resolution_code
                else _("Unknown resolution code."),
                field="resolution_code",
            )
        if resolution_notes is not None:
            current.resolution_notes = resolution_notes
        if current.kind == TicketKind.PROBLEM and not current.root_cause.strip():
            raise DomainError(
                _("A problem is resolved once its root cause is known: describe it."),
                field="root_cause",
            )
        current.resolution_code = resolution_code
        current.resolved_at = now
    if to == Status.CANCELLED and not reason:
        raise DomainError(_("Say why the ticket is cancelled."), field="reason")

    if to in (Status.ASSIGNED, Status.IN_PROGRESS) and current.assigned_at is None:
        current.assigned_at = now
    if to == Status.CLOSED:
        current.closed_at = now
    if to == Status.CANCELLED:
        current.cancelled_at = now
    current.status = to
    return source


def _current_assignment(ticket: Ticket) -> tuple[int | None, int | None]:
    """The assignee and group as committed, the row locked: a wrapper that
    chooses its move from them must not decide on a stale instance."""
    row = (
        Ticket.objects.select_for_update()
        .filter(pk=ticket.pk)
        .values_list("assignee_id", "assignment_group_id")
        .first()
    )
    return row if row is not None else (None, None)


def assign(
    ticket: Ticket,
    *,
    actor: Any,
    group: AssignmentGroup,
    assignee: Any = None,
    expected_version: int | None = None,
) -> Ticket:
    """Give the ticket to a group (and one of its members): ``assigned``."""
    return transition(
        ticket,
        actor=actor,
        to=Status.ASSIGNED,
        assignment_group=group,
        assignee=assignee,
        expected_version=expected_version,
    )


def start(
    ticket: Ticket,
    *,
    actor: Any,
    assignment_group: Any = UNSET,
    expected_version: int | None = None,
) -> Ticket:
    """Work on the ticket: ``in progress``; an unassigned ticket is taken by the actor."""
    with transaction.atomic():
        assignee_id, _group_id = _current_assignment(ticket)
        return transition(
            ticket,
            actor=actor,
            to=Status.IN_PROGRESS,
            assignment_group=assignment_group,
            assignee=UNSET if assignee_id else actor,
            expected_version=expected_version,
        )


def wait(
    ticket: Ticket,
    *,
    actor: Any,
    on: str,
    reason: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Wait on the requester, a vendor or a change (``WAITING_ON``)."""
    if on not in WAITING_ON:
        raise DomainError(_("Wait on the requester, a vendor or a change."), field="waiting_on")
    return transition(
        ticket, actor=actor, to=WAITING_ON[on], reason=reason, expected_version=expected_version
    )


def resume(ticket: Ticket, *, actor: Any, expected_version: int | None = None) -> Ticket:
    return transition(ticket, actor=actor, to=Status.IN_PROGRESS, expected_version=expected_version)


def resolve(
    ticket: Ticket,
    *,
    actor: Any,
    code: str,
    notes: str | None = None,
    expected_version: int | None = None,
) -> Ticket:
    return transition(
        ticket,
        actor=actor,
        to=Status.RESOLVED,
        resolution_code=code,
        resolution_notes=notes,
        expected_version=expected_version,
    )


def close(ticket: Ticket, *, actor: Any, expected_version: int | None = None) -> Ticket:
    return transition(ticket, actor=actor, to=Status.CLOSED, expected_version=expected_version)


def reopen(
    ticket: Ticket, *, actor: Any, reason: str, expected_version: int | None = None
) -> Ticket:
    """Back to whoever had it: in progress with its assignee if they are
    still an active member of the group, else assigned to the group (its
    queue), else new."""
    with transaction.atomic():
        assignee_id, group_id = _current_assignment(ticket)
        group = AssignmentGroup.objects.filter(pk=group_id).first() if group_id else None
        still_there = (
            assignee_id is not None
            and group is not None
            and group.members().filter(pk=assignee_id).exists()
        )
        extra: dict[str, Any] = {}
        if still_there:
            to = Status.IN_PROGRESS
        elif group is not None:
            to = Status.ASSIGNED
            extra["assignee"] = None
        else:
            to = Status.NEW
        return transition(
            ticket,
            actor=actor,
            to=to,
            reason=reason,
            expected_version=expected_version,
            **extra,
        )


def cancel(
    ticket: Ticket, *, actor: Any, reason: str, expected_version: int | None = None
) -> Ticket:
    return transition(
        ticket, actor=actor, to=Status.CANCELLED, reason=reason, expected_version=expected_version
    )
