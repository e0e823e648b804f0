"""Recording and editing tickets: what the service owns, what the model
validates, establishment scope, requesters, optimistic concurrency and who
may be assigned."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from caducee.core import roles
from caducee.core.models import AuditEvent
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.desk.models import Category, Channel, Status, Tag, Ticket, TicketKind
from caducee.desk.services.tickets import (
    assign,
    create_ticket,
    set_items,
    start,
    update_ticket,
)
from caducee.org.models import Person

pytestmark = pytest.mark.django_db


def incident(ght, **fields) -> Ticket:
    values = {
        "kind": TicketKind.INCIDENT,
        "title": "DPI inaccessible",
        "establishment": ght.a,
        "requester": ght.nurse_a,
    }
    values.update(fields)
    return Ticket(**values)


# --- creation ------------------------------------------------------------------------------
def test_creation_owns_number_status_priority_and_version(ght, desk, cmdb):
    submitted = incident(
        ght,
        number="INC-1999-999999",
        status=Status.RESOLVED,
        priority=5,
        version=42,
        channel=Channel.PHONE,
        location=ght.room_a,
        care_unit=ght.icu_a,
    )
    ticket = create_ticket(submitted, actor=desk.agent, items=[cmdb.ehr], tags=["DPI  v12"])
    ticket.refresh_from_db()
    assert ticket.number.startswith("INC-") and ticket.number.endswith("-000001")
    assert (ticket.status, ticket.version, ticket.created_by) == (Status.NEW, 1, desk.agent)
    assert ticket.priority == ticket.computed_priority != 5
    assert list(ticket.configuration_items.all()) == [cmdb.ehr]
    assert [t.name for t in ticket.tags.all()] == ["dpi-v12"]
    created = AuditEvent.objects.get(object_type="desk.ticket", action="create")
    assert created.changes["number"] == [None, ticket.number]
    assert created.actor_id == desk.agent.pk and created.establishment_id == ght.a.pk


def test_a_group_chosen_at_creation_assigns_the_ticket(ght, desk):
    ticket = create_ticket(
        incident(ght, assignment_group=desk.desk_a, assignee=desk.agent), actor=desk.agent
    )
    assert (ticket.status, ticket.assignee, ticket.version) == (Status.ASSIGNED, desk.agent, 2)
    assert AuditEvent.objects.get(event="desk.status_changed").data["to"] == "assigned"


def test_an_assignee_without_a_group_is_refused(ght, desk):
    with pytest.raises(DomainError) as exc:
        create_ticket(incident(ght, assignee=desk.agent), actor=desk.agent)
    assert exc.value.field == "assignee"
    assert not Ticket.objects.exists()


def test_who_is_asking_is_required_except_for_monitoring(ght, desk):
    with pytest.raises(ValidationError) as exc:
        create_ticket(incident(ght, requester=None), actor=desk.agent)
    assert list(exc.value.message_dict) == ["requester"]
    alert = create_ticket(
        incident(ght, requester=None, channel=Channel.MONITORING, title="Ping perdu"),
        actor=desk.agent,
    )
    assert alert.pk and alert.requester is None


def test_fields_must_agree_with_the_establishment_and_the_kind(ght, desk):
    wrong_kind = Category.objects.create(kind=TicketKind.REQUEST, name="Nouveau poste")
    with pytest.raises(ValidationError) as exc:
        create_ticket(
            incident(ght, location=ght.room_b, care_unit=ght.er_b, category=wrong_kind),
            actor=desk.agent,
        )
    assert set(exc.value.message_dict) == {"location", "care_unit", "category"}
    assert not Ticket.objects.exists()


def test_problem_fields_belong_to_problems(ght, desk):
    with pytest.raises(ValidationError) as exc:
        create_ticket(incident(ght, root_cause="Firmware"), actor=desk.agent)
    assert "root_cause" in exc.value.message_dict
    problem = Ticket(
        kind=TicketKind.PROBLEM, title="Coupures Wi-Fi", establishment=ght.a, known_error=True
    )
    with pytest.raises(ValidationError) as exc:
        create_ticket(problem, actor=desk.agent)
    assert "known_error" in exc.value.message_dict
    problem.workaround = "Basculer sur le SSID de secours"
    problem = create_ticket(problem, actor=desk.agent)
    assert problem.known_error and problem.number.startswith("PRB-")


def test_a_retired_category_is_not_offered(ght, desk):
    old = Category.objects.create(kind=TicketKind.INCIDENT, name="Minitel", is_active=False)
    with pytest.raises(DomainError) as exc:
        create_ticket(incident(ght, category=old), actor=desk.agent)
    assert exc.value.field == "category"


def test_items_of_another_establishment_are_refused(ght, desk, cmdb):
    with pytest.raises(DomainError) as exc:
        create_ticket(incident(ght), actor=desk.agent, items=[cmdb.workstation_b])
    assert exc.value.field == "configuration_items"
    ticket = create_ticket(incident(ght), actor=desk.agent)
    with pytest.raises(DomainError):
        set_items(ticket, actor=desk.agent, items=[cmdb.core_b.pk])
    for wrong in ([999_999], ["pc-rea-01"], [None]):
        with pytest.raises(DomainError) as exc:
            set_items(ticket, actor=desk.agent, items=wrong)
        assert exc.value.field == "configuration_items"


# --- scope ------------------------------------------------------------------------------
def test_the_establishment_is_required(ght, desk):
    with pytest.raises(DomainError) as exc:
        create_ticket(incident(ght, establishment=None), actor=desk.agent)
    assert exc.value.field == "establishment"


def test_an_agent_of_a_cannot_create_a_ticket_of_b(ght, desk):
    with pytest.raises(PermissionDenied) as exc:
        create_ticket(incident(ght, establishment=ght.b, requester=ght.clerk_b), actor=desk.agent)
    assert exc.value.field == "establishment"
    assert not Ticket.objects.exists()


def test_an_agent_of_a_cannot_change_a_ticket_of_b(ght, desk):
    ticket_b = create_ticket(
        incident(ght, establishment=ght.b, requester=ght.clerk_b), actor=desk.agent_b
    )
    for change in (
        lambda: update_ticket(ticket_b, actor=desk.agent, changes={"title": "Vu de A"}),
        lambda: start(ticket_b, actor=desk.agent),
        lambda: set_items(ticket_b, actor=desk.agent, items=[]),
    ):
        with pytest.raises(PermissionDenied):
            change()
    assert Ticket.objects.get(pk=ticket_b.pk).title == "DPI inaccessible"
    assert set(Ticket.objects.restrict(desk.agent)) == set()
    assert set(Ticket.objects.restrict(desk.agent_b)) == {ticket_b}


def test_a_ticket_cannot_be_moved_into_a_foreign_establishment(ght, desk):
    ticket = create_ticket(incident(ght), actor=desk.agent)
    with pytest.raises(PermissionDenied):
        update_ticket(
            ticket,
            actor=desk.agent,
            changes={"establishment": ght.b, "requester": ght.clerk_b},
        )
    assert Ticket.objects.get(pk=ticket.pk).establishment == ght.a


def test_requesters_ask_for_themselves_and_see_their_own(ght, desk, make_user, admin_user):
    nurse = make_user(roles.REQUESTER, establishments=[ght.a])
    ght.nurse_a.user = nurse
    ght.nurse_a.save()
    with pytest.raises(PermissionDenied) as exc:
        create_ticket(incident(ght, requester=ght.doctor_a), actor=nurse)
    assert exc.value.field == "requester"
    mine = create_ticket(incident(ght), actor=nurse)
    other = create_ticket(incident(ght, requester=ght.doctor_a), actor=desk.agent)
    assert set(Ticket.objects.restrict(nurse)) == {mine}
    assert set(Ticket.objects.restrict(desk.agent)) == {mine, other}
    auditor = make_user(roles.AUDITOR, establishments=[ght.a])
    assert set(Ticket.objects.restrict(auditor)) == {mine, other}
    with pytest.raises(PermissionDenied):
        update_ticket(mine, actor=nurse, changes={"title": "Urgent !!!"})


# --- edits and concurrency -------------------------------------------------------------
def test_two_updates_from_the_same_version_the_second_is_refused(ght, desk):
    ticket = create_ticket(incident(ght), actor=desk.agent)
    seen = ticket.version
    first = update_ticket(
        ticket, actor=desk.agent, changes={"title": "DPI lent"}, expected_version=seen
    )
    assert first.version == seen + 1
    with pytest.raises(Conflict) as exc:
        update_ticket(
            ticket, actor=desk.engineer, changes={"title": "DPI planté"}, expected_version=seen
        )
    assert exc.value.code == "stale"
    assert ticket.number in str(exc.value)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.title, stored.version) == ("DPI lent", seen + 1)


def test_stale_instances_never_undo_each_others_fields(ght, desk):
    ticket = create_ticket(incident(ght), actor=desk.agent)
    copy = Ticket.objects.get(pk=ticket.pk)
    update_ticket(ticket, actor=desk.agent, changes={"title": "DPI lent"})
    update_ticket(copy, actor=desk.engineer, changes={"description": "Depuis 8 h"})
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.title, stored.description, stored.version) == ("DPI lent", "Depuis 8 h", 3)


def test_every_service_write_moves_the_version(ght, desk, cmdb):
    ticket = create_ticket(incident(ght), actor=desk.agent)
    versions = [ticket.version]
    ticket = set_items(ticket, actor=desk.agent, items=[cmdb.workstation])
    versions.append(ticket.version)
    ticket = assign(ticket, actor=desk.agent, group=desk.desk_a)
    versions.append(ticket.version)
    ticket = update_ticket(ticket, actor=desk.agent, changes={"watchers": [desk.engineer]})
    versions.append(ticket.version)
    assert versions == [1, 2, 3, 4]
    # Nothing to change: no write, no new version.
    assert update_ticket(ticket, actor=desk.agent, changes={"title": ticket.title}).version == 4
    assert set_items(ticket, actor=desk.agent, items=[cmdb.workstation]).version == 4


def test_only_editable_fields_are_edited(ght, desk):
    ticket = create_ticket(incident(ght), actor=desk.agent)
    for field in ("status", "priority", "number", "assignee", "version"):
        with pytest.raises(DomainError) as exc:
            update_ticket(ticket, actor=desk.agent, changes={field: None})
        assert exc.value.field == field


def test_tags_and_watchers_are_replaced_and_audited(ght, desk):
    ticket = create_ticket(incident(ght), actor=desk.agent, tags=["Panne DPI"])
    ticket = update_ticket(
        ticket,
        actor=desk.agent,
        changes={"tags": ["panne-dpi", "Cyber Attaque"], "watchers": [desk.engineer]},
    )
    assert sorted(t.name for t in ticket.tags.all()) == ["cyber-attaque", "panne-dpi"]
    assert list(ticket.watchers.all()) == [desk.engineer]
    assert Tag.objects.count() == 2
    m2m = AuditEvent.objects.filter(object_type="desk.ticket", object_id=str(ticket.pk))
    changed = {name for e in m2m for name in e.changes}
    assert {"tags", "watchers"} <= changed
    with pytest.raises(DomainError) as exc:
        update_ticket(ticket, actor=desk.agent, changes={"tags": ["x" * 60]})
    assert exc.value.field == "tags"


def test_a_new_ticket_holds_its_lists_as_the_database_has_them(
    ght, desk, cmdb, django_assert_num_queries
):
    # The service keeps what it wrote as the ticket's lists (the API answers
    # from them); an empty list must behave as an empty relation, not as the
    # whole table, whatever is asked of it.
    ticket = create_ticket(incident(ght), actor=desk.agent, items=[cmdb.workstation])
    with django_assert_num_queries(0):
        assert list(ticket.configuration_items.all()) == [cmdb.workstation]
        assert list(ticket.tags.all()) == [] and ticket.watchers.count() == 0
        assert not ticket.tags.filter(name__startswith="").exists()
    tag = Tag.objects.create(name="panne")
    assert Tag.objects.exists() and not ticket.tags.filter(pk=tag.pk).exists()
    ticket = update_ticket(ticket, actor=desk.agent, changes={"tags": ["panne"]})
    assert [t.name for t in ticket.tags.all()] == ["panne"]


# --- assignment ---------------------------------------------------------------------------
def test_an_assignee_outside_the_group_is_the_fields_error(ght, desk):
    ticket = create_ticket(incident(ght), actor=desk.agent)
    with pytest.raises(DomainError) as exc:
        assign(ticket, actor=desk.agent, group=desk.desk_a, assignee=desk.outsider)
    assert exc.value.field == "assignee"
    assert "not a member" in str(exc.value)
    with pytest.raises(DomainError) as exc:  # Alice is in the desk, not in the network team
        assign(ticket, actor=desk.agent, group=desk.network, assignee=desk.agent)
    assert exc.value.field == "assignee"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW
    # The team's lead belongs to it too.
    assert assign(ticket, actor=desk.agent, group=desk.desk_a, assignee=desk.engineer).assignee


def test_the_group_must_serve_the_establishment_and_be_active(ght, desk, admin_user):
    from caducee.desk.services.groups import update_group

    ticket_b = create_ticket(
        incident(ght, establishment=ght.b, requester=ght.clerk_b), actor=desk.agent_b
    )
    with pytest.raises(DomainError) as exc:
        assign(ticket_b, actor=desk.agent_b, group=desk.desk_a)
    assert exc.value.field == "assignment_group"
    desk.network.is_active = False
    update_group(desk.network, actor=admin_user)
    with pytest.raises(DomainError) as exc:
        assign(ticket_b, actor=desk.agent_b, group=desk.network)
    assert exc.value.field == "assignment_group"


def test_an_assignee_who_cannot_see_the_establishment_is_refused(ght, desk, admin_user):
    # Bérénice (establishment B only) joins the shared network team.
    berenice = Person.objects.get(user=desk.agent_b)
    desk.network.team.members.add(berenice)
    ticket = create_ticket(incident(ght), actor=desk.agent)
    with pytest.raises(DomainError) as exc:
        assign(ticket, actor=desk.agent, group=desk.network, assignee=desk.agent_b)
    assert exc.value.field == "assignee"
