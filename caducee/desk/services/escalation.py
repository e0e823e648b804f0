"""Escalation: functional (to the next support level) and hierarchical (to
the group's manager).

Rule (ITIL incident management; issue "Service desk core" point 3):

- **Functional** escalation hands the ticket to the group of the next
  support level (``AssignmentGroup.escalates_to``: the desk → network →
  the vendor): a reassignment through ``lifecycle.transition`` (status
  ``assigned``, the new group's level), a member picked when that group
  assigns automatically. The new group's members are told (or only the
  member picked), and ``desk.escalated`` records ``how: functional``, both
  groups and the reason.
- **Hierarchical** escalation tells the group's manager that the ticket
  needs their attention (an SLA about to breach, a VIP, a stuck vendor)
  without moving it: the manager becomes a watcher, gets a notification,
  and ``desk.escalated`` records ``how: hierarchical``, the manager and
  the reason.

Both need a reason (it is what the next level or the manager reads first),
refuse closed and cancelled tickets, and take ``expected_version`` like
every ticket write. Functional escalation also refuses a resolved ticket:
sending it to another group would reopen it, which is ``reopen``'s job.

Who acts when nobody clicked: the SLA part's periodic task (warning and
breach escalations) calls these functions with ``actor=system_actor()``
(``caducee.desk.services.routing``): a real account, ``caducee-system``,
active, seeing the whole GHT, with no password and only the permissions to
read and change tickets. Why an account rather than ``actor=None`` (as the
CMDB's nightly work orders use): a ticket write checks the actor's
permission and scope in ``common.require``, which ``None`` never passes,
and the one lifecycle function must stay the only way a ticket moves — an
"unchecked" path for tasks would be a second copy of it. The trail then
shows "Caducée (caducee-system)" as the actor, plainly not a person, and
the same account routes the tickets requesters record on the portal.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from caducee.core.services.errors import Conflict, DomainError
from caducee.desk.models import AssignmentGroup, NotificationKind, Status, Ticket
from caducee.desk.services.common import locked, record_event, record_m2m, refuse_final, save
from caducee.desk.services.groups import pick_assignee
from caducee.desk.services.lifecycle import transition
from caducee.desk.services.notifications import notify
from caducee.desk.services.routing import system_actor

__all__ = ["escalate_to_manager", "escalate_to_next_level", "system_actor"]


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the ticket is escalated."), field="reason")
    return reason


def _group_of(ticket: Ticket) -> AssignmentGroup:
    group = ticket.assignment_group
    if group is None:
        raise DomainError(
            _("%(number)s is not assigned to a group yet: assign it first.")
            % {"number": ticket.number},
            field="assignment_group",
            code="no_group",
        )
    return group


def escalate_to_next_level(
    ticket: Ticket, *, actor: Any, reason: str, expected_version: int | None = None
) -> Ticket:
    """Give the ticket to the group its group escalates to (functional)."""
    reason = _reason(reason)
    with transaction.atomic():
        current = locked(ticket, actor=actor, expected_version=expected_version)
        refuse_final(current)
        if current.status == Status.RESOLVED:
            raise Conflict(
                _("%(number)s is resolved: reopen it before escalating it.")
                % {"number": current.number},
                field="status",
                code="resolved",
            )
        group = _group_of(current)
        target = group.escalates_to
        if target is None:
            raise DomainError(
                _("%(group)s has no next level to escalate to.") % {"group": group},
                field="assignment_group",
                code="no_next_level",
            )
        if not target.is_active or not target.serves(current.establishment_id):
            raise DomainError(
                _("%(target)s, the next level of %(group)s, cannot take tickets of %(est)s.")
                % {"target": target, "group": group, "est": current.establishment},
                field="assignment_group",
                code="next_level_unavailable",
            )
        assignee = pick_assignee(target, establishment_id=current.establishment_id)
        current = transition(
            current,
            actor=actor,
            to=Status.ASSIGNED,
            assignment_group=target,
            assignee=assignee,
            reason=reason,
            tell_group=False,
        )
        record_event(
            actor,
            "desk.escalated",
            current,
            {
                "how": "functional",
                "from": group.pk,
                "from_name": str(group),
                "to": target.pk,
                "to_name": str(target),
                "assignee": assignee.pk if assignee else None,
                "reason": reason,
            },
        )
        if assignee is None:  # an assignee was told by the transition
            notify(
                target.members(),
                ticket=current,
                kind=NotificationKind.ESCALATED,
                message=_("%(number)s escalated to %(group)s: %(reason)s")
                % {"number": current.number, "group": target, "reason": reason},
                actor=actor,
            )
    return current


def escalate_to_manager(
    ticket: Ticket, *, actor: Any, reason: str, expected_version: int | None = None
) -> Ticket:
    """Alert the manager of the ticket's group (hierarchical): they watch it."""
    reason = _reason(reason)
    with transaction.atomic():
        current = locked(ticket, actor=actor, expected_version=expected_version)
        refuse_final(current)
        group = _group_of(current)
        manager = group.manager
        if manager is None or not manager.is_active:
            raise DomainError(
                _("%(group)s has no manager to escalate to.") % {"group": group},
                field="manager",
                code="no_manager",
            )
        before = sorted(current.watchers.values_list("pk", flat=True))
        if manager.pk not in before:
            current.watchers.add(manager)
            # The watchers changed: a concurrent edit of them must see a new version.
            current = save(current, actor=actor)
            record_m2m(actor, current, "watchers", before, sorted([*before, manager.pk]))
        record_event(
            actor,
            "desk.escalated",
            current,
            {
                "how": "hierarchical",
                "group": group.pk,
                "manager": manager.pk,
                "manager_name": str(manager),
                "reason": reason,
            },
        )
        notify(
            [manager],
            ticket=current,
            kind=NotificationKind.ESCALATED,
            message=_("%(number)s escalated to you, manager of %(group)s: %(reason)s")
            % {"number": current.number, "group": group, "reason": reason},
            actor=actor,
        )
    return current
