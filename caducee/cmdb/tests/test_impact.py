"""Impact analysis on the small infrastructure of the ``cmdb`` fixture: what
the service desk will read to set a ticket's priority."""

from __future__ import annotations

import json

import pytest

from caducee.cmdb.models import LifecycleStatus, Relation, RelationKind
from caducee.cmdb.services.impact import analyse_impact
from caducee.cmdb.services.items import (
    change_status,
    create_relation,
    delete_relation,
    update_item,
)
from caducee.core.services.errors import DomainError
from caducee.org.models import Criticality

pytestmark = pytest.mark.django_db


def ids(nodes):
    return {node.id for node in nodes}


def test_core_switch_down_reaches_icu_and_ward_through_the_ehr_chain(cmdb, ght):
    result = analyse_impact([cmdb.core.pk])

    assert ids(result.roots) == {cmdb.core.pk}
    depth = {node.id: node.depth for node in result.affected}
    assert depth == {
        cmdb.access.pk: 1,
        cmdb.cluster.pk: 1,
        cmdb.workstation.pk: 2,
        cmdb.printer.pk: 2,
        cmdb.ecg.pk: 2,
        cmdb.server.pk: 2,
        cmdb.database.pk: 3,
        cmdb.ehr.pk: 3,  # via the server, not the longer way through the database
    }
    assert result.affected_by_type == {
        "workstation": 1,
        "printer": 1,
        "server": 1,
        "cluster": 1,
        "network_device": 1,
        "application": 1,
        "database": 1,
        "medical_device": 1,
    }
    assert result.applications == (cmdb.ehr.pk,)
    units = [(u.id, u.criticality, u.people) for u in result.care_units]
    # Life-critical first; the ICU has the nurse and the doctor, the ward the doctor.
    assert units == [
        (ght.icu_a.pk, Criticality.LIFE_CRITICAL, 2),
        (ght.ward_a.pk, Criticality.HIGH, 1),
    ]
    icu = result.care_units[0]
    assert set(icu.via) == {cmdb.ehr.pk, cmdb.workstation.pk, cmdb.ecg.pk}
    assert result.people == 2  # the doctor works in both units: counted once
    assert result.highest_criticality == Criticality.LIFE_CRITICAL
    assert result.patient_safety is True  # the ECG monitor is behind the access switch
    assert result.patient_safety_items == (cmdb.ecg.pk,)
    assert result.upstream == ()


def test_establishment_b_is_untouched_by_a_core_switch(cmdb, ght):
    result = analyse_impact([cmdb.core.pk])
    assert not ids(result.affected) & {cmdb.core_b.pk, cmdb.workstation_b.pk}
    assert ght.er_b.pk not in {u.id for u in result.care_units}

    result_b = analyse_impact([cmdb.core_b.pk])
    assert ids(result_b.affected) == {cmdb.workstation_b.pk}
    assert [u.id for u in result_b.care_units] == [ght.er_b.pk]
    assert result_b.people == 1


def test_a_workstation_down_reaches_the_icu_and_points_to_its_switches(cmdb, ght):
    result = analyse_impact([cmdb.workstation.pk])

    assert result.affected == ()
    assert [u.id for u in result.care_units] == [ght.icu_a.pk]
    assert result.highest_criticality == Criticality.LIFE_CRITICAL
    assert result.patient_safety is False
    upstream = {node.id: (node.depth, node.via) for node in result.upstream}
    assert upstream == {
        cmdb.access.pk: (1, cmdb.workstation.pk),
        cmdb.core.pk: (2, cmdb.access.pk),
    }


def test_the_ecg_monitor_down_is_a_patient_safety_outage(cmdb, ght):
    result = analyse_impact([cmdb.ecg.pk])
    assert result.patient_safety is True
    assert result.patient_safety_items == (cmdb.ecg.pk,)
    assert [u.id for u in result.care_units] == [ght.icu_a.pk]


def test_an_item_used_by_no_unit_reaches_nobody(cmdb):
    result = analyse_impact([cmdb.phone.pk])
    assert result.care_units == ()
    assert result.people == 0
    assert result.highest_criticality is None
    assert result.patient_safety is False


