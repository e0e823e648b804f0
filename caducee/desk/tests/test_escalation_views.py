"""Escalating from the ticket page: the buttons, the two ways, the refusals
shown as messages (never a 500), and "route again"."""

import pytest
from django.urls import reverse

from caducee.core.models import AuditEvent
from caducee.desk.models import AssignmentGroup, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def escalating(desk):
    AssignmentGroup.objects.filter(pk=desk.desk_a.pk).update(
        escalates_to=desk.network, manager=desk.engineer
    )
    desk.desk_a.refresh_from_db()
    return desk


def post(client, ticket, **data):
    return client.post(
        reverse("desk:ticket_escalate", args=[ticket.pk]),
        {"version": ticket.version, **data},
        follow=True,
    )


def test_the_page_offers_both_escalations_for_an_assigned_ticket(client, escalating, new_ticket):
    ticket = new_ticket(assignment_group=escalating.desk_a)
    client.force_login(escalating.agent)
    page = client.get(reverse("desk:ticket_detail", args=[ticket.pk])).content.decode()
    assert 'data-escalate="next_level"' in page and "Réseau GHT" in page
    assert 'data-escalate="manager"' in page
    assert "data-reroute" in page


def test_functional_escalation_hands_the_ticket_to_the_next_level(client, escalating, new_ticket):
    ticket = new_ticket(assignment_group=escalating.desk_a)
    client.force_login(escalating.agent)
    response = post(client, ticket, how="next_level", reason="Switch d'étage en panne")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.assignment_group == escalating.network
    assert ticket.status == Status.ASSIGNED
    assert "handed to Réseau GHT" in response.content.decode()
    event = AuditEvent.objects.filter(event="desk.escalated", object_id=str(ticket.pk)).get()
    assert event.data["how"] == "functional"


def test_hierarchical_escalation_makes_the_manager_watch(client, escalating, new_ticket):
    ticket = new_ticket(assignment_group=escalating.desk_a)
    client.force_login(escalating.agent)
    post(client, ticket, how="manager", reason="Le service attend depuis ce matin")
    ticket.refresh_from_db()
    assert escalating.engineer in ticket.watchers.all()
    assert ticket.assignment_group == escalating.desk_a


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"how": "next_level", "reason": ""}, "reason"),
        ({"how": "sideways", "reason": "x"}, "Choose how to escalate."),
    ],
)
def test_refusals_are_messages_on_the_page(client, escalating, new_ticket, data, message):
    ticket = new_ticket(assignment_group=escalating.desk_a)
    client.force_login(escalating.agent)
    response = post(client, ticket, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignment_group == escalating.desk_a


def test_no_next_level_is_refused_clearly(client, desk, new_ticket):
    ticket = new_ticket(assignment_group=desk.network)
    client.force_login(desk.engineer)
    response = post(client, ticket, how="next_level", reason="Besoin du niveau 3")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.assignment_group == desk.network
    assert "next" in response.content.decode().lower()


def test_a_stale_version_changes_nothing(client, escalating, new_ticket):
    ticket = new_ticket(assignment_group=escalating.desk_a)
    client.force_login(escalating.agent)
    ticket.version -= 1
    response = post(client, ticket, how="next_level", reason="Panne")
    assert "changed by someone else" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignment_group == escalating.desk_a


def test_out_of_scope_tickets_are_not_found(client, escalating, new_ticket):
    ticket = new_ticket(assignment_group=escalating.desk_a)
    client.force_login(escalating.agent_b)
    response = client.post(
        reverse("desk:ticket_escalate", args=[ticket.pk]),
        {"how": "manager", "reason": "x", "version": ticket.version},
    )
    assert response.status_code == 404
