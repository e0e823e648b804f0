"""An impact analysis as one user may see it: names, links, hidden counts.

Rule (DESIGN.md "A GHT is many establishments", STYLE.md principle 11): the
totals of an impact stay complete — the priority of a ticket depends on
every unit reached, including another establishment's — but the items and
care units *listed* are those the user may read; the others are only
counted ("3 items outside your establishments"). Visibility follows
``restrict()``: the role must read the model, and the row's establishment
must be one of the user's (items with no establishment belong to the whole
GHT and are visible to all readers). The in-memory graph knows each node's
establishment, so this costs no query per node; names are then loaded
through ``restrict()`` for the rows actually shown, and a row the database
scoping refuses is dropped and counted as hidden too.

Used by the impact tab (capped lists) and the API (complete lists).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse

from caducee.cmdb.models import ConfigurationItem
from caducee.cmdb.services.impact import ImpactNode, ImpactResult
from caducee.cmdb.types import CIType
from caducee.core.services.scoping import can
from caducee.org.models import CareUnit, Criticality, Establishment

#: Largest ``IN (…)`` list sent at once (SQLite's default limit is 32,766).
CHUNK = 5000
#: Types in the order the desk reads them: what carries care first.
TYPE_ORDER = [
    CIType.APPLICATION,
    CIType.MEDICAL_DEVICE,
    CIType.DATABASE,
    CIType.SERVER,
    CIType.CLUSTER,
    CIType.NETWORK_DEVICE,
    CIType.WORKSTATION,
    CIType.PRINTER,
    CIType.PHONE,
    CIType.OTHER,
]


@dataclass
class ScopedImpact:
    result: ImpactResult
    roots: list[dict[str, Any]]
    #: Per type, in ``TYPE_ORDER``: {ci_type, label, total, visible, items,
    #: more (visible, not listed), hidden}.
    groups: list[dict[str, Any]]
    upstream: list[dict[str, Any]]
    care_units: list[dict[str, Any]]
    applications: list[dict[str, Any]]
    #: How many of each list the user may not see (counted, not listed).
    hidden: dict[str, int] = field(default_factory=dict)
    #: Visible affected / upstream items per depth (listed or not).
    depths: dict[int, int] = field(default_factory=dict)
    upstream_depths: dict[int, int] = field(default_factory=dict)

    @property
    def affected(self) -> list[dict[str, Any]]:
        return [entry for group in self.groups for entry in group["items"]]

    @property
    def hidden_total(self) -> int:
        """Rows counted but not listed (applications are among the items)."""
        return sum(n for key, n in self.hidden.items() if key != "applications")

    def to_json(self) -> dict[str, Any]:
        result = self.result
        highest = result.highest_criticality
        return {
            "requested": list(result.requested),
            "include_out_of_service": result.include_out_of_service,
            "summary": {
                "highest_criticality": int(highest) if highest is not None else None,
                "highest_criticality_label": str(highest.label) if highest is not None else None,
                "people": result.people,
                "patient_safety": result.patient_safety,
                "affected": len(result.affected),
                "affected_by_type": dict(result.affected_by_type),
                "applications": len(result.applications),
                "care_units": len(result.care_units),
                "upstream": len(result.upstream),
            },
            "roots": self.roots,
            "affected": self.affected,
            "applications": self.applications,
            "care_units": self.care_units,
            "upstream": self.upstream,
            "hidden": dict(self.hidden),
        }


def _urls(name: str) -> Callable[[int], str | None]:
    """pk → the page's path, reversing once: thousands of rows may be listed."""
    sentinel = 2**62
    try:
        pattern = reverse(name, args=[sentinel])
    except NoReverseMatch:  # the page is not installed
        return lambda pk: None
    head, tail = pattern.split(str(sentinel), 1)
    return lambda pk: f"{head}{pk}{tail}"