def test_database_down_takes_the_ehr_with_it_and_upstream_is_the_hosting_chain(cmdb, ght):
    result = analyse_impact([cmdb.database.pk])
    assert ids(result.affected) == {cmdb.ehr.pk}
    assert [u.id for u in result.care_units] == [ght.icu_a.pk, ght.ward_a.pk]
    upstream = {node.id: node.depth for node in result.upstream}
    assert upstream == {cmdb.server.pk: 1, cmdb.cluster.pk: 2, cmdb.core.pk: 3}


def test_several_roots_count_each_item_and_person_once(cmdb, ght):
    result = analyse_impact([cmdb.core.pk, cmdb.access.pk, cmdb.core_b.pk])
    assert ids(result.roots) == {cmdb.core.pk, cmdb.access.pk, cmdb.core_b.pk}
    assert cmdb.access.pk not in ids(result.affected)
    assert len(result.affected) == len(ids(result.affected))
    assert [u.id for u in result.care_units] == [ght.icu_a.pk, ght.er_b.pk, ght.ward_a.pk]
    assert result.people == 3


def test_out_of_service_items_are_marked_and_can_join_the_roots(cmdb, admin_user):
    change_status(cmdb.printer, actor=admin_user, status=LifecycleStatus.OUT_OF_SERVICE)

    result = analyse_impact([cmdb.core.pk])
    printer = next(node for node in result.affected if node.id == cmdb.printer.pk)
    assert printer.out_of_service is True
    assert result.out_of_service_items == (cmdb.printer.pk,)

    plain = analyse_impact([cmdb.workstation.pk])
    assert ids(plain.roots) == {cmdb.workstation.pk}
    current = analyse_impact([cmdb.workstation.pk], include_out_of_service=True)
    assert ids(current.roots) == {cmdb.workstation.pk, cmdb.printer.pk}
    assert current.requested == (cmdb.workstation.pk,)
    everything_down = analyse_impact([], include_out_of_service=True)
    assert ids(everything_down.roots) == {cmdb.printer.pk}


def test_an_out_of_service_dependency_shows_in_the_upstream_chain(cmdb, admin_user):
    change_status(cmdb.access, actor=admin_user, status=LifecycleStatus.OUT_OF_SERVICE)
    result = analyse_impact([cmdb.workstation.pk])
    access = next(node for node in result.upstream if node.id == cmdb.access.pk)
    assert access.out_of_service is True


def test_the_graph_follows_changes_made_through_the_services(cmdb, ght, admin_user):
    assert cmdb.phone.pk not in ids(analyse_impact([cmdb.access.pk]).affected)
    relation = create_relation(
        Relation(source=cmdb.phone, kind=RelationKind.CONNECTED_TO, target=cmdb.access),
        actor=admin_user,
    )
    assert cmdb.phone.pk in ids(analyse_impact([cmdb.access.pk]).affected)
    delete_relation(relation, actor=admin_user)
    assert cmdb.phone.pk not in ids(analyse_impact([cmdb.access.pk]).affected)

    # A documentation-only kind carries no outage.
    create_relation(
        Relation(source=cmdb.database, kind=RelationKind.BACKED_UP_BY, target=cmdb.server),
        actor=admin_user,
    )
    assert analyse_impact([cmdb.server.pk]).affected_by_type == {"application": 1, "database": 1}

    # Staff and unit criticality changes reach the counts.
    ght.clerk_b.care_units.add(ght.ward_a)
    assert analyse_impact([cmdb.ehr.pk]).people == 3
    ght.icu_a.criticality = Criticality.MEDIUM
    ght.icu_a.save()
    assert analyse_impact([cmdb.ehr.pk]).highest_criticality == Criticality.HIGH

    cmdb.workstation.patient_safety_critical = True
    update_item(cmdb.workstation, actor=admin_user)
    assert analyse_impact([cmdb.access.pk]).patient_safety_items == (
        cmdb.workstation.pk,
        cmdb.ecg.pk,
    )


