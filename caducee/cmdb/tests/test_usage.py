"""Who uses what, as the desk sees it beside a ticket: the ICU nurse's
workstation, DECT phone, the printer in her room, the EHR of her unit, her
room and manager — in a bounded number of queries and only within the
agent's scope; on an item, who is assigned and which units use it."""

import pytest
from django.urls import reverse

from caducee.cmdb.models import RelationKind
from caducee.cmdb.services.usage import usage_for_person, users_of_item
from caducee.cmdb.tests.conftest import make_item, relate
from caducee.cmdb.tests.contract_data import *  # noqa: F403  (fixtures)
from caducee.cmdb.types import CIType
from caducee.core.context import acting_as
from caducee.core.services import access
from caducee.org.models import Floor, Person, Room

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse(ght, cmdb, admin_user):
    """Claire, ICU nurse of A, with a manager; plus what she must not see."""
    nurse = ght.nurse_a
    with acting_as(admin_user, source="test"):
        head = Person.objects.create(establishment=ght.a, first_name="Anne", last_name="Cadre")
        nurse.manager = head
        nurse.save()
    # Items of B that touch her: a workstation of B assigned to her, B's
    # application used by her unit. An A-only agent must see neither.
    make_item(admin_user, "pc-b-pret", CIType.WORKSTATION, ght.b, assigned_to=nurse)
    app_b = make_item(admin_user, "LABO-B", CIType.APPLICATION, ght.b)
    relate(admin_user, app_b, RelationKind.USED_BY, care_unit=ght.icu_a)
    return nurse


def names(items) -> set[str]:
    return {item.name for item in items}


def test_nurse_usage(nurse, ght, cmdb, agent_a):
    usage = usage_for_person(nurse, user=agent_a)
    assert names(usage.workstations) == {"pc-rea-01"}
    assert names(usage.phones) == {"dect-rea-01"}
    assert names(usage.printers) == {"prn-rea-01"} and usage.printers_near == "room"
    assert names(usage.applications) == {"DPI"}
    assert [(u.care_unit, names(u.applications)) for u in usage.units] == [(ght.icu_a, {"DPI"})]
    assert usage.room == ght.room_a
    assert usage.manager.last_name == "Cadre"


def test_administrator_sees_other_establishments_items(nurse, cmdb, admin_user):
    usage = usage_for_person(nurse, user=admin_user)
    assert names(usage.workstations) == {"pc-rea-01", "pc-b-pret"}
    assert names(usage.applications) == {"DPI", "LABO-B"}


def test_printers_on_the_floor_when_none_in_the_room(nurse, ght, cmdb, agent_a, admin_user):
    with acting_as(admin_user, source="test"):
        office = Room.objects.create(floor=ght.room_a.floor, code="102", name="Bureau cadre")
        other_floor = Floor.objects.create(building=ght.room_a.floor.building, level=2)
        far = Room.objects.create(floor=other_floor, code="201", name="Salle 201")
        nurse.room = office
        nurse.save()
    make_item(admin_user, "prn-etage-2", CIType.PRINTER, ght.a, room=far)
    usage = usage_for_person(nurse, user=agent_a)
    assert names(usage.printers) == {"prn-rea-01"}  # room 101, same floor
    assert usage.printers_near == "floor"


def test_retired_equipment_is_not_listed(nurse, cmdb, agent_a, admin_user):
    from caducee.cmdb.services.items import change_status

    change_status(cmdb.phone, actor=admin_user, status="retired")
    assert usage_for_person(nurse, user=agent_a).phones == []


def test_usage_costs_a_bounded_number_of_queries(
    nurse, ght, cmdb, agent_a, admin_user, django_assert_max_num_queries
):
    # More of everything must not mean more queries.
    for n in range(5):
        make_item(admin_user, f"pc-extra-{n}", CIType.WORKSTATION, ght.a, assigned_to=nurse)
        make_item(admin_user, f"prn-extra-{n}", CIType.PRINTER, ght.a, room=ght.room_a)
        app = make_item(admin_user, f"APP-{n}", CIType.APPLICATION, ght.a)
        relate(admin_user, app, RelationKind.USED_BY, care_unit=ght.icu_a)
    person = Person.objects.get(pk=nurse.pk)
    user = type(agent_a).objects.get(pk=agent_a.pk)  # nothing cached on the account
    access.access()  # the accounts' roles and scopes, as a running process keeps them
    # Only the five data queries: the permissions and establishments of the
    # account come from the kept picture.
    with django_assert_max_num_queries(5):
        usage = usage_for_person(person, user=user)
    assert len(usage.workstations) == 6 and len(usage.printers) == 6
    assert len(usage.applications) == 6
    with django_assert_max_num_queries(5):
        usage_for_person(person, user=user)


def test_users_of_item(nurse, ght, cmdb, agent_a, admin_user):
    users = users_of_item(cmdb.ehr, user=agent_a)
    assert [(u.care_unit, u.people_count) for u in users.care_units] == [
        (ght.icu_a, 2),  # the nurse and the doctor, life-critical first
        (ght.ward_a, 1),
    ]
    assert users.people_count == 3
    assert users.people == []
    assert users_of_item(cmdb.workstation, user=agent_a).people == [nurse]
    # A unit of B using an item of A is counted but not named for an A-only agent.
    relate(admin_user, cmdb.ehr, RelationKind.USED_BY, care_unit=ght.er_b)
    users = users_of_item(cmdb.ehr, user=agent_a)
    assert ght.er_b not in [u.care_unit for u in users.care_units]
    assert users.hidden_unit_count == 1
    assert ght.er_b in [u.care_unit for u in users_of_item(cmdb.ehr, user=admin_user).care_units]


def test_item_users_tab(client, nurse, ght, cmdb, agent_a):
    client.force_login(agent_a)
    html = client.get(reverse("cmdb:configurationitem_users", args=[cmdb.ehr.pk])).content.decode()
    assert "Réanimation" in html and "Médecine interne" in html
    assert "3 people in these units." in html
    html = client.get(
        reverse("cmdb:configurationitem_users", args=[cmdb.workstation.pk])
    ).content.decode()
    assert "Claire" in html
    b_url = reverse("cmdb:configurationitem_users", args=[cmdb.workstation_b.pk])
    assert client.get(b_url).status_code == 404
