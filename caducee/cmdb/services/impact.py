"""Impact analysis: what stops, and which care units, when items go down.

Rule (DESIGN.md "Clinical impact drives priority", issue "CMDB" point 2): the
service desk sets a ticket's priority from the most critical care unit a
down item reaches and the number of people working there; a
patient-safety-critical item that is down is P1 at once. Change management
uses the same answer to assess a change's risk. This module is that one
service, ``analyse_impact(item_ids)``:

* downstream — every item that becomes unavailable: relations whose kind
  propagates an outage (``PROPAGATES``: runs on, depends on, connected to,
  hosted in) are followed from target to source, transitively (breadth
  first, each item once, so cycles and diamonds are counted once and end);
* the care units reached through ``used_by`` of any down item (the roots
  included), with their clinical criticality, their people (working there
  today) and the highest criticality reached;
* the upstream chain of the roots — what they depend on, transitively, with
  the distance: the root-cause candidates when several things fail at once;
* items whose lifecycle status counts as down (``DOWN_STATUSES``: out of
  service) are marked; with ``include_out_of_service`` they all become
  roots, giving the picture of everything currently down.

The result carries ids only (with type, depth and establishment), complete
whatever the caller may see, because priority needs the totals; callers
scope what they display (``caducee.cmdb.services.graph_scope``). The
traversal runs on the in-memory graph of ``caducee.cmdb.services.graph``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from caducee.cmdb.services.graph import ImpactGraph, get_graph, invalidate_graph
from caducee.cmdb.types import CIType
from caducee.core.services.errors import DomainError
from caducee.org.models import Criticality

__all__ = [
    "ImpactNode",
    "ImpactResult",
    "ReachedUnit",
    "analyse_impact",
    "invalidate_graph",
]

#: How many ids one request may name (a whole rack, not the whole GHT).
MAX_ITEMS = 1000


class ImpactNode(NamedTuple):
    id: int
    ci_type: str
    #: 0 for a root; otherwise the number of relations from the nearest root.
    depth: int
    #: The item through which this one was first reached (None for a root).
    via: int | None
    out_of_service: bool
    patient_safety_critical: bool
    establishment_id: int | None


class ReachedUnit(NamedTuple):
    id: int
    criticality: int
    #: People working in the unit today.
    people: int
    establishment_id: int
    #: The down items the unit uses (``used_by``), nearest first.
    via: tuple[int, ...]


@dataclass(frozen=True)
class _Walk:
    """A breadth-first walk: items in order (by depth, then id, roots
    excluded), each one's depth (roots at 0) and the item it was reached from."""

    order: tuple[int, ...]
    depth: dict[int, int]
    via: dict[int, int]


