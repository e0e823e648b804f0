"""The fixed roles of a hospital IT department exist after ``migrate`` with
the permissions each app's ``roles.py`` gives them."""

import pytest
from django.contrib.auth.models import Group, Permission

from caducee.core import roles

pytestmark = pytest.mark.django_db


def perms(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_every_role_group_exists_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)
    assert len(roles.ROLES) == 12


def test_auditor_reads_the_trail_and_changes_nothing():
    granted = perms(roles.AUDITOR)
    assert "core.view_auditevent" in granted
    assert "org.view_person" in granted
    assert not {p for p in granted if not p.split(".")[1].startswith("view_")}


def test_desk_agent_keeps_contact_details_current():
    granted = perms(roles.DESK_AGENT)
    assert {"org.view_person", "org.change_person", "org.add_person"} <= granted
    assert "org.delete_person" not in granted
    assert "org.change_establishment" not in granted
    assert "core.view_auditevent" not in granted


def test_vendor_engineer_has_no_org_permission():
    assert not {p for p in perms(roles.VENDOR_ENGINEER) if p.startswith("org.")}


def test_requester_reads_only_places_and_units():
    assert {p for p in perms(roles.REQUESTER) if p.startswith("org.")} == {
        "org.view_establishment",
        "org.view_site",
        "org.view_careunit",
    }


def test_administrator_and_dsi_manager_maintain_the_structure():
    for role in (roles.ADMINISTRATOR, roles.DSI_MANAGER):
        granted = perms(role)
        assert {"org.add_establishment", "org.delete_person", "org.change_team"} <= granted
    assert "core.change_user" in perms(roles.ADMINISTRATOR)
    assert "core.change_user" not in perms(roles.DSI_MANAGER)


def test_sync_is_idempotent_and_restores_a_tampered_role():
    group = Group.objects.get(name=roles.VENDOR_ENGINEER)
    group.permissions.add(Permission.objects.get(codename="view_person"))
    roles.sync_roles()
    roles.sync_roles()
    assert not {p for p in perms(roles.VENDOR_ENGINEER) if p.startswith("org.")}
    assert Group.objects.filter(name__in=roles.ROLES).count() == 12


def test_role_labels_are_human():
    from django.utils import translation

    with translation.override("en"):
        assert roles.role_label(roles.DESK_AGENT) == "Service desk agent"
    assert roles.role_label("unknown") == "unknown"