def test_people_who_left_or_have_not_started_are_not_counted(cmdb, ght):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    ght.doctor_a.active_to = today - dt.timedelta(days=1)
    ght.doctor_a.save()
    assert analyse_impact([cmdb.ehr.pk]).people == 1  # the nurse; the ward has nobody left
    ght.doctor_a.active_to = today
    ght.doctor_a.save()
    assert analyse_impact([cmdb.ehr.pk]).people == 2
    ght.nurse_a.active_from = today + dt.timedelta(days=3)
    ght.nurse_a.save()
    assert analyse_impact([cmdb.ehr.pk]).people == 1


def test_inactive_care_units_are_not_reached(cmdb, ght):
    ght.ward_a.is_active = False
    ght.ward_a.save()
    assert [u.id for u in analyse_impact([cmdb.ehr.pk]).care_units] == [ght.icu_a.pk]


def test_result_is_json_serialisable(cmdb, ght):
    data = json.loads(json.dumps(analyse_impact([cmdb.core.pk]).to_dict()))
    assert data["highest_criticality"] == 4
    assert data["patient_safety"] is True
    assert data["care_units"][0]["id"] == ght.icu_a.pk
    assert data["affected_by_type"]["workstation"] == 1
    assert {row["id"] for row in data["affected"]} >= {cmdb.ehr.pk, cmdb.ecg.pk}


@pytest.mark.parametrize(
    ("items", "code"),
    [([], "invalid"), ([10**9], "unknown"), (["abc"], "invalid"), ([1.5], "invalid")],
)
def test_bad_requests_are_refused_with_a_clear_error(cmdb, items, code):
    with pytest.raises(DomainError) as caught:
        analyse_impact(items)
    assert caught.value.field == "items"
    assert caught.value.code == code


def test_unknown_ids_are_named_in_the_error(cmdb):
    with pytest.raises(DomainError, match="987654"):
        analyse_impact([cmdb.core.pk, 987654])


def test_a_dependency_cycle_ends_and_counts_each_item_once(cmdb, ght, admin_user):
    from caducee.cmdb.tests.conftest import make_item, relate
    from caducee.cmdb.types import CIType

    x, y, z = (make_item(admin_user, name, CIType.APPLICATION, ght.a) for name in "XYZ")
    relate(admin_user, x, RelationKind.DEPENDS_ON, y)
    relate(admin_user, y, RelationKind.DEPENDS_ON, z)
    relate(admin_user, z, RelationKind.DEPENDS_ON, x)
    relate(admin_user, y, RelationKind.USED_BY, care_unit=ght.admin_a)

    result = analyse_impact([x.pk])
    assert [(n.id, n.depth) for n in result.affected] == [(z.pk, 1), (y.pk, 2)]
    assert [(n.id, n.depth) for n in result.upstream] == [(y.pk, 1), (z.pk, 2)]
    assert [u.id for u in result.care_units] == [ght.admin_a.pk]
    assert result.applications == (x.pk, z.pk, y.pk)


def test_a_diamond_reaches_the_far_corner_once(cmdb, ght, admin_user):
    from caducee.cmdb.tests.conftest import make_item, relate
    from caducee.cmdb.types import CIType

    server = make_item(
        admin_user, "srv", CIType.SERVER, ght.a, attributes={"server_kind": "physical"}
    )
    left, right, top = (make_item(admin_user, n, CIType.APPLICATION, ght.a) for n in "LRT")
    relate(admin_user, left, RelationKind.DEPENDS_ON, server)
    relate(admin_user, right, RelationKind.DEPENDS_ON, server)
    relate(admin_user, top, RelationKind.DEPENDS_ON, left)
    relate(admin_user, top, RelationKind.DEPENDS_ON, right)
    relate(admin_user, top, RelationKind.USED_BY, care_unit=ght.ward_a)

    result = analyse_impact([server.pk])
    assert [(n.id, n.depth) for n in result.affected] == [(left.pk, 1), (right.pk, 1), (top.pk, 2)]
    assert result.affected[-1].via == left.pk  # the first way found, deterministic
    assert [(u.id, u.via) for u in result.care_units] == [(ght.ward_a.pk, (top.pk,))]
    assert result.people == 1