@dataclass(frozen=True)
class ImpactResult:
    """What ``analyse_impact`` found. The summary (units, people, highest
    criticality, patient safety) is computed at once; the per-item lists are
    built when first read — the desk's priority needs only the summary, and
    the core switch of a GHT takes thousands of items down. Keep results
    short-lived: they refer to the graph they were computed on."""

    requested: tuple[int, ...]
    include_out_of_service: bool
    root_ids: tuple[int, ...]
    #: By criticality (life-critical first), then people, then id.
    care_units: tuple[ReachedUnit, ...]
    #: Distinct people across the units reached.
    people: int
    _graph: ImpactGraph = field(repr=False, compare=False)
    _down: _Walk = field(repr=False, compare=False)
    _up: _Walk = field(repr=False, compare=False)

    def _nodes(self, ids: Iterable[int], walk: _Walk) -> tuple[ImpactNode, ...]:
        items, depth, via = self._graph.items, walk.depth, walk.via
        return tuple(ImpactNode(pk, *_fields(items[pk], depth[pk], via.get(pk))) for pk in ids)

    @cached_property
    def roots(self) -> tuple[ImpactNode, ...]:
        return self._nodes(self.root_ids, self._down)

    @cached_property
    def affected(self) -> tuple[ImpactNode, ...]:
        """Downstream items (roots excluded), by depth then id."""
        return self._nodes(self._down.order, self._down)

    @cached_property
    def upstream(self) -> tuple[ImpactNode, ...]:
        """What the roots depend on (roots excluded), by depth then id."""
        return self._nodes(self._up.order, self._up)

    @property
    def affected_ids(self) -> tuple[int, ...]:
        return self._down.order

    @property
    def upstream_ids(self) -> tuple[int, ...]:
        return self._up.order

    @cached_property
    def down(self) -> tuple[ImpactNode, ...]:
        """Everything unavailable: the roots and the affected items."""
        return self.roots + self.affected

    @cached_property
    def highest_criticality(self) -> Criticality | None:
        return Criticality(self.care_units[0].criticality) if self.care_units else None

    def _down_ids_where(self, test) -> tuple[int, ...]:
        items = self._graph.items
        return tuple(pk for pk in (*self.root_ids, *self._down.order) if test(items[pk]))

    @cached_property
    def patient_safety_items(self) -> tuple[int, ...]:
        return self._down_ids_where(lambda node: node.patient_safety_critical)

    @property
    def patient_safety(self) -> bool:
        """A patient-safety-critical item is down (root or reached): P1."""
        return bool(self.patient_safety_items)

    @cached_property
    def applications(self) -> tuple[int, ...]:
        return self._down_ids_where(lambda node: node.ci_type == CIType.APPLICATION)

    @cached_property
    def affected_by_type(self) -> dict[str, int]:
        items = self._graph.items
        counts = Counter(items[pk].ci_type for pk in self._down.order)
        return {code: counts[code] for code in CIType.values if counts[code]}

    @cached_property
    def out_of_service_items(self) -> tuple[int, ...]:
        """Items already out of service among roots, affected and upstream."""
        items = self._graph.items
        ids = (*self.root_ids, *self._down.order, *self._up.order)
        return tuple(dict.fromkeys(pk for pk in ids if items[pk].out_of_service))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types (ids, counts, codes), for task payloads and caches."""
        highest = self.highest_criticality
        return {
            "requested": list(self.requested),
            "include_out_of_service": self.include_out_of_service,
            "highest_criticality": int(highest) if highest is not None else None,
            "people": self.people,
            "patient_safety": self.patient_safety,
            "patient_safety_items": list(self.patient_safety_items),
            "applications": list(self.applications),
            "affected_by_type": dict(self.affected_by_type),
            "out_of_service_items": list(self.out_of_service_items),
            "roots": [node._asdict() for node in self.roots],
            "affected": [node._asdict() for node in self.affected],
            "upstream": [node._asdict() for node in self.upstream],
            "care_units": [{**unit._asdict(), "via": list(unit.via)} for unit in self.care_units],
        }


def _item_ids(values: Iterable[Any]) -> tuple[int, ...]:
    ids: dict[int, None] = {}
    for value in values:
        if isinstance(value, bool):
            raise DomainError(_("Item ids are whole numbers."), field="items")
        try:
            number = int(value)
        except (TypeError, ValueError) as exc:
            raise DomainError(_("Item ids are whole numbers."), field="items") from exc
        if number != value and str(number) != str(value).strip():
            raise DomainError(_("Item ids are whole numbers."), field="items")
        ids[number] = None
    if len(ids) > MAX_ITEMS:
        raise DomainError(
            _("At most %(max)d items per analysis.") % {"max": MAX_ITEMS}, field="items"
        )
    return tuple(sorted(ids))


def _fields(node, depth: int, via: int | None) -> tuple:
    return (
        node.ci_type,
        depth,
        via,
        node.out_of_service,
        node.patient_safety_critical,
        node.establishment_id,
    )


def _walk(roots: Iterable[int], adjacency: dict[int, tuple[int, ...]]) -> _Walk:
    """Breadth-first from ``roots`` along ``adjacency``: each reachable item
    once, at its shortest distance. Few objects are allocated per item (no
    tuple, no list) so a large walk does not wake the garbage collector."""
    depth = dict.fromkeys(roots, 0)
    via: dict[int, int] = {}
    order: list[int] = []
    frontier = sorted(depth)
    neighbours = adjacency.get
    level = 0
    while frontier:
        level += 1
        following = []
        for node in frontier:
            for other in neighbours(node, ()):
                if other not in depth:
                    depth[other] = level
                    via[other] = node
                    following.append(other)
        following.sort()
        order.extend(following)
        frontier = following
    return _Walk(tuple(order), depth, via)


def analyse_impact(
    item_ids: Iterable[int],
    *,
    include_out_of_service: bool = False,
    graph: ImpactGraph | None = None,
) -> ImpactResult:
    """The impact of ``item_ids`` going down.

    Raises ``DomainError`` (field ``items``) for ids that are not whole
    numbers, unknown ids, or an empty request without
    ``include_out_of_service``. Read-only: no audit event.
    """
    graph = graph or get_graph()
    requested = _item_ids(item_ids)
    unknown = [pk for pk in requested if pk not in graph.items]
    if unknown:
        raise DomainError(
            _("Unknown configuration items: %(ids)s.")
            % {"ids": ", ".join(str(pk) for pk in unknown[:20])},
            field="items",
            code="unknown",
        )
    if not requested and not include_out_of_service:
        raise DomainError(_("Name at least one configuration item."), field="items")
    root_set = set(requested)
    if include_out_of_service:
        root_set.update(graph.out_of_service)
    root_ids = tuple(sorted(root_set))
    down = _walk(root_ids, graph.dependents)
    up = _walk(root_ids, graph.dependencies)

    reached: dict[int, list[int]] = {}
    used_by = graph.used_by.get
    for pk in (*root_ids, *down.order):
        for unit_id in used_by(pk, ()):
            reached.setdefault(unit_id, []).append(pk)
    people: set[int] = set()
    units = []
    for unit_id, via in reached.items():
        unit = graph.units[unit_id]
        people.update(unit.people)
        units.append(
            ReachedUnit(
                unit_id, unit.criticality, len(unit.people), unit.establishment_id, tuple(via)
            )
        )
    units.sort(key=lambda u: (-u.criticality, -u.people, u.id))
    return ImpactResult(
        requested=requested,
        include_out_of_service=include_out_of_service,
        root_ids=root_ids,
        care_units=tuple(units),
        people=len(people),
        _graph=graph,
        _down=down,
        _up=up,
    )
