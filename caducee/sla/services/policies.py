"""SLA policies and OLAs: which targets a ticket is held to, and their upkeep.

Rule (issue "Service desk core" point 4; see ``caducee.sla.models.policies``):
the policy of a ticket is the first active one, in ``position`` order, whose
conditions all hold — kind, priority (exact), category (the category or one
of its descendants: a policy on "Logiciel métier" covers "Logiciel métier >
DPI"), establishment — an empty condition matching anything. The OLA of a
ticket in a group is the group's target for the ticket's priority, else the
group's target without a priority.

Matching runs on every ticket write, on the policies and OLAs kept per
process (``caducee.sla.services.configuration``): no query. The kept copy
is replaced in every process as soon as an administrator's change commits
(``caducee.core.services.snapshots``), since a stale policy is a wrong
deadline.

Creating, changing and deleting policies and OLAs go through
``core.services.objects`` (permission, establishment scope, ``full_clean``
errors field by field, the audit trail). Clocks already running keep their
target until their ticket is next written, when the clock service matches
again (see ``caducee.sla.services.clocks``).
"""

from __future__ import annotations

from typing import Any

from caducee.core.services import objects as object_services
from caducee.desk.models import Ticket
from caducee.desk.services.categories import category_chain
from caducee.sla.models import OperationalTarget, SlaPolicy
from caducee.sla.services import configuration


def match_policy(ticket: Ticket) -> SlaPolicy | None:
    """The policy that applies to ``ticket`` (first match), with its
    calendar, from the policies kept per process (no query)."""
    return configuration.first_policy(
        kind=ticket.kind,
        priority=ticket.priority,
        establishment_id=ticket.establishment_id,
        lineage=category_chain(ticket),
    )


def match_operational_target(group_id: int | None, priority: int) -> OperationalTarget | None:
    """The group's OLA for this priority, else its OLA for any priority."""
    if group_id is None:
        return None
    return configuration.operational_target(group_id, priority)


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
