"""Routing: which group (and member) a ticket goes to, by the rules.

Rule (issue "Service desk core" point 3; see ``caducee.desk.models.routing``
for the conditions): ``route`` returns the first active rule, in (position,
id) order, whose conditions all hold and whose group is active and serves
the ticket's establishment — a rule pointing at a retired group or a group
of another hospital is skipped, not an error, so the next rule (often the
level-1 desk) still catches the ticket. It is cheap, because it runs inside
every ticket creation: the active rules, their groups and the category
tree are kept per process (``desk.services.configuration``, fresh after
any committed change), so matching reads nothing but the items' ids and
types, from the caller (creation) or one query.

A new ticket nobody chose a group for is routed inside its creation's
transaction (``place_new_ticket`` then ``record_placement``, called by
``tickets.create_ticket``): assigned to the rule's group by the lifecycle's
own move (``lifecycle.apply_move``, before the ticket's single insert),
given to a member when the group assigns automatically
(``caducee.desk.services.groups.pick_assignee``), and the rule is recorded
(``desk.routed``, with its id and name) so that "why is it in this queue?"
has an answer in the trail. An agent may ask for the rules again
(``reroute``) after requalifying a ticket.

Who routes: the person who records the ticket when they work tickets of
that establishment; otherwise (a requester on the portal, the e-mail
gateway) the system account of ``system_actor``, since the rules are the
desk's decision, not the requester's. The same account is the actor of the
periodic tasks (SLA escalations; see ``caducee.desk.services.escalation``).

Rule list changes (``create_rule``, ``update_rule``, ``delete_rule``,
``move_rule``) go through ``core.services.objects``: the role's permission
(administrators and DSI managers, ``caducee.desk.roles``) and the rule's
establishment in scope — a rule of the whole GHT only for those who see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils.translation import gettext as _

from caducee.core import context
from caducee.core.services import objects as object_services
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.core.services.scoping import can, establishment_allowed, may_write
from caducee.desk.models import (
    AssignmentGroup,
    RoutingRule,
    Status,
    Ticket,
)
from caducee.desk.services import configuration
from caducee.desk.services.categories import category_chain
from caducee.desk.services.common import locked, record_event, refuse_final
from caducee.desk.services.groups import pick_assignee
from caducee.desk.services.lifecycle import notify_assignee, transition

__all__ = [
    "SYSTEM_USERNAME",
    "Placement",
    "TicketFacts",
    "create_rule",
    "delete_rule",
    "facts_of",
    "matches",
    "move_rule",
    "place_new_ticket",
    "record_placement",
    "reroute",
    "route",
    "system_actor",
    "update_rule",
]

#: The account automatic actions run as (routing for requesters, tasks).
SYSTEM_USERNAME = "caducee-system"
#: What the system account may do: read and move tickets, nothing else.
#: What the system account may do: route, escalate and time tickets, and
#: record what arrives by a channel (a ticket from an e-mail, its link to
#: an older one, a sender not yet known as a Person).
SYSTEM_PERMISSIONS = (
    ("desk", "view_ticket"),
    ("desk", "change_ticket"),
    ("desk", "add_ticket"),
    ("desk", "add_ticketlink"),
    ("org", "add_person"),
)


def system_actor() -> Any:
    """The system account: active, whole GHT, no password, allowed only what
    ``SYSTEM_PERMISSIONS`` lists. Created on first use; re-enabled if someone
    disabled it, and given a permission added since by an upgrade, since
    periodic tasks and channels depend on it."""
    users = get_user_model()
    user = users.objects.filter(username=SYSTEM_USERNAME).first()
    if (
        user is not None
        and user.is_active
        and user.all_establishments
        and user.has_perms([f"{app}.{codename}" for app, codename in SYSTEM_PERMISSIONS])
    ):
        return user
    with context.acting_as(None, source="system"), transaction.atomic():
        if user is None:
            user = users(username=SYSTEM_USERNAME, first_name="Caducée", all_establishments=True)
            user.set_unusable_password()
        user.is_active = True
        user.all_establishments = True
        user.save()
        for app_label, codename in SYSTEM_PERMISSIONS:
            perm = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            user.user_permissions.add(perm)
    return users.objects.get(pk=user.pk)  # a fresh permission cache


# --- Matching ------------------------------------------------------------------------
@dataclass(frozen=True)
class TicketFacts:
    """What the rules look at, read once per routing."""

    kind: str
    establishment_id: int | None
    priority: int
    categories: frozenset[int]  # the ticket's category and those above it
    item_ids: frozenset[int]
    item_types: frozenset[str]


def facts_of(
    ticket: Ticket,
    *,
    items: Iterable[Any] | None = None,
    with_category: bool = True,
) -> TicketFacts:
    """``items``: the ticket's configuration items (objects with ``pk`` and
    ``ci_type``); None reads them from the saved ticket."""
    if items is None:
        pairs = list(ticket.configuration_items.values_list("pk", "ci_type")) if ticket.pk else []
    else:
        pairs = [(item.pk, item.ci_type) for item in items]
    return TicketFacts(
        kind=ticket.kind,
        establishment_id=ticket.establishment_id,
        priority=int(ticket.priority),
        categories=frozenset(category_chain(ticket)) if with_category else frozenset(),
        item_ids=frozenset(pk for pk, _type in pairs),
        item_types=frozenset(ci_type for _pk, ci_type in pairs),
    )


def matches(rule: RoutingRule | configuration.RuleView, facts: TicketFacts) -> bool:
    """Whether every non-empty condition of ``rule`` holds for the ticket."""
    return (
        (not rule.kind or rule.kind == facts.kind)
        and (rule.category_id is None or rule.category_id in facts.categories)
        and (not rule.ci_type or rule.ci_type in facts.item_types)
        and (rule.configuration_item_id is None or rule.configuration_item_id in facts.item_ids)
        and (rule.establishment_id is None or rule.establishment_id == facts.establishment_id)
        and (rule.priority is None or facts.priority <= rule.priority)
    )


def route(ticket: Ticket, *, items: Iterable[Any] | None = None) -> RoutingRule | None:
    """The first active rule that matches ``ticket`` and whose group may take
    it, or None. ``items`` as for ``facts_of``."""
    views = configuration.rule_views()  # kept per process: no query
    if not views:
        return None
    facts = facts_of(
        ticket, items=items, with_category=any(v.category_id is not None for v in views)
    )
    for view in views:
        if matches(view, facts) and view.usable_for(facts.establishment_id):
            return configuration.rule(view.pk)
    return None


# --- Applying the rules ----------------------------------------------------------------
def _router(actor: Any, ticket: Ticket) -> Any:
    """The actor when they work this establishment's tickets, else the system."""
    if can(actor, Ticket, "change") and establishment_allowed(actor, ticket.establishment_id):
        return actor
    return system_actor()


