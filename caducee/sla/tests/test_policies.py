"""Which policy holds a ticket: the first active one, in position order,
whose conditions hold — kind, priority, category or one under it,
establishment — with empty conditions matching anything; OLAs by group and
priority, else the group's default. Policies and OLAs are created, changed
and deleted through the services: refused field by field, audited, scoped;
and the default policies of a new GHT install once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from caducee.cmdb.models import Priority
from caducee.core import roles
from caducee.core.models import AuditEvent
from caducee.core.services.errors import Conflict, PermissionDenied
from caducee.desk.models import Category, Ticket, TicketKind
from caducee.desk.services.categories import create_category
from caducee.sla.demo import install_default_olas, install_default_policies
from caducee.sla.models import OperationalTarget, SlaPolicy
from caducee.sla.services.calendars import install_default_calendars
from caducee.sla.services.policies import (
    create_operational_target,
    create_policy,
    delete_policy,
    match_operational_target,
    match_policy,
    update_policy,
)

pytestmark = pytest.mark.django_db


def ticket(kind=TicketKind.INCIDENT, priority=Priority.P4, category=None, establishment=None):
    """An unsaved ticket: matching reads only its fields."""
    return Ticket(
        kind=kind,
        priority=priority,
        category=category,
        establishment_id=establishment,
    )


@pytest.fixture
def tree(admin_user):
    root = create_category(
        Category(kind=TicketKind.INCIDENT, name="Logiciel métier"), actor=admin_user
    )
    child = create_category(
        Category(kind=TicketKind.INCIDENT, name="DPI", parent=root), actor=admin_user
    )
    leaf = create_category(
        Category(kind=TicketKind.INCIDENT, name="Prescription", parent=child), actor=admin_user
    )
    other = create_category(Category(kind=TicketKind.INCIDENT, name="Réseau"), actor=admin_user)
    return root, child, leaf, other


def test_the_first_active_match_in_position_order_applies(policies, ght):
    a = ght.a.pk
    assert match_policy(ticket(priority=Priority.P1, establishment=a)) == policies.p1
    assert match_policy(ticket(priority=Priority.P2, establishment=a)) == policies.p2
    assert match_policy(ticket(priority=Priority.P3, establishment=a)) == policies.incidents
    assert match_policy(ticket(kind=TicketKind.REQUEST, establishment=a)) == policies.requests
    assert match_policy(ticket(kind=TicketKind.PROBLEM, establishment=a)) is None
    policies.p1.is_active = False
    policies.p1.save()
    assert match_policy(ticket(priority=Priority.P1, establishment=a)) == policies.incidents


def test_a_category_condition_covers_the_categories_under_it(policies, tree, ght, admin_user):
    root, child, leaf, other = tree
    imaging = create_policy(
        SlaPolicy(
            name="Logiciel métier",
            position=50,
            calendar=policies.always,
            category=root,
            resolution_minutes=120,
        ),
        actor=admin_user,
    )
    for category in (root, child, leaf):
        assert match_policy(ticket(category=category, establishment=ght.a.pk)) == imaging
    assert match_policy(ticket(category=other, establishment=ght.a.pk)) == policies.incidents
    assert match_policy(ticket(establishment=ght.a.pk)) == policies.incidents


def test_an_establishment_condition(policies, ght, admin_user):
    b_only = create_policy(
        SlaPolicy(
            name="CH 3R",
            position=5,
            calendar=policies.calendars.urgences_b,
            establishment=ght.b,
            resolution_minutes=60,
        ),
        actor=admin_user,
    )
    assert match_policy(ticket(establishment=ght.b.pk)) == b_only
    assert match_policy(ticket(establishment=ght.a.pk)) == policies.incidents


def test_an_ola_for_the_priority_comes_before_the_groups_default(policies, desk, admin_user):
    p1 = create_operational_target(
        OperationalTarget(
            assignment_group=desk.desk_a,
            priority=Priority.P1,
            calendar=policies.always,
            resolution_minutes=30,
        ),
        actor=admin_user,
    )
    assert match_operational_target(desk.desk_a.pk, Priority.P1) == p1
    assert match_operational_target(desk.desk_a.pk, Priority.P3) == policies.ola_desk
    assert match_operational_target(desk.network.pk, Priority.P3) is None
    assert match_operational_target(None, Priority.P3) is None


def test_refused_field_by_field(policies, tree, ght, admin_user):
    cases = [
        ({}, "resolution_minutes"),
        ({"response_minutes": 600, "resolution_minutes": 60}, "response_minutes"),
        (
            {"kind": TicketKind.REQUEST, "category": tree[0], "resolution_minutes": 60},
            "category",
        ),
        (
            {
                "establishment": ght.a,
                "calendar": policies.calendars.urgences_b,
                "resolution_minutes": 60,
            },
            "calendar",
        ),
        ({"resolution_minutes": 60, "warning_percent": 100}, "warning_percent"),
    ]
    for fields, at_fault in cases:
        values = {"name": "x", "calendar": policies.always, **fields}
        with pytest.raises(ValidationError) as caught:
            create_policy(SlaPolicy(**values), actor=admin_user)
        assert at_fault in caught.value.message_dict, fields
    with pytest.raises(ValidationError) as caught:
        create_operational_target(
            OperationalTarget(
                assignment_group=policies.ola_desk.assignment_group,
                calendar=policies.always,
                resolution_minutes=60,
            ),
            actor=admin_user,
        )
    assert caught.value.message_dict  # one default OLA per group


def test_changes_are_audited_and_need_the_role(policies, make_user, ght):
    agent = make_user(roles.DESK_AGENT, establishments=[ght.a])
    manager = make_user(roles.DSI_MANAGER, whole_ght=True)
    policy = policies.requests
    policy.resolution_minutes = 3000
    with pytest.raises(PermissionDenied):
        update_policy(policy, actor=agent)
    update_policy(policy, actor=manager)
    event = (
        AuditEvent.objects.filter(object_type="sla.slapolicy", object_id=str(policy.pk))
        .order_by("seq")
        .last()
    )
    assert event.changes == {"resolution_minutes": [2400, 3000]}
    assert event.actor_id == manager.pk


def test_an_establishment_manager_may_not_change_a_ght_policy(policies, make_user, ght):
    manager_a = make_user(roles.DSI_MANAGER, establishments=[ght.a])
    policy = policies.requests
    policy.name = "Mine"
    with pytest.raises(PermissionDenied):
        update_policy(policy, actor=manager_a)


def test_a_policy_that_clocks_refer_to_is_retired_not_deleted(policies, new_ticket, admin_user):
    new_ticket()  # P2: clocks on the P2 policy
    with pytest.raises(Conflict):
        delete_policy(policies.p2, actor=admin_user)
    delete_policy(policies.requests, actor=admin_user)
    assert not SlaPolicy.objects.filter(pk=policies.requests.pk).exists()


def test_the_default_policies_and_olas_install_once(ght, desk):
    install_default_calendars()
    first = install_default_policies()
    assert len(first) == 7
    assert install_default_policies() == []
    p1 = match_policy(ticket(priority=Priority.P1, establishment=ght.a.pk))
    assert p1.calendar.always_open and p1.response_minutes == 15
    p4 = match_policy(ticket(priority=Priority.P4, establishment=ght.a.pk))
    assert not p4.calendar.always_open
    assert match_policy(ticket(kind=TicketKind.PROBLEM, establishment=ght.a.pk)).name == "Problèmes"
    olas = install_default_olas()
    assert [o.assignment_group for o in olas] == [desk.desk_a]  # the level-1 group only
    assert install_default_olas() == []
