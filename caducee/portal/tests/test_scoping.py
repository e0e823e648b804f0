"""Who follows which tickets: ``Ticket.restrict_queryset`` for requesters,
the same scope in the portal, the desk's API and the satisfaction API."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from caducee.desk.models import Ticket
from caducee.desk.services import lifecycle
from caducee.portal.services.conversation import confirm_resolution
from caducee.portal.services.satisfaction import rate

pytestmark = pytest.mark.django_db


def api_ids(user, url="/api/desk/tickets/") -> set[int]:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def tickets(ght, desk, requesters, own_ticket):
    """The nurse's ticket, the doctor's, one the head nurse watches, one she recorded."""
    nurse = own_ticket()
    doctor = own_ticket(person=ght.doctor_a, title="Le DPI est lent")
    watched = own_ticket(person=ght.doctor_a, title="Scanner en panne")
    Ticket.watchers.through.objects.create(ticket=watched, user=requesters.head_nurse)
    recorded = own_ticket(person=requesters.head_person, actor=requesters.head_nurse)
    return {"nurse": nurse, "doctor": doctor, "watched": watched, "recorded": recorded}


def test_a_requester_sees_only_their_own(requesters, tickets):
    mine = set(Ticket.objects.restrict(requesters.nurse, "view").values_list("pk", flat=True))
    assert mine == {tickets["nurse"].pk}
    assert api_ids(requesters.nurse) == mine


def test_a_manager_follows_the_tickets_of_the_people_they_manage(requesters, tickets):
    seen = set(Ticket.objects.restrict(requesters.head_nurse, "view").values_list("pk", flat=True))
    assert seen == {tickets["nurse"].pk, tickets["watched"].pk, tickets["recorded"].pk}
    assert tickets["doctor"].pk not in seen  # not her report
    assert api_ids(requesters.head_nurse) == seen
    client = Client()
    client.force_login(requesters.head_nurse)
    listing = client.get(reverse("portal:tickets"))
    assert listing.status_code == 200
    assert "Claire MARTIN" in listing.content.decode()  # whose ticket it is


def test_the_scope_is_one_row_per_ticket_without_distinct(
    requesters, tickets, django_assert_num_queries
):
    Ticket.watchers.through.objects.create(ticket=tickets["nurse"], user=requesters.head_nurse)
    queryset = Ticket.objects.restrict(requesters.head_nurse, "view")
    assert "DISTINCT" not in str(queryset.query).upper()
    pks = list(queryset.values_list("pk", flat=True))
    assert len(pks) == len(set(pks)) == 3


def test_a_manager_loses_the_tickets_of_someone_who_left_the_team(ght, requesters, tickets):
    ght.nurse_a.manager = None
    ght.nurse_a.save()
    seen = set(Ticket.objects.restrict(requesters.head_nurse, "view").values_list("pk", flat=True))
    assert tickets["nurse"].pk not in seen


def test_agents_keep_their_establishment_scope(desk, tickets):
    assert set(api_ids(desk.agent)) == {t.pk for t in tickets.values()}
    assert api_ids(desk.agent_b) == set()


def test_satisfaction_is_read_as_tickets_are(desk, requesters, tickets):
    ticket = lifecycle.assign(tickets["nurse"], actor=desk.agent, group=desk.desk_a)
    ticket = lifecycle.resolve(ticket, actor=desk.agent, code="fixed")
    ticket = confirm_resolution(ticket, actor=requesters.nurse)
    rating = rate(ticket, score=4, actor=requesters.nurse)
    url = "/api/portal/satisfaction/"
    assert api_ids(requesters.nurse, url) == {rating.pk}
    assert api_ids(requesters.head_nurse, url) == {rating.pk}
    assert api_ids(requesters.doctor, url) == set()
    assert api_ids(desk.agent, url) == {rating.pk}
    assert api_ids(desk.agent_b, url) == set()
    client = Client()
    client.force_login(desk.agent)
    row = client.get(url).json()["results"][0]
    assert (row["ticket_number"], row["score"]) == (ticket.number, 4)