def _assign_by_rule(ticket: Ticket, rule: RoutingRule, *, actor: Any, **extra: Any) -> Ticket:
    group = rule.assignment_group
    assignee = pick_assignee(group, establishment_id=ticket.establishment_id)
    ticket = transition(
        ticket,
        actor=actor,
        to=Status.ASSIGNED,
        assignment_group=group,
        assignee=assignee,
        **extra,
    )
    record_event(
        actor,
        "desk.routed",
        ticket,
        {
            "rule": rule.pk,
            "name": rule.name,
            "group": group.pk,
            "assignee": assignee.pk if assignee else None,
        },
    )
    return ticket


@dataclass(frozen=True)
class Placement:
    """Where a ticket being recorded goes: decided before its insert so that
    it is written once, assigned (see ``tickets.create_ticket``)."""

    #: Who assigns it: the creator, or the router (``_router``) for a rule.
    actor: Any
    group: AssignmentGroup
    assignee: Any
    #: The rule that chose the group; None when the creator chose it.
    rule: RoutingRule | None = None


def place_new_ticket(
    ticket: Ticket,
    *,
    actor: Any,
    group: AssignmentGroup | None,
    assignee: Any,
    items: Iterable[Any],
) -> Placement | None:
    """Where a ticket being recorded (unsaved, inside its creation's
    transaction) goes: to the group and assignee the caller chose — a member
    picked when the group assigns automatically and nobody was named — or
    else by the rules. None: no rule matches, it stays new for the level-1
    desk's "unassigned" queue."""
    if group is not None:
        if assignee is None:
            assignee = pick_assignee(group, establishment_id=ticket.establishment_id)
        return Placement(actor, group, assignee)
    rule = route(ticket, items=items)
    if rule is None:
        return None
    group = rule.assignment_group
    assignee = pick_assignee(group, establishment_id=ticket.establishment_id)
    return Placement(_router(actor, ticket), group, assignee, rule)


