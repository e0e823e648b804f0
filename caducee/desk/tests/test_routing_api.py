"""Groups and routing rules through the API: read by agents within their
scope (others a 404), written by administrators and DSI managers, bad input
a 400 naming the field, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from caducee.core import roles
from caducee.core.context import acting_as
from caducee.core.models import AuditEvent
from caducee.desk.models import AssignmentGroup, RoutingRule, TicketKind
from caducee.desk.services.routing import create_rule
from caducee.org.models import Team

pytestmark = pytest.mark.django_db

GROUPS = reverse("assignmentgroup-list")
RULES = reverse("routingrule-list")


def group_url(group) -> str:
    return reverse("assignmentgroup-detail", args=[group.pk])


def rule_url(rule) -> str:
    return reverse("routingrule-detail", args=[rule.pk])


def login(client, user):
    client.force_login(user)
    return client


def error(response, status) -> dict:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["status"] == status and body["message"]
    return body


@pytest.fixture
def client():
    """An API client: bodies sent as JSON."""
    return APIClient()


@pytest.fixture
def team_b(ght, admin_user):
    with acting_as(admin_user, source="test"):
        return Team.objects.create(code="sys-3r", name="Systèmes 3R", establishment=ght.b)


@pytest.fixture
def rule_b(desk, admin_user, ght):
    return create_rule(
        RoutingRule(name="Tout 3R", establishment=ght.b, assignment_group=desk.network),
        actor=admin_user,
    )


# --- Groups --------------------------------------------------------------------------
def test_agents_read_groups_with_members_and_load(client, desk, new_ticket):
    new_ticket(assignment_group=desk.desk_a)
    response = login(client, desk.agent).get(GROUPS)
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()["results"]}
    assert set(rows) == {"Centre de services Valmont", "Réseau GHT"}
    desk_row = rows["Centre de services Valmont"]
    assert desk_row["open_tickets"] == 1
    assert {m["username"] for m in desk_row["members"]} == {"alice", "bruno"}
    assert desk_row["level"] == "l1" and desk_row["escalates_to"] is None


def test_groups_of_another_establishment_are_not_found(client, desk):
    login(client, desk.agent_b)
    assert {r["name"] for r in client.get(GROUPS).json()["results"]} == {"Réseau GHT"}
    error(client.get(group_url(desk.desk_a)), 404)
    error(client.patch(group_url(desk.desk_a), {"auto_assign": True}), 403)


def test_an_administrator_creates_and_changes_a_group(client, admin_user, desk, team_b, ght):
    login(client, admin_user)
    response = client.post(
        GROUPS,
        {
            "team": team_b.pk,
            "establishment": ght.b.pk,
            "level": "l2",
            "auto_assign": True,
            "assignment_method": "least_loaded",
            "escalates_to": desk.network.pk,
        },
    )
    assert response.status_code == 201, response.content
    group = AssignmentGroup.objects.get(pk=response.json()["id"])
    assert (group.escalates_to, group.auto_assign) == (desk.network, True)
    response = client.patch(group_url(group), {"is_active": False})
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert AuditEvent.objects.filter(
        object_type="desk.assignmentgroup", object_id=str(group.pk), action="update"
    ).exists()
    error(client.delete(group_url(group)), 405)


def test_agents_cannot_write_groups(client, desk, team_b):
    login(client, desk.agent)
    error(client.post(GROUPS, {"team": team_b.pk, "level": "l2"}), 403)
    error(client.patch(group_url(desk.desk_a), {"auto_assign": True}), 403)


def test_bad_group_input_names_the_field(client, admin_user, desk, team_b, ght, make_user):
    login(client, admin_user)
    body = error(client.post(GROUPS, {"team": team_b.pk, "establishment": ght.a.pk}), 400)
    assert "establishment" in body["fields"]
    body = error(client.post(GROUPS, {"team": 999999, "level": "l7"}), 400)
    assert {"team", "level"} <= set(body["fields"])
    body = error(
        client.patch(group_url(desk.desk_a), {"escalates_to": desk.desk_a.pk}),
        400,
    )
    assert "escalates_to" in body["fields"]
    body = error(client.patch(group_url(desk.desk_a), {"auto_assign": "maybe"}), 400)
    assert "auto_assign" in body["fields"]
    retired = make_user(roles.SUPPORT_ENGINEER, establishments=[ght.a])
    retired.is_active = False
    retired.save()
    body = error(client.patch(group_url(desk.desk_a), {"manager": retired.pk}), 400)
    assert "manager" in body["fields"]


# --- Routing rules -------------------------------------------------------------------
def test_agents_read_the_rules_in_order(client, desk, admin_user, rule_b):
    first = create_rule(
        RoutingRule(
            name="Imprimantes", position=1, ci_type="printer", assignment_group=desk.network
        ),
        actor=admin_user,
    )
    response = login(client, desk.engineer).get(RULES)  # whole GHT
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [first.pk, rule_b.pk]
    assert rows[0]["conditions"] == "an item of type Printer"
    login(client, desk.agent)
    assert [r["id"] for r in client.get(RULES).json()["results"]] == [first.pk]
    error(client.get(rule_url(rule_b)), 404)


def test_only_administrators_and_dsi_managers_write_rules(client, desk, make_user, ght):
    payload = {"name": "Réseau", "ci_type": "network_device", "assignment_group": desk.network.pk}
    error(login(client, desk.agent).post(RULES, payload), 403)
    manager = make_user(roles.DSI_MANAGER, whole_ght=True)
    response = login(client, manager).post(RULES, payload)
    assert response.status_code == 201, response.content
    rule = RoutingRule.objects.get(pk=response.json()["id"])
    response = client.patch(rule_url(rule), {"priority": 2})
    assert response.status_code == 200 and response.json()["priority"] == 2
    assert client.delete(rule_url(rule)).status_code == 204
    assert not RoutingRule.objects.filter(pk=rule.pk).exists()


def test_bad_rule_input_names_the_field(client, admin_user, desk, ght):
    login(client, admin_user)
    body = error(
        client.post(
            RULES, {"name": "B", "establishment": ght.b.pk, "assignment_group": desk.desk_a.pk}
        ),
        400,
    )
    assert "assignment_group" in body["fields"]
    body = error(
        client.post(RULES, {"name": "", "kind": "change", "priority": 9, "position": -1}), 400
    )
    assert {"name", "kind", "priority", "position", "assignment_group"} <= set(body["fields"])
    body = error(client.post(RULES, {"name": "X", "assignment_group": "abc"}), 400)
    assert "assignment_group" in body["fields"]


def test_a_rule_out_of_scope_is_not_found_for_writes_either(client, make_user, ght, rule_b):
    manager = make_user(roles.DSI_MANAGER, establishments=[ght.a])
    login(client, manager)
    error(client.patch(rule_url(rule_b), {"name": "Pris"}), 404)
    error(client.delete(rule_url(rule_b)), 404)
    assert RoutingRule.objects.get(pk=rule_b.pk).name == "Tout 3R"


def test_moving_a_rule_through_the_api(client, admin_user, desk, rule_b):
    second = create_rule(
        RoutingRule(name="Demandes", kind=TicketKind.REQUEST, assignment_group=desk.network),
        actor=admin_user,
    )
    login(client, admin_user)
    response = client.post(reverse("routingrule-move", args=[second.pk]), {"direction": "up"})
    assert response.status_code == 200, response.content
    assert [r["id"] for r in client.get(RULES).json()["results"]] == [second.pk, rule_b.pk]
    body = error(
        client.post(reverse("routingrule-move", args=[second.pk]), {"direction": "left"}), 400
    )
    assert "direction" in body["fields"]
