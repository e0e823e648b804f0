"""The desk's configuration: category trees (kind, cycles, depth, GHT-wide
changes, the default trees and the demo), assignment groups (team,
establishment, manager, members) and what each role may do."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from caducee.core import roles
from caducee.core.context import acting_as
from caducee.core.demo import DemoContext
from caducee.core.services.errors import PermissionDenied
from caducee.desk import demo
from caducee.desk.models import AssignmentGroup, Category, TicketKind
from caducee.desk.services.categories import (
    DEFAULT_CATEGORIES,
    create_category,
    install_default_categories,
    update_category,
)
from caducee.desk.services.groups import create_group, update_group
from caducee.org.models import Team

pytestmark = pytest.mark.django_db


# --- categories --------------------------------------------------------------------------
@pytest.fixture
def manager_ght(ght, make_user):
    return make_user(roles.DSI_MANAGER, whole_ght=True)


def add(actor, name, kind=TicketKind.INCIDENT, parent=None) -> Category:
    return create_category(Category(kind=kind, name=name, parent=parent), actor=actor)


def test_a_category_tree_reads_as_a_path(manager_ght):
    workstation = add(manager_ght, "Poste de travail")
    boot = add(manager_ght, "Ne démarre pas", parent=workstation)
    assert boot.full_name == "Poste de travail > Ne démarre pas"
    assert (workstation.depth, boot.depth) == (1, 2)


def test_a_child_has_its_parents_kind(manager_ght):
    printers = add(manager_ght, "Imprimante", kind=TicketKind.REQUEST)
    with pytest.raises(ValidationError) as exc:
        add(manager_ght, "N'imprime pas", parent=printers)
    assert list(exc.value.message_dict) == ["parent"]


def test_no_cycle_and_at_most_three_levels(manager_ght):
    a = add(manager_ght, "Logiciel métier")
    b = add(manager_ght, "DPI", parent=a)
    c = add(manager_ght, "Prescription", parent=b)
    with pytest.raises(ValidationError):
        add(manager_ght, "Trop profond", parent=c)
    a.parent = c
    with pytest.raises(ValidationError) as exc:
        update_category(a, actor=manager_ght)
    assert "parent" in exc.value.message_dict
    other = add(manager_ght, "Réseau")
    b.parent = other  # a two-level branch fits under a root…
    update_category(b, actor=manager_ght)
    sub = add(manager_ght, "Wi-Fi", parent=other)
    b.parent = sub  # …but not one level lower
    with pytest.raises(ValidationError):
        update_category(b, actor=manager_ght)


def test_names_are_unique_among_siblings(manager_ght):
    add(manager_ght, "Réseau")
    with pytest.raises(ValidationError):
        add(manager_ght, "Réseau")
    add(manager_ght, "Réseau", kind=TicketKind.PROBLEM)  # another tree


def test_categories_are_changed_by_the_whole_ght_only(ght, make_user):
    local = make_user(roles.DSI_MANAGER, establishments=[ght.a])
    agent = make_user(roles.DESK_AGENT, whole_ght=True)
    for actor in (local, agent):
        with pytest.raises(PermissionDenied):
            add(actor, "Téléphonie")


def test_default_categories_install_once():
    created = install_default_categories()
    assert len(created) == Category.objects.count() > 50
    assert install_default_categories() == []
    names = {c.full_name for c in Category.objects.filter(kind=TicketKind.INCIDENT)}
    assert {
        "Poste de travail > Ne démarre pas",
        "Imprimante",
        "Logiciel métier > DPI",
        "Réseau",
        "Téléphonie",
        "Accès / habilitations",
        "Matériel biomédical",
    } <= names
    assert set(DEFAULT_CATEGORIES) == set(TicketKind.values)


def test_the_demo_contributes_the_categories():
    ctx = DemoContext(scale="small", seed=1, random=None, faker=None)
    demo.contribute(ctx)
    categories = ctx.data["desk"]["categories"]
    assert categories[(TicketKind.REQUEST, "Accès / habilitations > Arrivée d'un agent")]


# --- assignment groups -------------------------------------------------------------------
@pytest.fixture
def team_a(ght, admin_user):
    with acting_as(admin_user):
        team = Team.objects.create(code="proximite-a", name="Proximité A", establishment=ght.a)
        team.members.set([ght.nurse_a])
    return team


def test_a_local_team_makes_a_group_of_its_establishment(ght, team_a, admin_user):
    for establishment in (ght.b, None):
        with pytest.raises(ValidationError) as exc:
            create_group(
                AssignmentGroup(team=team_a, establishment=establishment), actor=admin_user
            )
        assert "establishment" in exc.value.message_dict
    group = create_group(AssignmentGroup(team=team_a, establishment=ght.a), actor=admin_user)
    assert str(group) == "Proximité A" and group.serves(ght.a.pk) and not group.serves(ght.b.pk)


def test_the_manager_is_active_and_sees_the_groups_tickets(ght, team_a, admin_user, make_user):
    manager_b = make_user(roles.GROUP_MANAGER, establishments=[ght.b])
    with pytest.raises(ValidationError) as exc:
        create_group(
            AssignmentGroup(team=team_a, establishment=ght.a, manager=manager_b), actor=admin_user
        )
    assert list(exc.value.message_dict) == ["manager"]
    manager_a = make_user(roles.GROUP_MANAGER, establishments=[ght.a])
    group = create_group(
        AssignmentGroup(team=team_a, establishment=ght.a, manager=manager_a), actor=admin_user
    )
    manager_a.is_active = False
    manager_a.save()
    group.manager = manager_a
    with pytest.raises(ValidationError):
        update_group(group, actor=admin_user)


def test_a_shared_group_is_the_whole_ghts_business(ght, admin_user, make_user):
    with acting_as(admin_user):
        shared = Team.objects.create(code="systemes", name="Systèmes")
    local_manager = make_user(roles.DSI_MANAGER, establishments=[ght.a])
    with pytest.raises(PermissionDenied):
        create_group(AssignmentGroup(team=shared), actor=local_manager)
    with pytest.raises(ValidationError):
        create_group(AssignmentGroup(team=shared, manager=local_manager), actor=admin_user)
    assert create_group(AssignmentGroup(team=shared), actor=admin_user).serves(ght.b.pk)


def test_members_are_the_teams_people_with_an_account(desk):
    assert set(desk.desk_a.members()) == {desk.agent, desk.engineer}  # member and lead
    assert desk.desk_a.has_member(desk.agent)
    assert not desk.desk_a.has_member(desk.outsider)
    assert not desk.network.has_member(desk.agent)


# --- roles -------------------------------------------------------------------------------
def perms(role: str) -> set[str]:
    roles.sync_roles()
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
        if app == "desk"
    }


def test_roles_work_tickets_as_the_desk_expects():
    work = {"desk.view_ticket", "desk.add_ticket", "desk.change_ticket"}
    for role in (roles.DESK_AGENT, roles.SUPPORT_ENGINEER, roles.GROUP_MANAGER):
        granted = perms(role)
        assert work <= granted
        assert "desk.delete_ticket" not in granted
        assert "desk.change_prioritymatrixcell" not in granted
    assert perms(roles.REQUESTER) == {"desk.view_ticket", "desk.add_ticket", "desk.view_category"}
    assert all(p.split(".")[1].startswith("view_") for p in perms(roles.AUDITOR))
    assert "desk.view_ticket" in perms(roles.AUDITOR)
    for role in (roles.DSI_MANAGER, roles.ADMINISTRATOR):
        assert {"desk.change_prioritymatrixcell", "desk.add_category"} <= perms(role)
    assert perms(roles.VENDOR_ENGINEER) == set()
