"""Routing: the first active rule whose conditions hold gives a new ticket
its group; inside the group, round robin or least loaded picks the member;
the trail says which rule did it."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from django.db import connection, transaction

from caducee.cmdb.models import Priority
from caducee.core import roles
from caducee.core.context import acting_as
from caducee.core.models import AuditEvent
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.desk.models import (
    AssignmentGroup,
    AssignmentMethod,
    Category,
    Notification,
    NotificationKind,
    RoutingRule,
    Status,
    SupportLevel,
    Ticket,
    TicketKind,
)
from caducee.desk.services.groups import create_group, pick_assignee
from caducee.desk.services.routing import (
    SYSTEM_USERNAME,
    TicketFacts,
    create_rule,
    matches,
    move_rule,
    reroute,
    route,
    system_actor,
)
from caducee.desk.services.tickets import cancel, create_ticket, update_ticket
from caducee.org.models import Person, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(admin_user, desk):
    """rule(group=desk.network, **conditions) -> a saved routing rule."""
    counter = itertools.count(1)

    def make(group=None, **fields) -> RoutingRule:
        fields.setdefault("name", f"Règle {next(counter)}")
        return create_rule(
            RoutingRule(assignment_group=group or desk.network, **fields), actor=admin_user
        )

    return make


@pytest.fixture
def tree(admin_user):
    """Incident categories: Poste de travail > Matériel > Écran, and Réseau."""
    with acting_as(admin_user, source="test"):
        root = Category.objects.create(kind=TicketKind.INCIDENT, name="Poste de travail")
        child = Category.objects.create(kind=TicketKind.INCIDENT, name="Matériel", parent=root)
        leaf = Category.objects.create(kind=TicketKind.INCIDENT, name="Écran", parent=child)
        other = Category.objects.create(kind=TicketKind.INCIDENT, name="Réseau")
    return {"root": root, "child": child, "leaf": leaf, "other": other}


def make_crew(ght, make_user, admin_user, *, size=3, method=AssignmentMethod.ROUND_ROBIN, **kw):
    """A level-2 group of A assigning automatically, with ``size`` engineers of A."""
    users = [
        make_user(roles.SUPPORT_ENGINEER, establishments=[ght.a], username=f"tech{n}")
        for n in range(1, size + 1)
    ]
    with acting_as(admin_user, source="test"):
        people = [
            Person.objects.create(
                establishment=ght.a, first_name="Tech", last_name=str(n), user=user
            )
            for n, user in enumerate(users, start=1)
        ]
        team = Team.objects.create(
            code="postes-valmont", name="Postes Valmont", establishment=ght.a
        )
        team.members.set(people)
    group = create_group(
        AssignmentGroup(
            team=team,
            level=SupportLevel.L2,
            establishment=ght.a,
            auto_assign=True,
            assignment_method=method,
            **kw,
        ),
        actor=admin_user,
    )
    return group, users


def put_in(ticket: Ticket, status: str) -> Ticket:
    """Arrange a ticket in ``status`` (set-up only; the product uses ``transition``)."""
    Ticket.objects.filter(pk=ticket.pk).update(status=status)
    return Ticket.objects.get(pk=ticket.pk)


# --- Conditions (pure) ---------------------------------------------------------------
def facts(**overrides) -> TicketFacts:
    values = {
        "kind": TicketKind.INCIDENT,
        "establishment_id": 1,
        "priority": Priority.P3,
        "categories": frozenset({10, 11}),
        "item_ids": frozenset({100}),
        "item_types": frozenset({"printer"}),
    }
    values.update(overrides)
    return TicketFacts(**values)


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ({}, True),
        ({"kind": TicketKind.INCIDENT}, True),
        ({"kind": TicketKind.REQUEST}, False),
        ({"category_id": 10}, True),
        ({"category_id": 12}, False),
        ({"ci_type": "printer"}, True),
        ({"ci_type": "server"}, False),
        ({"configuration_item_id": 100}, True),
        ({"configuration_item_id": 101}, False),
        ({"establishment_id": 1}, True),
        ({"establishment_id": 2}, False),
        ({"kind": TicketKind.INCIDENT, "ci_type": "printer", "establishment_id": 2}, False),
    ],
)
def test_each_condition_holds_or_not(conditions, expected):
    assert matches(RoutingRule(**conditions), facts()) is expected


@pytest.mark.parametrize(
    ("threshold", "priority"), list(itertools.product(Priority.values, Priority.values))
)
def test_a_priority_condition_takes_that_priority_and_the_more_urgent(threshold, priority):
    # "P2 or higher" takes P1 and P2 (P1 is 1), never P3.
    assert matches(RoutingRule(priority=threshold), facts(priority=priority)) is (
        priority <= threshold
    )


# --- Rules applied to tickets --------------------------------------------------------
def test_without_rules_a_new_ticket_stays_new(new_ticket):
    ticket = new_ticket()
    assert ticket.status == Status.NEW and ticket.assignment_group is None
    assert not AuditEvent.objects.filter(event="desk.routed").exists()


def test_a_matching_rule_assigns_the_new_ticket_and_the_trail_names_it(new_ticket, rule, desk):
    chosen = rule(name="Incidents vers le réseau", kind=TicketKind.INCIDENT)
    ticket = new_ticket()
    assert ticket.status == Status.ASSIGNED
    assert ticket.assignment_group == desk.network
    assert ticket.support_level == SupportLevel.L2
    event = AuditEvent.objects.get(event="desk.routed", object_id=str(ticket.pk))
    assert event.data["rule"] == chosen.pk
    assert event.data["name"] == "Incidents vers le réseau"
    assert event.actor_id == desk.agent.pk
    assert Ticket.objects.get(pk=ticket.pk).assignment_group == desk.network


def test_the_first_rule_in_position_order_wins(new_ticket, rule, desk):
    rule(group=desk.network, position=20)
    rule(group=desk.desk_a, position=10)
    assert new_ticket().assignment_group == desk.desk_a


def test_equal_positions_are_tried_in_creation_order(new_ticket, rule, desk):
    first = rule(group=desk.desk_a, position=5)
    rule(group=desk.network, position=5)
    assert route(new_ticket(kind=TicketKind.PROBLEM, requester=None)) == first


def test_inactive_rules_are_skipped(new_ticket, rule, desk):
    rule(group=desk.desk_a, position=1, is_active=False)
    rule(group=desk.network, position=2)
    assert new_ticket().assignment_group == desk.network


def test_a_rule_whose_group_cannot_take_the_ticket_is_skipped(
    ght, new_ticket, rule, desk, admin_user
):
    with acting_as(admin_user, source="test"):
        team_b = Team.objects.create(
            code="desk-3r", name="Centre de services 3R", establishment=ght.b
        )
    group_b = create_group(
        AssignmentGroup(team=team_b, level=SupportLevel.L1, establishment=ght.b), actor=admin_user
    )
    rule(group=group_b, position=1)  # serves B only
    retired = rule(group=desk.desk_a, position=2)
    AssignmentGroup.objects.filter(pk=desk.desk_a.pk).update(is_active=False)
    fallback = rule(group=desk.network, position=3)
    ticket = new_ticket()
    assert ticket.assignment_group == desk.network
    event = AuditEvent.objects.get(event="desk.routed", object_id=str(ticket.pk))
    assert event.data["rule"] == fallback.pk != retired.pk


def test_a_category_rule_takes_the_categories_below_it(new_ticket, rule, desk, tree):
    rule(group=desk.desk_a, category=tree["root"])
    assert new_ticket(category=tree["leaf"]).assignment_group == desk.desk_a
    assert new_ticket(category=tree["child"]).assignment_group == desk.desk_a
    assert new_ticket(category=tree["root"]).assignment_group == desk.desk_a
    assert new_ticket(category=tree["other"]).assignment_group is None
    assert new_ticket().assignment_group is None


def test_a_rule_on_a_subcategory_does_not_take_its_parent(new_ticket, rule, desk, tree):
    rule(group=desk.desk_a, category=tree["child"])
    assert new_ticket(category=tree["root"]).assignment_group is None
    assert new_ticket(category=tree["leaf"]).assignment_group == desk.desk_a


def test_item_type_and_item_rules_look_at_the_tickets_items(new_ticket, rule, desk, cmdb):
    rule(group=desk.desk_a, configuration_item=cmdb.ecg, position=1)
    rule(group=desk.network, ci_type="printer", position=2)
    assert new_ticket(items=[cmdb.workstation, cmdb.printer]).assignment_group == desk.network
    assert new_ticket(items=[cmdb.ecg]).assignment_group == desk.desk_a
    assert new_ticket(items=[cmdb.workstation]).assignment_group is None


def test_establishment_and_priority_rules(ght, new_ticket, rule, desk):
    probe = new_ticket()  # the priority the matrix gives this caller
    rule(group=desk.network, establishment=ght.b, position=1)
    assert probe.priority > Priority.P1
    rule(group=desk.network, priority=probe.priority - 1, position=2)  # more urgent only
    rule(group=desk.desk_a, establishment=ght.a, priority=probe.priority, position=3)
    assert new_ticket().assignment_group == desk.desk_a


def test_rerouting_after_a_new_category(new_ticket, rule, desk, tree):
    rule(group=desk.desk_a, category=tree["other"])
    ticket = new_ticket(category=tree["root"])
    assert ticket.status == Status.NEW
    ticket = update_ticket(ticket, actor=desk.agent, changes={"category": tree["other"]})
    ticket = reroute(ticket, actor=desk.agent, expected_version=ticket.version)
    assert (ticket.status, ticket.assignment_group) == (Status.ASSIGNED, desk.desk_a)
    assert AuditEvent.objects.filter(event="desk.routed", object_id=str(ticket.pk)).count() == 1


def test_rerouting_without_a_matching_rule_or_on_a_final_ticket_is_refused(new_ticket, desk):
    ticket = new_ticket()
    with pytest.raises(DomainError) as error:
        reroute(ticket, actor=desk.agent)
    assert error.value.field == "assignment_group"
    ticket = cancel(ticket, actor=desk.agent, reason="Doublon")
    with pytest.raises(Conflict):
        reroute(ticket, actor=desk.agent)


def test_rerouting_a_resolved_ticket_is_refused(new_ticket, rule, desk):
    ticket = put_in(new_ticket(), Status.RESOLVED)
    rule()
    with pytest.raises(Conflict) as error:
        reroute(ticket, actor=desk.agent)
    assert error.value.code == "resolved"


def test_a_group_chosen_by_the_caller_is_kept(ght, rule, desk):
    rule(group=desk.network)
    ticket = create_ticket(
        Ticket(
            kind=TicketKind.INCIDENT,
            title="Écran noir",
            establishment=ght.a,
            requester=ght.nurse_a,
            assignment_group=desk.desk_a,
        ),
        actor=desk.agent,
    )
    assert ticket.assignment_group == desk.desk_a
    assert not AuditEvent.objects.filter(event="desk.routed").exists()


def test_a_requesters_own_ticket_is_routed_by_the_system_account(ght, make_user, rule, desk):
    user = make_user(roles.REQUESTER, establishments=[ght.a])
    Person.objects.filter(pk=ght.nurse_a.pk).update(user=user)
    rule(group=desk.desk_a)
    ticket = create_ticket(
        Ticket(
            kind=TicketKind.INCIDENT,
            title="Mon imprimante",
            establishment=ght.a,
            requester=Person.objects.get(pk=ght.nurse_a.pk),
        ),
        actor=user,
    )
    assert ticket.assignment_group == desk.desk_a
    event = AuditEvent.objects.get(event="desk.routed", object_id=str(ticket.pk))
    assert event.actor_label.endswith(f"({SYSTEM_USERNAME})")


def test_the_system_account_cannot_log_in_and_only_works_tickets(ght):
    system = system_actor()
    assert system.is_active and not system.has_usable_password()
    assert system.has_perm("desk.change_ticket") and not system.has_perm("desk.add_routingrule")
    assert system_actor().pk == system.pk
    system.is_active = False
    system.save()
    assert system_actor().is_active


def test_route_reads_the_rules_in_one_query(
    new_ticket, rule, desk, cmdb, tree, django_assert_max_num_queries
):
    for n in range(20):
        rule(group=desk.desk_a, ci_type="server", position=n)
    rule(group=desk.network, category=tree["root"], position=50)
    ticket = new_ticket(items=[cmdb.printer], category=tree["leaf"])
    ticket = Ticket.objects.get(pk=ticket.pk)
    with django_assert_max_num_queries(3):  # rules, category chain, items
        assert route(ticket).assignment_group == desk.network


# --- Rule list -----------------------------------------------------------------------
def test_moving_a_rule_swaps_it_with_its_neighbour(rule, admin_user, desk):
    first, second, third = rule(position=100), rule(position=100), rule(position=100)
    move_rule(third, actor=admin_user, direction="up")
    order = list(RoutingRule.objects.order_by("position", "pk").values_list("pk", flat=True))
    assert order == [first.pk, third.pk, second.pk]
    move_rule(first, actor=admin_user, direction="up")  # already first: unchanged
    move_rule(first, actor=admin_user, direction="down")
    order = list(RoutingRule.objects.order_by("position", "pk").values_list("pk", flat=True))
    assert order == [third.pk, first.pk, second.pk]
    with pytest.raises(PermissionDenied):
        move_rule(first, actor=desk.agent, direction="down")


# --- Automatic assignment ------------------------------------------------------------
def test_round_robin_takes_turns_and_wraps(ght, make_user, admin_user, new_ticket, rule):
    group, (one, two, three) = make_crew(ght, make_user, admin_user)
    rule(group=group)
    assignees = [new_ticket().assignee for _ in range(4)]
    assert assignees == [one, two, three, one]
    assert AssignmentGroup.objects.get(pk=group.pk).last_assignee == one


def test_round_robin_skips_who_cannot_work_the_ticket(ght, make_user, admin_user, new_ticket, rule):
    group, (one, two, three) = make_crew(ght, make_user, admin_user, size=3)
    two.is_active = False
    two.save()
    three.establishments.set([ght.b])  # now works for B only
    rule(group=group)
    assert [new_ticket().assignee for _ in range(2)] == [one, one]


def test_nobody_able_leaves_the_ticket_to_the_group(ght, make_user, admin_user, new_ticket, rule):
    group, users = make_crew(ght, make_user, admin_user, size=1)
    users[0].groups.clear()  # lost the role
    rule(group=group)
    ticket = new_ticket()
    assert (ticket.assignment_group, ticket.assignee) == (group, None)


def test_groups_without_automatic_assignment_pick_nobody(desk, ght):
    assert pick_assignee(desk.desk_a, establishment_id=ght.a.pk) is None


def test_least_loaded_takes_the_member_with_fewest_open_tickets(
    ght, make_user, admin_user, new_ticket, desk
):
    group, (one, two, three) = make_crew(
        ght, make_user, admin_user, method=AssignmentMethod.LEAST_LOADED
    )

    def give(user, count, status=Status.ASSIGNED):
        for _ in range(count):
            ticket = new_ticket(assignment_group=group, assignee=user)
            if status != Status.ASSIGNED:
                put_in(ticket, status)

    give(one, 2)
    give(two, 3, status=Status.RESOLVED)  # resolved: no longer a load
    give(three, 1)
    # two (0) first, then two and three tie at 1: round robin after two → three.
    assert new_ticket(assignment_group=group).assignee == two
    assert new_ticket(assignment_group=group).assignee == three
    assert new_ticket(assignment_group=group).assignee == two


def test_a_caller_may_name_the_group_and_let_it_pick(ght, make_user, admin_user, new_ticket):
    group, (one, _two, _three) = make_crew(ght, make_user, admin_user)
    ticket = new_ticket(assignment_group=group)
    assert ticket.assignee == one


def test_the_member_picked_is_notified(ght, make_user, admin_user, new_ticket, rule, desk):
    group, (one, _two, _three) = make_crew(ght, make_user, admin_user)
    rule(group=group)
    ticket = new_ticket()
    note = Notification.objects.get(recipient=one)
    assert (note.ticket, note.kind) == (ticket, NotificationKind.ASSIGNED)
    assert ticket.number in note.message
    # Who gives a ticket to themselves is not told.
    mine = new_ticket(actor=desk.agent, assignment_group=desk.desk_a, assignee=desk.agent)
    assert not Notification.objects.filter(ticket=mine).exists()


# --- Concurrency (PostgreSQL) --------------------------------------------------------
def _in_threads(count: int, work) -> list:
    """Run ``work()`` in ``count`` threads started together; their results."""
    barrier = threading.Barrier(count)
    results: list = []
    errors: list = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.extend(work())
        except Exception as exc:  # reported below, with the thread's exception
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method", AssignmentMethod.values)
def test_tickets_created_at_once_go_to_different_members(ght, make_user, admin_user, desk, method):
    group, users = make_crew(ght, make_user, admin_user, size=4, method=method)
    create_rule(RoutingRule(name="Tout", assignment_group=group), actor=admin_user)

    def work():
        ticket = create_ticket(
            Ticket(
                kind=TicketKind.INCIDENT,
                title="Appel simultané",
                establishment=ght.a,
                requester=ght.nurse_a,
            ),
            actor=desk.agent,
        )
        return [ticket.assignee_id]

    assignees = _in_threads(4, work)
    assert sorted(assignees) == sorted(u.pk for u in users)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method", AssignmentMethod.values)
def test_picks_made_at_once_wait_for_each_other(ght, make_user, admin_user, method):
    # Without ticket numbering in between (which serialises creations on its
    # own): the group's lock alone must keep two picks from taking one member.
    group, users = make_crew(ght, make_user, admin_user, size=4, method=method)

    def work():
        with transaction.atomic():
            chosen = pick_assignee(group, establishment_id=ght.a.pk)
            time.sleep(0.2)  # the other threads read meanwhile, or wait
            return [chosen.pk]

    assert sorted(_in_threads(4, work)) == sorted(u.pk for u in users)
