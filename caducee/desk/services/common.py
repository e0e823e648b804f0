"""What every ticket service does the same way: permission and scope,
the locked fresh row and its version, final statuses, saving, the trail,
who may be assigned, and storing a computed priority.

Rules: see ``caducee.desk.services.tickets`` (optimistic concurrency,
override semantics) and ``caducee.desk.models.groups`` (assignees are members
of their group). Kept apart so the lifecycle (``lifecycle``), edits
(``tickets``) and links (``links``) apply them identically.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caducee.cmdb.models import Priority
from caducee.core import context
from caducee.core.services import audit
from caducee.core.services import objects as object_services
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.core.services.scoping import can, establishment_allowed
from caducee.desk.models import AssignmentGroup, Ticket
from caducee.desk.services.priority import Assessment
from caducee.desk.signals import ticket_saved


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: "Leave as it is" for arguments where ``None`` means "empty it".
UNSET: Any = _Unset()


def require(actor: Any, ticket: Ticket, action: str) -> None:
    if not can(actor, Ticket, action):
        raise PermissionDenied(_("You are not allowed to do this."))
    if not establishment_allowed(actor, ticket.establishment_id):
        raise PermissionDenied(
            _("This establishment is outside your scope."), field="establishment"
        )


def locked(ticket: Ticket, *, actor: Any, expected_version: int | None) -> Ticket:
    """The ticket's current row, locked until the transaction ends."""
    current = Ticket.objects.select_for_update().filter(pk=ticket.pk).first()
    if current is None:
        raise DomainError(_("This ticket no longer exists."), code="not_found")
    require(actor, current, "change")
    if expected_version is not None and current.version != expected_version:
        raise Conflict(
            _(
                "%(number)s was changed by someone else meanwhile (version %(current)d, "
                "yours was %(expected)d): reload it and try again."
            )
            % {
                "number": current.number,
                "current": current.version,
                "expected": expected_version,
            },
            code="stale",
        )
    return current


def refuse_final(ticket: Ticket) -> None:
    if ticket.is_final:
        raise Conflict(
            _("%(number)s is %(status)s: it can no longer be changed.")
            % {"number": ticket.number, "status": ticket.get_status_display().lower()},
            code="final",
        )


def save(ticket: Ticket, *, actor: Any) -> Ticket:
    ticket.version += 1
    # Always inside the calling service's transaction, which fails whole.
    ticket = object_services.update_object(ticket, actor=actor, savepoint=False)
    announce(ticket, actor=actor, created=False)
    return ticket


def announce(ticket: Ticket, *, actor: Any, created: bool) -> None:
    """Tell the parts above the desk (the SLA clocks) that the ticket changed."""
    ticket_saved.send(sender=Ticket, ticket=ticket, actor=actor, created=created)


def record_event(actor: Any, name: str, ticket: Any, data: dict[str, Any]) -> None:
    with context.acting_as(actor):
        audit.record_event(name, ticket, data=data)


def record_m2m(actor: Any, ticket: Ticket, name: str, before: list, after: list) -> None:
    with context.acting_as(actor):
        audit.record_m2m(ticket, name, before, after)


def check_assignment(ticket: Ticket) -> None:
    group: AssignmentGroup | None = ticket.assignment_group
    if group is not None:
        if not group.is_active:
            raise DomainError(_("This group is no longer active."), field="assignment_group")
        if not group.serves(ticket.establishment_id):
            raise DomainError(
                _("%(group)s does not serve %(establishment)s.")
                % {"group": group, "establishment": ticket.establishment},
                field="assignment_group",
            )
    assignee = ticket.assignee
    if assignee is None:
        return
    if group is None:
        raise DomainError(_("Choose the assignment group first."), field="assignee")
    if not assignee.is_active:
        raise DomainError(_("This account is deactivated."), field="assignee")
    if not group.has_member(assignee):
        raise DomainError(
            _("%(user)s is not a member of %(group)s.") % {"user": assignee, "group": group},
            field="assignee",
        )
    if not (
        can(assignee, Ticket, "change") and establishment_allowed(assignee, ticket.establishment_id)
    ):
        raise DomainError(
            _("%(user)s cannot work on the tickets of %(establishment)s.")
            % {"user": assignee, "establishment": ticket.establishment},
            field="assignee",
        )


def apply_assessment(ticket: Ticket, assessment: Assessment, *, actor: Any) -> None:
    """Store a computed priority; an override sticks (see ``tickets``)."""
    newly_unsafe = assessment.patient_safety and not ticket.patient_safety
    ticket.impact = assessment.impact
    ticket.impact_source = assessment.source
    ticket.patient_safety = assessment.patient_safety
    ticket.computed_priority = assessment.priority
    if not ticket.priority_overridden:
        ticket.priority = assessment.priority
        return
    if newly_unsafe and ticket.priority != Priority.P1 and ticket.pk:
        previous = ticket.priority
        clear_override_fields(ticket)
        ticket.priority = assessment.priority
        record_event(
            actor,
            "desk.priority_override_lifted",
            ticket,
            {"from": previous, "to": int(ticket.priority), "reason": "patient_safety"},
        )


def clear_override_fields(ticket: Ticket) -> None:
    ticket.priority_overridden = False
    ticket.priority_override_reason = ""
    ticket.priority_overridden_by = None
    ticket.priority_overridden_at = None
