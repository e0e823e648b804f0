"""The impact analysis against an independent computation, on random graphs.

Hypothesis draws graphs with cycles and diamonds, every relation kind
(propagating or not), ``used_by`` links to active and closed care units,
staff who are active, gone or not yet started, and items out of service.
The reference answer is computed here straight from the database rows by
fixed-point iteration (distances by repeated relaxation), sharing no code
with the service's breadth-first walk over its in-memory graph.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caducee.cmdb.models import ConfigurationItem, Relation
from caducee.cmdb.services.graph import invalidate_graph
from caducee.cmdb.services.impact import analyse_impact
from caducee.cmdb.types import CIType
from caducee.org.models import CareUnit, Person

pytestmark = pytest.mark.django_db

#: Written out, not imported: the reference must not share the service's tables.
OUTAGE_KINDS = {"runs_on", "depends_on", "connected_to", "hosted_in"}
ITEM_KINDS = ["runs_on", "depends_on", "connected_to", "hosted_in", "backed_up_by"]
STATUSES = ["in_production", "in_maintenance", "out_of_service", "in_stock"]
TYPES = [CIType.SERVER, CIType.APPLICATION, CIType.NETWORK_DEVICE, CIType.WORKSTATION]


@st.composite
def infrastructures(draw):
    n = draw(st.integers(min_value=2, max_value=12))
    node = st.integers(min_value=0, max_value=n - 1)
    items = draw(
        st.lists(
            st.tuples(
                st.sampled_from(TYPES),
                st.sampled_from(STATUSES),
                st.booleans(),  # patient-safety critical
                st.sampled_from(["a", "b", None]),  # establishment
            ),
            min_size=n,
            max_size=n,
        )
    )
    edges = draw(
        st.lists(
            st.tuples(node, st.sampled_from(ITEM_KINDS), node).filter(lambda e: e[0] != e[2]),
            max_size=3 * n,
            unique=True,
        )
    )
    units = draw(
        st.lists(
            st.tuples(st.integers(min_value=1, max_value=4), st.booleans()),  # criticality, open
            max_size=4,
        )
    )
    used_by, staff = [], []
    if units:
        unit = st.integers(min_value=0, max_value=len(units) - 1)
        used_by = draw(st.lists(st.tuples(node, unit), max_size=2 * n, unique=True))
        staff = draw(
            st.lists(
                st.tuples(
                    st.sets(unit, min_size=1, max_size=3),
                    st.sampled_from(["active", "left", "starts_later", "leaves_later"]),
                ),
                max_size=6,
            )
        )
    roots = draw(st.lists(node, min_size=1, max_size=3, unique=True))
    return items, edges, units, used_by, staff, roots, draw(st.booleans())


def build(ght, items, edges, units, used_by, staff):
    establishments = {"a": ght.a, "b": ght.b, None: None}
    cis = ConfigurationItem.objects.bulk_create(
        ConfigurationItem(
            name=f"ci-{i}",
            ci_type=ci_type,
            status=status,
            patient_safety_critical=safety,
            establishment=establishments[est],
        )
        for i, (ci_type, status, safety, est) in enumerate(items)
    )
    care_units = CareUnit.objects.bulk_create(
        CareUnit(
            establishment=ght.a if i % 2 else ght.b,
            code=f"P{i}",
            name=f"Unit {i}",
            criticality=criticality,
            is_active=is_open,
        )
        for i, (criticality, is_open) in enumerate(units)
    )
    Relation.objects.bulk_create(
        [Relation(source=cis[s], kind=kind, target=cis[t]) for s, kind, t in edges]
        + [Relation(source=cis[s], kind="used_by", care_unit=care_units[u]) for s, u in used_by]
    )
    today = timezone.localdate()
    dates = {
        "active": (None, None),
        "left": (None, today - dt.timedelta(days=1)),
        "starts_later": (today + dt.timedelta(days=1), None),
        "leaves_later": (today - dt.timedelta(days=10), today + dt.timedelta(days=10)),
    }
    people = Person.objects.bulk_create(
        Person(
            establishment=ght.a,
            first_name="P",
            last_name=f"{i}",
            active_from=dates[kind][0],
            active_to=dates[kind][1],
        )
        for i, (_, kind) in enumerate(staff)
    )
    Person.care_units.through.objects.bulk_create(
        Person.care_units.through(person=person, careunit=care_units[u])
        for person, (unit_indexes, _) in zip(people, staff, strict=True)
        for u in unit_indexes
    )
    invalidate_graph()  # bulk writes send no signals
    return cis


def distances(start: set[int], edges: list[tuple[int, int]]) -> dict[int, int]:
    """Shortest number of hops from ``start`` along (frm, to) pairs, by
    relaxing every edge until nothing changes."""
    dist = dict.fromkeys(start, 0)
    changed = True
    while changed:
        changed = False
        for frm, to in edges:
            if frm in dist and dist[frm] + 1 < dist.get(to, 10**9):
                dist[to] = dist[frm] + 1
                changed = True
    return dist


def reference(root_ids: set[int]) -> dict:
    today = timezone.localdate()
    rows = list(Relation.objects.values_list("source_id", "kind", "target_id", "care_unit_id"))
    outage = [(t, s) for s, kind, t, _ in rows if kind in OUTAGE_KINDS and t is not None]
    down_dist = distances(root_ids, outage)
    up_dist = distances(root_ids, [(s, t) for t, s in outage])
    down = set(down_dist)
    units = CareUnit.objects.filter(
        is_active=True,
        pk__in=[u for s, kind, _, u in rows if kind == "used_by" and s in down],
    )
    active = (Q(active_from__isnull=True) | Q(active_from__lte=today)) & (
        Q(active_to__isnull=True) | Q(active_to__gte=today)
    )
    return {
        "down_dist": down_dist,
        "up_dist": {pk: d for pk, d in up_dist.items() if pk not in root_ids},
        "outage": set(outage),
        "units": {u.pk: u.criticality for u in units},
        "people": Person.objects.filter(active, care_units__in=units).distinct().count(),
        "safety": set(
            ConfigurationItem.objects.filter(pk__in=down, patient_safety_critical=True).values_list(
                "pk", flat=True
            )
        ),
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=infrastructures())
def test_impact_matches_an_independent_computation(ght, data):
    items, edges, units, used_by, staff, roots, include_out_of_service = data
    with transaction.atomic():
        cis = build(ght, items, edges, units, used_by, staff)
        requested = {cis[i].pk for i in roots}
        root_ids = set(requested)
        if include_out_of_service:
            root_ids |= {ci.pk for ci in cis if ci.status == "out_of_service"}
        expected = reference(root_ids)

        result = analyse_impact(requested, include_out_of_service=include_out_of_service)

        assert {n.id for n in result.roots} == root_ids
        got = {n.id: n.depth for n in result.affected}
        assert len(got) == len(result.affected)  # each item once, cycles included
        assert got == {pk: d for pk, d in expected["down_dist"].items() if pk not in root_ids}
        for node in result.affected:  # reached through a real outage relation, one hop closer
            assert (node.via, node.id) in expected["outage"]
            assert expected["down_dist"][node.via] == node.depth - 1
        assert {n.id: n.depth for n in result.upstream} == expected["up_dist"]
        assert {u.id: u.criticality for u in result.care_units} == expected["units"]
        assert [u.criticality for u in result.care_units] == sorted(
            expected["units"].values(), reverse=True
        )
        assert result.people == expected["people"]
        assert result.highest_criticality == max(expected["units"].values(), default=None)
        assert set(result.patient_safety_items) == expected["safety"]
        assert result.patient_safety is bool(expected["safety"])
        statuses = {ci.pk: ci.status for ci in cis}
        for node in (*result.roots, *result.affected, *result.upstream):
            assert node.out_of_service is (statuses[node.id] == "out_of_service")
        transaction.set_rollback(True)