def record_placement(ticket: Ticket, placement: Placement, *, source: str) -> None:
    """After the insert: the status change, the rule that chose the group
    (``desk.routed``) and the assignee's notification, as a transition
    followed by the routing would have written them."""
    actor = placement.actor
    record_event(
        actor, "desk.status_changed", ticket, {"from": source, "to": ticket.status, "reason": ""}
    )
    if placement.rule is not None:
        record_event(
            actor,
            "desk.routed",
            ticket,
            {
                "rule": placement.rule.pk,
                "name": placement.rule.name,
                "group": placement.group.pk,
                "assignee": placement.assignee.pk if placement.assignee else None,
            },
        )
    notify_assignee(ticket, actor=actor)


def reroute(ticket: Ticket, *, actor: Any, expected_version: int | None = None) -> Ticket:
    """Apply the rules again to an open ticket (after it was requalified):
    assigned to the group of the first matching rule, a member picked as at
    creation. ``DomainError`` on ``assignment_group`` when no rule matches."""
    with transaction.atomic():
        current = locked(ticket, actor=actor, expected_version=expected_version)
        refuse_final(current)
        if current.status == Status.RESOLVED:
            raise Conflict(
                _("%(number)s is resolved: reopen it before routing it again.")
                % {"number": current.number},
                field="status",
                code="resolved",
            )
        rule = route(current)
        if rule is None:
            raise DomainError(
                _("No routing rule matches this ticket: choose its group yourself."),
                field="assignment_group",
                code="no_rule",
            )
        return _assign_by_rule(current, rule, actor=actor, reason=_("Routed again"))


# --- The rules themselves --------------------------------------------------------------
def create_rule(rule: RoutingRule, *, actor: Any, m2m: dict[str, Any] | None = None) -> RoutingRule:
    return object_services.create_object(rule, actor=actor, m2m=m2m)


def update_rule(rule: RoutingRule, *, actor: Any, m2m: dict[str, Any] | None = None) -> RoutingRule:
    return object_services.update_object(rule, actor=actor, m2m=m2m)


def delete_rule(rule: RoutingRule, *, actor: Any) -> None:
    object_services.delete_object(rule, actor=actor)


#: Gap between positions when the list is renumbered (room to insert by hand).
POSITION_STEP = 10


def move_rule(rule: RoutingRule, *, actor: Any, direction: str) -> RoutingRule:
    """Swap ``rule`` with the rule before it (``up``) or after it (``down``).

    The list is renumbered by tens in its new order and each rule whose
    position changes is saved (audited, and checked: every rule renumbered
    must be writable by the actor). Moving the first rule up, or the last
    one down, changes nothing.
    """
    if direction not in ("up", "down"):
        raise DomainError(_("Move a rule up or down."), field="direction")
    if not may_write(actor, rule, "change"):
        raise PermissionDenied(_("You are not allowed to reorder this rule."))
    with transaction.atomic():
        ordered = list(RoutingRule.objects.select_for_update().order_by("position", "pk"))
        index = next((i for i, r in enumerate(ordered) if r.pk == rule.pk), None)
        if index is None:
            raise DomainError(_("This rule no longer exists."), code="not_found")
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(ordered):
            return ordered[index]
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for number, item in enumerate(ordered, start=1):
            position = number * POSITION_STEP
            if item.position != position:
                item.position = position
                update_rule(item, actor=actor)
        return next(r for r in ordered if r.pk == rule.pk)
