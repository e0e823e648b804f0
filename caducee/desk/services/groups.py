"""Changes to assignment groups, and who inside a group gets a new ticket.

Rule (STYLE.md principle 5; see ``caducee.desk.models.groups``): a group is
created on a team, for its establishment or the whole GHT, with a level, a
manager and an assignment method; the model validates that the team and the
group serve the same establishment and that the manager is active and sees
the group's tickets. Scope is checked by ``core.services.objects`` on the
group's establishment: a GHT-wide group (no establishment) is created or
changed only by someone with the whole GHT in scope. Groups are retired
(``is_active``), never deleted while tickets point to them.

Automatic assignment (issue "Service desk core" point 3), only for a group
with ``auto_assign``; the candidates are the group's active members who may
work tickets of the ticket's establishment (the checks of
``common.check_assignment``, so the pick is never refused afterwards):

- round robin: members in a stable order (account id), starting after the
  last one given a ticket (``last_assignee``) and wrapping around, so the
  load spreads evenly whatever the tickets;
- least loaded: the member with the fewest open tickets (``OPEN_STATUSES``,
  in any group: an engineer of two groups is busy in both), ties broken by
  the round-robin order so that equal members take turns.

The group's row is locked (``SELECT … FOR UPDATE``) from reading
``last_assignee`` until the caller's transaction ends, and ``last_assignee``
is written with a queryset update (bookkeeping, not audited: the ticket's
assignment is): two tickets created at once wait for each other and go to
two members. Callers lock the ticket (if any) before the group, never the
other way round, so these locks cannot deadlock.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count

from caducee.core.services import objects as object_services
from caducee.core.services.scoping import can, establishment_allowed
from caducee.desk.models import OPEN_STATUSES, AssignmentGroup, AssignmentMethod, Ticket

__all__ = ["create_group", "open_ticket_counts", "pick_assignee", "update_group"]


# ``m2m`` is accepted because the generic views and viewsets pass it; a
# group has no many-to-many field (its members are its team's), so it is empty.
def create_group(
    group: AssignmentGroup, *, actor: Any, m2m: dict[str, Any] | None = None
) -> AssignmentGroup:
    return object_services.create_object(group, actor=actor, m2m=m2m)


def update_group(
    group: AssignmentGroup, *, actor: Any, m2m: dict[str, Any] | None = None
) -> AssignmentGroup:
    """Change a group, or retire it (``is_active=False``)."""
    return object_services.update_object(group, actor=actor, m2m=m2m)


def may_work(user: Any, establishment_id: int | None) -> bool:
    """Whether ``user`` may be given a ticket of this establishment (as
    ``common.check_assignment`` requires of an assignee)."""
    return (
        user.is_active
        and can(user, Ticket, "change")
        and establishment_allowed(user, establishment_id)
    )


def _round_robin_order(members: list[Any], last_id: int | None) -> list[Any]:
    """``members`` (sorted by id) from the one after ``last_id``, wrapping."""
    if last_id is None:
        return members
    after = [m for m in members if m.pk > last_id]
    return after + [m for m in members if m.pk <= last_id]


def pick_assignee(group: AssignmentGroup, *, establishment_id: int | None) -> Any | None:
    """The member of ``group`` to give a new ticket of ``establishment_id``,
    by the group's method, or None (no automatic assignment, or nobody able).

    Must run inside the transaction that assigns the ticket: the group's row
    stays locked until it ends, and ``last_assignee`` moves to the member
    picked.
    """
    if not group.auto_assign:
        return None
    with transaction.atomic(savepoint=False):  # holds the lock; nothing to undo alone
        last_id = (
            AssignmentGroup.objects.select_for_update()
            .filter(pk=group.pk)
            .values_list("last_assignee_id", flat=True)
            .first()
        )
        members = list(group.members().order_by("pk"))
        ordered = _round_robin_order(members, last_id)
        if group.assignment_method == AssignmentMethod.LEAST_LOADED and ordered:
            loads = dict(
                Ticket.objects.filter(
                    assignee_id__in=[m.pk for m in ordered], status__in=OPEN_STATUSES
                )
                .values_list("assignee_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
            rank = {m.pk: i for i, m in enumerate(ordered)}
            ordered.sort(key=lambda m: (loads.get(m.pk, 0), rank[m.pk]))
        chosen = next((m for m in ordered if may_work(m, establishment_id)), None)
        if chosen is not None:
            AssignmentGroup.objects.filter(pk=group.pk).update(last_assignee=chosen)
            group.last_assignee = chosen
    return chosen


def open_ticket_counts(groups: list[AssignmentGroup]) -> dict[int, int]:
    """Open tickets per group id, in one query (the list and the group page)."""
    return dict(
        Ticket.objects.filter(assignment_group__in=groups, status__in=OPEN_STATUSES)
        .values_list("assignment_group_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def members_of(group: AssignmentGroup) -> list[Any]:
    """The group's active members by name (their staff profile selected)."""
    return list(
        get_user_model()
        .objects.filter(pk__in=group.members().values("pk"))
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "username")
    )
