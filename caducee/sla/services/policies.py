"""SLA policies and OLAs: which targets a ticket is held to, and their upkeep.

Rule (issue "Service desk core" point 4; see ``caducee.sla.models.policies``):
the policy of a ticket is the first active one, in ``position`` order, whose
conditions all hold — kind, priority (exact), category (the category or one
of its descendants: a policy on "Logiciel métier" covers "Logiciel métier >
DPI"), establishment — an empty condition matching anything. The OLA of a
ticket in a group is the group's target for the ticket's priority, else the
group's target without a priority.

Matching is one query on the small policy table, filtered in SQL (plus one
for the category's ancestors when the ticket has a category and does not
hold them: ``caducee.desk.services.categories.category_chain``): it runs on
every ticket write, so it is kept cheap rather than cached — an in-process
cache would go stale on the other web nodes the moment an administrator
changes a policy, and a stale policy is a wrong deadline.

Creating, changing and deleting policies and OLAs go through
``core.services.objects`` (permission, establishment scope, ``full_clean``
errors field by field, the audit trail). Clocks already running keep their
target until their ticket is next written, when the clock service matches
again (see ``caducee.sla.services.clocks``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from caducee.core.services import objects as object_services
from caducee.desk.models import Category, Ticket
from caducee.desk.services.categories import category_chain
from caducee.sla.models import OperationalTarget, SlaPolicy


def category_lineage(category_id: int | None) -> list[int]:
    """The category and its ancestors (``MAX_DEPTH`` is 3: one query)."""
    if category_id is None:
        return []
    row = (
        Category.objects.filter(pk=category_id)
        .values_list("parent_id", "parent__parent_id")
        .first()
    )
    return [category_id, *(pk for pk in (row or ()) if pk is not None)]


def matching_policies(ticket: Ticket):
    """The active policies whose conditions hold for ``ticket``, in order."""
    lineage = category_chain(ticket)
    return (
        SlaPolicy.objects.filter(is_active=True)
        .filter(Q(kind="") | Q(kind=ticket.kind))
        .filter(Q(priority__isnull=True) | Q(priority=ticket.priority))
        .filter(Q(establishment__isnull=True) | Q(establishment_id=ticket.establishment_id))
        .filter(Q(category__isnull=True) | Q(category_id__in=lineage))
        .order_by("position", "pk")
    )


def match_policy(ticket: Ticket) -> SlaPolicy | None:
    """The policy that applies to ``ticket`` (first match), with its calendar."""
    return matching_policies(ticket).select_related("calendar").first()


def match_operational_target(group_id: int | None, priority: int) -> OperationalTarget | None:
    """The group's OLA for this priority, else its OLA for any priority."""
    if group_id is None:
        return None
    rows = OperationalTarget.objects.filter(
        Q(priority=priority) | Q(priority__isnull=True),
        assignment_group_id=group_id,
        is_active=True,
    ).select_related("calendar")
    best = None
    for row in rows:
        if row.priority is not None:
            return row
        best = row
    return best


# --- Policies -------------------------------------------------------------------------
# ``m2m`` is accepted because the generic views and viewsets pass it; neither
# model has a many-to-many field, so it is always empty.
def create_policy(policy: SlaPolicy, *, actor: Any, m2m: dict[str, Any] | None = None) -> SlaPolicy:
    return object_services.create_object(policy, actor=actor, m2m=m2m)


def update_policy(policy: SlaPolicy, *, actor: Any, m2m: dict[str, Any] | None = None) -> SlaPolicy:
    return object_services.update_object(policy, actor=actor, m2m=m2m)


def delete_policy(policy: SlaPolicy, *, actor: Any) -> None:
    """Delete a policy no clock refers to (else ``Conflict``: retire it with
    ``is_active`` instead, so past clocks keep saying what they were held to)."""
    object_services.delete_object(policy, actor=actor)


# --- OLAs -----------------------------------------------------------------------------
def create_operational_target(
    target: OperationalTarget, *, actor: Any, m2m: dict[str, Any] | None = None
) -> OperationalTarget:
    return object_services.create_object(target, actor=actor, m2m=m2m)


def update_operational_target(
    target: OperationalTarget, *, actor: Any, m2m: dict[str, Any] | None = None
) -> OperationalTarget:
    return object_services.update_object(target, actor=actor, m2m=m2m)


def delete_operational_target(target: OperationalTarget, *, actor: Any) -> None:
    object_services.delete_object(target, actor=actor)