class _Scope:
    def __init__(self, user: Any):
        ids = user.establishment_ids() if user.is_authenticated else set()
        self.user = user
        self.establishments = ids
        self.items = can(user, ConfigurationItem, "view")
        self.units = can(user, CareUnit, "view")

    def item(self, establishment_id: int | None) -> bool:
        if not self.items:
            return False
        return (
            self.establishments is None
            or establishment_id is None
            or establishment_id in self.establishments
        )

    def unit(self, establishment_id: int) -> bool:
        return self.units and (
            self.establishments is None or establishment_id in self.establishments
        )


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _names(scope: _Scope, ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    base = ConfigurationItem.objects.restrict(scope.user, "view").order_by()
    for chunk in _chunks(sorted(ids)):
        names.update(base.filter(pk__in=chunk).values_list("pk", "name"))
    return names


def scope_impact(
    result: ImpactResult,
    user: Any,
    *,
    per_type: int | None = None,
    upstream_limit: int | None = None,
) -> ScopedImpact:
    """Lists of ``result`` that ``user`` may see (``per_type`` affected items
    per type and ``upstream_limit`` upstream items at most, nearest first;
    None lists all), with names, links and hidden counts."""
    scope = _Scope(user)
    hidden = {"roots": 0, "affected": 0, "applications": 0, "care_units": 0, "upstream": 0}

    roots = [n for n in result.roots if scope.item(n.establishment_id)]
    hidden["roots"] = len(result.roots) - len(roots)
    by_type: dict[str, list[ImpactNode]] = {}
    depths: Counter[int] = Counter()
    for node in result.affected:
        if scope.item(node.establishment_id):
            depths[node.depth] += 1
            by_type.setdefault(node.ci_type, []).append(node)
    hidden["affected"] = len(result.affected) - depths.total()
    upstream = [n for n in result.upstream if scope.item(n.establishment_id)]
    hidden["upstream"] = len(result.upstream) - len(upstream)
    upstream_depths = Counter(n.depth for n in upstream)
    if upstream_limit is not None:
        upstream = upstream[:upstream_limit]
    listed = {ci_type: nodes[:per_type] for ci_type, nodes in by_type.items()}
    down = {node.id: node for node in result.down}
    applications = [down[pk] for pk in result.applications if scope.item(down[pk].establishment_id)]
    hidden["applications"] = len(result.applications) - len(applications)

    units = [u for u in result.care_units if scope.unit(u.establishment_id)]
    hidden["care_units"] = len(result.care_units) - len(units)
    unit_rows = {}
    for chunk in _chunks([u.id for u in units]):
        unit_rows.update(
            {
                row["pk"]: row
                for row in CareUnit.objects.restrict(user, "view")
                .filter(pk__in=chunk)
                .values("pk", "code", "name")
            }
        )

    wanted: set[int] = set()
    for nodes in (roots, upstream, applications, *listed.values()):
        for node in nodes:
            wanted.add(node.id)
            if node.via is not None:
                wanted.add(node.via)
    # Each unit names the first three down items the reader may see.
    unit_via = {
        unit.id: [pk for pk in unit.via if scope.item(down[pk].establishment_id)][:3]
        for unit in units
    }
    for via in unit_via.values():
        wanted.update(via)
    names = _names(scope, wanted)
    establishments = {e.pk: str(e) for e in Establishment.objects.all()}
    type_labels = {code: str(label) for code, label in CIType.choices}
    item_url = _urls("cmdb:configurationitem_detail")
    unit_url = _urls("org:careunit_detail")

    def entry(node: ImpactNode) -> dict[str, Any] | None:
        if node.id not in names:
            return None
        return {
            "id": node.id,
            "name": names[node.id],
            "ci_type": node.ci_type,
            "type_label": type_labels[node.ci_type],
            "depth": node.depth,
            "via": node.via,
            "via_name": names.get(node.via) if node.via is not None else None,
            "out_of_service": node.out_of_service,
            "patient_safety_critical": node.patient_safety_critical,
            "establishment": establishments.get(node.establishment_id),
            "url": item_url(node.id),
        }

    def entries(nodes: list[ImpactNode], key: str) -> list[dict[str, Any]]:
        rows = [row for row in map(entry, nodes) if row is not None]
        hidden[key] += len(nodes) - len(rows)  # refused by the database scoping
        return rows

    groups = []
    for code in TYPE_ORDER:
        if code not in result.affected_by_type:
            continue
        items = entries(listed.get(code, []), "affected")
        items.sort(key=lambda row: (row["depth"], row["name"].lower(), row["id"]))
        groups.append(
            {
                "ci_type": code,
                "label": type_labels[code],
                "total": result.affected_by_type[code],
                "visible": len(by_type.get(code, [])),
                "items": items,
                "more": len(by_type.get(code, [])) - len(items),
                "hidden": result.affected_by_type[code] - len(by_type.get(code, [])),
            }
        )
    care_units = []
    for unit in units:
        row = unit_rows.get(unit.id)
        if row is None:
            hidden["care_units"] += 1
            continue
        via = [{"id": pk, "name": names[pk]} for pk in unit_via[unit.id] if pk in names]
        care_units.append(
            {
                "id": unit.id,
                "code": row["code"],
                "name": row["name"],
                "establishment": establishments.get(unit.establishment_id),
                "criticality": unit.criticality,
                "criticality_label": str(Criticality(unit.criticality).label),
                "life_critical": unit.criticality == Criticality.LIFE_CRITICAL,
                "people": unit.people,
                "via": via,
                "via_more": len(unit.via) - len(via),
                "url": unit_url(unit.id),
            }
        )
    return ScopedImpact(
        result=result,
        roots=entries(roots, "roots"),
        groups=groups,
        upstream=entries(upstream, "upstream"),
        care_units=care_units,
        applications=entries(applications, "applications"),
        hidden=hidden,
        depths=dict(depths),
        upstream_depths=dict(upstream_depths),
    )
