"""The relation graph of the CMDB, kept in memory for the impact analysis.

Rule (STYLE.md principle 10, issue "CMDB" performance targets): the service
desk computes a CI's impact on every ticket, so the traversal must not query
the database node by node. The whole graph — adjacency by item id along the
kinds that propagate an outage (``PROPAGATES``), each item's type, status,
patient-safety flag and establishment, the care units each item is used by,
and each active care unit's clinical criticality and active staff — is read
in four queries and kept per process. At the GHT scale (25,000 items,
100,000 relations, 20,000 people) that is a few megabytes.

Freshness, across processes (web nodes and task workers), is
``caducee.core.services.snapshots``'s: the graph is tagged
with a version token read from the Django cache (Redis in production, files
in the embedded setup) *before* it is loaded; every call compares the cached
token with the graph's — one cheap read. ``invalidate_graph()`` publishes a
new random token after the writing transaction commits, so another process
never caches a graph read before the change became visible. Random tokens
(not counters) mean a lost cache entry or a restarted cache only causes a
reload, never a stale match.

Inside a transaction that changed the graph and has not committed, this
process loads a private graph for each call and keeps none of them: the
change may still be rolled back (tests run in rolled-back transactions and
so always see their own data).

``caducee.cmdb.signals`` calls ``invalidate_graph()`` when a relation, an
item's type/status/flag/establishment, a care unit's criticality or a
person's care units change. Code that writes with ``bulk_create``,
``QuerySet.update()`` or raw SQL (imports, demo, inventory) calls it itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.db.models import Q
from django.utils import timezone

from caducee.cmdb.models import DOWN_STATUSES, PROPAGATES, ConfigurationItem, Relation, RelationKind
from caducee.core.services.snapshots import Snapshot
from caducee.org.models import CareUnit, Person

VERSION_KEY = "cmdb:impact-graph:version"


class ItemNode(NamedTuple):
    ci_type: str
    out_of_service: bool
    patient_safety_critical: bool
    establishment_id: int | None


class UnitNode(NamedTuple):
    criticality: int
    establishment_id: int
    #: ids of the people working in the unit today.
    people: frozenset[int]


@dataclass
class ImpactGraph:
    """Adjacency by id. An edge ``source → target`` of a propagating kind
    means: if the target is down, the source is down."""

    items: dict[int, ItemNode]
    #: target → sources that go down with it (downstream direction).
    dependents: dict[int, tuple[int, ...]]
    #: source → targets it needs (upstream direction).
    dependencies: dict[int, tuple[int, ...]]
    #: item → active care units that use it (``used_by``).
    used_by: dict[int, tuple[int, ...]]
    units: dict[int, UnitNode]
    out_of_service: tuple[int, ...]
    token: str = ""
    day: date | None = None
    stats: dict[str, int] = field(default_factory=dict)


def load_graph(day: date | None = None) -> ImpactGraph:
    """Read the whole graph from the database (four queries)."""
    day = day or timezone.localdate()
    items: dict[int, ItemNode] = {}
    down: list[int] = []
    rows = ConfigurationItem.objects.order_by().values_list(
        "pk", "ci_type", "status", "patient_safety_critical", "establishment_id"
    )
    for pk, ci_type, status, safety, establishment_id in rows.iterator(chunk_size=5000):
        is_down = status in DOWN_STATUSES
        items[pk] = ItemNode(ci_type, is_down, safety, establishment_id)
        if is_down:
            down.append(pk)

    people: dict[int, set[int]] = defaultdict(set)
    active = (Q(person__active_from__isnull=True) | Q(person__active_from__lte=day)) & (
        Q(person__active_to__isnull=True) | Q(person__active_to__gte=day)
    )
    links = Person.care_units.through.objects.filter(active).order_by()
    for unit_id, person_id in links.values_list("careunit_id", "person_id").iterator(
        chunk_size=5000
    ):
        people[unit_id].add(person_id)
    units = {
        pk: UnitNode(criticality, establishment_id, frozenset(people.get(pk, ())))
        for pk, criticality, establishment_id in CareUnit.objects.filter(is_active=True)
        .order_by()
        .values_list("pk", "criticality", "establishment_id")
    }

    dependents: dict[int, list[int]] = defaultdict(list)
    dependencies: dict[int, list[int]] = defaultdict(list)
    used_by: dict[int, list[int]] = defaultdict(list)
    relations = Relation.objects.order_by().values_list(
        "source_id", "kind", "target_id", "care_unit_id"
    )
    count = 0
    # The four reads are not one snapshot: a row written between them may
    # name an item or unit not loaded. It is skipped; its commit publishes a
    # newer token than this graph's, so the next call reloads.
    for source, kind, target, unit in relations.iterator(chunk_size=10000):
        if source not in items:
            continue
        count += 1
        if target is not None and kind in PROPAGATES and target in items:
            dependents[target].append(source)
            dependencies[source].append(target)
        elif unit is not None and kind == RelationKind.USED_BY and unit in units:
            used_by[source].append(unit)
    return ImpactGraph(
        items=items,
        dependents=_frozen(dependents),
        dependencies=_frozen(dependencies),
        used_by=_frozen(used_by),
        units=units,
        out_of_service=tuple(sorted(down)),
        day=day,
        stats={"items": len(items), "relations": count, "units": len(units)},
    )


def _frozen(adjacency: dict[int, list[int]]) -> dict[int, tuple[int, ...]]:
    # Sorted, so traversals (and which parent a node is reached through) do
    # not depend on the order the database returned the rows in.
    return {key: tuple(sorted(set(values))) for key, values in adjacency.items()}


# --- Versioning and the per-process cache ----------------------------------


def _load_current() -> ImpactGraph:
    graph = load_graph(timezone.localdate())
    graph.token = _snapshot.token()
    return graph


#: The graph kept per process (``caducee.core.services.snapshots``), reloaded
#: when the shared token or the day (people's activity dates) changed.
_snapshot: Snapshot[ImpactGraph] = Snapshot(
    "cmdb-impact-graph", _load_current, key=VERSION_KEY, extra=lambda: timezone.localdate()
)


def invalidate_graph(using: str | None = None) -> None:
    """Tell every process the graph changed, once the transaction commits.

    Cheap and idempotent within a transaction: call it after any write that
    bypasses model signals (bulk creation, ``update()``, raw SQL).
    """
    _snapshot.invalidate(using)


def get_graph() -> ImpactGraph:
    """The current graph: cached per process, reloaded when the shared token
    or the day changed; inside a transaction that changed it, a private
    graph that sees the change and is kept by no one."""
    return _snapshot.get()


def drop_local_graph() -> None:
    """Forget this process's graph (the next call reloads it); for benchmarks
    that time a cold load."""
    _snapshot.drop_local()
