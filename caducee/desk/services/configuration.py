"""The desk's configuration as every ticket write reads it, kept per process.

Rule (issue "Service desk core", performance: a creation through the API in
under 30 ms): recording a ticket reads the priority matrix, the category
tree (to check the category and match rules on its ancestors) and the
routing rules with their groups. These change a few times a month and are
small (tens of rules, a few hundred categories), so they are read once per
process and kept while current — ``caducee.core.services.snapshots`` says
how every process learns of a change, and how a change not yet committed is
seen only by its own transaction.

Callers receive fresh instances (``Rows.materialise``) or copies, never the
shared rows. A group's ``last_assignee`` is not kept: it moves with every
automatic assignment (``groups.pick_assignee`` reads it under a lock).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from caducee.core.services.snapshots import Rows, Snapshot, attach
from caducee.desk.models import AssignmentGroup, Category, RoutingRule
from caducee.desk.models.categories import MAX_DEPTH
from caducee.desk.models.priority import DEFAULT_MATRIX, PriorityMatrixCell
from caducee.org.models import Team


@dataclass(frozen=True)
class RuleView:
    """What matching reads of a rule and its group (``routing.matches``)."""

    pk: int
    kind: str
    category_id: int | None
    ci_type: str
    configuration_item_id: int | None
    establishment_id: int | None
    priority: int | None
    group_id: int
    group_active: bool
    group_establishment_id: int | None

    def usable_for(self, establishment_id: int | None) -> bool:
        """``AssignmentGroup.serves`` and active, from the kept values."""
        return self.group_active and self.group_establishment_id in (None, establishment_id)


@dataclass(frozen=True)
class DeskConfiguration:
    #: ``{(impact, urgency): priority}``, defaults filled in.
    matrix: MappingProxyType
    categories: Rows
    #: Active rules in the order they are tried (``position``, then id).
    rule_views: tuple[RuleView, ...]
    rules: Rows
    groups: Rows
    teams: Rows


def _load() -> DeskConfiguration:
    matrix = dict(DEFAULT_MATRIX)
    for impact, urgency, priority in PriorityMatrixCell.objects.values_list(
        "impact", "urgency", "priority"
    ):
        matrix[(impact, urgency)] = priority
    rules = Rows(RoutingRule, RoutingRule.objects.filter(is_active=True))
    groups = Rows(AssignmentGroup, exclude=("last_assignee_id",))
    views = []
    for rule in rules.by_position():
        group_id = rule.assignment_group_id
        views.append(
            RuleView(
                pk=rule.pk,
                kind=rule.kind,
                category_id=rule.category_id,
                ci_type=rule.ci_type,
                configuration_item_id=rule.configuration_item_id,
                establishment_id=rule.establishment_id,
                priority=rule.priority,
                group_id=group_id,
                group_active=bool(groups.value(group_id, "is_active")),
                group_establishment_id=groups.value(group_id, "establishment_id"),
            )
        )
    return DeskConfiguration(
        matrix=MappingProxyType(matrix),
        categories=Rows(Category),
        rule_views=tuple(views),
        rules=rules,
        groups=groups,
        teams=Rows(Team),
    )


_snapshot: Snapshot[DeskConfiguration] = Snapshot("desk-configuration", _load)
_snapshot.watch(PriorityMatrixCell, Category, RoutingRule, Team)
# A group's automatic assignment moves ``last_assignee`` with ``update()``
# (no signal); any other change to a group goes through its save.
_snapshot.watch(AssignmentGroup)


def configuration() -> DeskConfiguration:
    return _snapshot.get()


# --- Categories -----------------------------------------------------------------------
def category_lineage(category_id: int | None) -> list[int]:
    """The category and those above it, nearest first (none read)."""
    if category_id is None:
        return []
    categories = configuration().categories
    ids: list[int] = []
    pk: int | None = category_id
    while pk is not None and pk in categories and len(ids) < MAX_DEPTH:
        ids.append(pk)
        pk = categories.value(pk, "parent_id")
    return ids or [category_id]


def active_category(category_id: int) -> Category | None:
    """A fresh instance of the active category ``category_id`` with its
    ancestors attached (``parent``, ``parent.parent``), or None."""
    found = category(category_id)
    return found if found is not None and found.is_active else None


def category(category_id: int) -> Category | None:
    """A fresh instance of the category, active or retired, with its
    ancestors attached; None if there is none."""
    categories = configuration().categories
    if category_id not in categories:
        return None
    category = categories.materialise(category_id)
    node = category
    while node.parent_id is not None and node.parent_id in categories:
        parent = categories.materialise(node.parent_id)
        attach(node, "parent", parent)
        node = parent
    return category


# --- Routing --------------------------------------------------------------------------
def rule_views() -> tuple[RuleView, ...]:
    """The active routing rules in the order they are tried, as matching
    reads them."""
    return configuration().rule_views


def rule(rule_id: int) -> RoutingRule:
    """A fresh instance of an active rule, its group and the group's team
    attached."""
    found = configuration().rules.materialise(rule_id)
    attach(found, "assignment_group", group(found.assignment_group_id))
    return found


def group(group_id: int) -> AssignmentGroup:
    """A fresh instance of the group, its team attached (``KeyError`` if it
    does not exist)."""
    config = configuration()
    found = config.groups.materialise(group_id)
    if found.team_id in config.teams:
        attach(found, "team", config.teams.materialise(found.team_id))
    return found


def matrix() -> dict[tuple[int, int], int]:
    """A copy of the priority matrix."""
    return dict(configuration().matrix)
