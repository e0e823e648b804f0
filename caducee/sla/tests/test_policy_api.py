"""The policies, OLAs and clocks API as a script or the desk uses it: scoped
reads (out of scope: 404), writes through the services refused field by
field with a 400, a policy in use a 409, and a ticket's clocks read only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caducee.core.models import AuditEvent
from caducee.sla.models import SlaPolicy
from caducee.sla.services.policies import create_policy

pytestmark = pytest.mark.django_db

POLICIES = reverse("slapolicy-list")
OLAS = reverse("operationaltarget-list")
CLOCKS = reverse("slaclock-list")
JSON = "application/json"


def error(response, status):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["status"] == status and body["message"]
    return body


def test_policies_are_read_in_order_and_scoped(client, policies, agent_a, admin_user, ght):
    b_only = create_policy(
        SlaPolicy(
            name="Urgences 3R",
            position=1,
            establishment=ght.b,
            calendar=policies.calendars.urgences_b,
            resolution_minutes=60,
        ),
        actor=admin_user,
    )
    client.force_login(agent_a)
    body = client.get(POLICIES).json()
    assert [row["name"] for row in body["results"]] == [
        "P1 incidents",
        "P2 incidents",
        "Incidents",
        "Requests",
    ]
    assert body["results"][0]["response_minutes"] == 15
    error(client.get(reverse("slapolicy-detail", args=[b_only.pk])), 404)
    names = [r["name"] for r in client.get(POLICIES, {"kind": "request"}).json()["results"]]
    assert names == ["Requests"]


def test_writes_are_refused_field_by_field(client, policies, manager_ght, agent_a):
    payload = {
        "name": "Imagerie",
        "calendar": policies.always.pk,
        "response_minutes": 600,
        "resolution_minutes": 60,
    }
    client.force_login(agent_a)
    error(client.post(POLICIES, payload, content_type=JSON), 403)
    client.force_login(manager_ght)
    body = error(client.post(POLICIES, payload, content_type=JSON), 400)
    assert "response_minutes" in body["fields"]
    body = error(
        client.post(
            POLICIES, {**payload, "warning_percent": 0, "response_minutes": 10}, content_type=JSON
        ),
        400,
    )
    assert "warning_percent" in body["fields"]
    body = error(
        client.post(
            POLICIES, {**payload, "calendar": 999999, "response_minutes": 10}, content_type=JSON
        ),
        400,
    )
    assert "calendar" in body["fields"]

    created = client.post(POLICIES, {**payload, "response_minutes": 10}, content_type=JSON)
    assert created.status_code == 201, created.content
    policy = SlaPolicy.objects.get(pk=created.json()["id"])
    assert AuditEvent.objects.filter(object_type="sla.slapolicy", object_id=str(policy.pk)).exists()
    changed = client.patch(
        reverse("slapolicy-detail", args=[policy.pk]), {"position": 5}, content_type=JSON
    )
    assert changed.status_code == 200 and changed.json()["position"] == 5


def test_a_policy_in_use_is_a_conflict(client, policies, manager_ght, new_ticket):
    new_ticket()
    client.force_login(manager_ght)
    error(client.delete(reverse("slapolicy-detail", args=[policies.p2.pk])), 409)
    assert (
        client.delete(reverse("slapolicy-detail", args=[policies.requests.pk])).status_code == 204
    )


def test_olas(client, policies, desk, manager_ght):
    client.force_login(manager_ght)
    rows = client.get(OLAS).json()["results"]
    assert [(r["assignment_group"], r["resolution_minutes"]) for r in rows] == [
        (desk.desk_a.pk, 240)
    ]
    duplicate = {
        "assignment_group": desk.desk_a.pk,
        "calendar": policies.always.pk,
        "resolution_minutes": 30,
    }
    error(client.post(OLAS, duplicate, content_type=JSON), 400)
    created = client.post(OLAS, {**duplicate, "priority": 1}, content_type=JSON)
    assert created.status_code == 201, created.content
    error(client.post(OLAS, {**duplicate, "priority": 9}, content_type=JSON), 400)


def test_a_tickets_clocks_read_only_and_scoped(client, policies, new_ticket, agent_a, agent_b):
    ticket = new_ticket()
    other = new_ticket()
    client.force_login(agent_a)
    rows = client.get(CLOCKS, {"ticket": ticket.pk}).json()["results"]
    assert {(r["ticket"], r["kind"], r["state"]) for r in rows} == {
        (ticket.pk, "response", "running"),
        (ticket.pk, "resolution", "running"),
    }
    resolution = next(r for r in rows if r["kind"] == "resolution")
    assert resolution["target_minutes"] == 480 and resolution["due_at"]
    assert other.pk not in {r["ticket"] for r in rows}
    error(client.get(CLOCKS, {"ticket": "abc"}), 400)
    assert client.post(CLOCKS, {}, content_type=JSON).status_code in (403, 405)  # read only
    client.force_login(agent_b)  # establishment B: A's ticket is out of scope
    assert client.get(CLOCKS, {"ticket": ticket.pk}).json()["results"] == []
    error(client.get(reverse("slaclock-detail", args=[resolution["id"]])), 404)
