"""The phone-call screen: finding the caller by name, phone number or place
within the agent's scope, their card, the form filled from them, the item
search limited to their equipment and unit, and a call recorded as a P1 on a
CI that reaches intensive care."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caducee.cmdb.models import Priority
from caducee.core import roles
from caducee.core.context import acting_as
from caducee.desk.models import Channel, ImpactSource, Ticket, Urgency
from caducee.org.models import Person

pytestmark = pytest.mark.django_db


def search(client, user, text):
    client.force_login(user)
    response = client.get(reverse("desk:call_search"), {"q": text})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "text",
    ["mart", "Claire Martin", "0405", "01 02 03 04 05", "01.02.03.04.05", "Réanimation", "101"],
)
def test_the_caller_is_found_by_name_phone_or_place(client, ght, desk, text):
    html = search(client, desk.agent, text)
    assert 'class="call-result"' in html and "Claire MARTIN" in html


def test_the_search_needs_two_characters_and_stays_in_scope(client, ght, desk):
    assert "call-result" not in search(client, desk.agent, "m")
    assert "Claire MARTIN" not in search(client, desk.agent_b, "Martin")
    assert "Inès BERNARD" in search(client, desk.agent_b, "Bernard")
    assert "call-result" not in search(client, desk.agent, "0999")


def test_the_screen_is_for_those_who_work_tickets(client, ght, make_user):
    requester = make_user(roles.REQUESTER, establishments=[ght.a])
    client.force_login(requester)
    assert client.get(reverse("desk:call")).status_code == 403
    assert client.get(reverse("desk:call_search"), {"q": "Martin"}).status_code == 403


def test_picking_the_caller_shows_their_card_and_fills_the_form(
    client, ght, desk, cmdb, new_ticket
):
    open_ticket = new_ticket(title="Imprimante bloquée")
    client.force_login(desk.agent)
    response = client.get(reverse("desk:call_person", args=[ght.nurse_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Réanimation" in html and "0102030405" in html  # care unit, phone
    assert "pc-rea-01" in html and "dect-rea-01" in html  # their equipment
    assert open_ticket.number in html and "#comment-form" in html  # a note, not a new ticket
    assert f'name="requester" value="{ght.nurse_a.pk}"' in html
    assert f'<option value="{ght.a.pk}" selected>' in html  # establishment
    assert f'<option value="{ght.icu_a.pk}" selected>' in html  # care unit
    assert f'name="location" value="{ght.room_a.pk}"' in html
    assert 'id="ticket-title"' in html and 'id="ticket-items-search"' in html
    # Without JavaScript: the same through the page's own GET parameters.
    page = client.get(reverse("desk:call"), {"q": "Martin", "person": ght.nurse_a.pk})
    assert 'class="call-result"' in page.content.decode()
    assert "pc-rea-01" in page.content.decode()
    assert client.get(reverse("desk:call_person", args=[ght.clerk_b.pk])).status_code == 404


def test_the_item_search_starts_with_the_callers_items(client, ght, desk, cmdb):
    client.force_login(desk.agent)
    url = reverse("desk:item_search")
    mine = client.get(url, {"scope": "caller", "requester": ght.nurse_a.pk, "q": ""})
    html = mine.content.decode()
    for name in ("pc-rea-01", "dect-rea-01", "prn-rea-01", "DPI", "Moniteur ECG rea-01"):
        assert name in html
    assert "srv-dpi-01" not in html and 'class="pick-result item-result' in html
    anywhere = client.get(url, {"q": "srv-dpi"}).content.decode()
    assert "srv-dpi-01" in anywhere
    assert "pc-urg-01" not in client.get(url, {"q": "pc-urg"}).content.decode()  # B's


def test_a_call_recorded_on_a_ci_reaching_intensive_care_is_p1(client, ght, desk, cmdb, admin_user):
    with acting_as(admin_user):
        clerk = Person.objects.create(
            establishment=ght.a, first_name="Léa", last_name="Roy", phone="03 88 12 34 56"
        )
        clerk.care_units.set([ght.admin_a])
    assert "Léa ROY" in search(client, desk.agent, "3456")
    data = {
        "kind": "incident",
        "title": "Le DPI ne répond plus aux admissions",
        "requester": clerk.pk,
        "establishment": ght.a.pk,
        "care_unit": ght.admin_a.pk,
        "channel": Channel.PHONE,
        "urgency": Urgency.HIGH,
        "items": [cmdb.ehr.pk],
        "next": "ticket",
    }
    preview = client.get(reverse("desk:ticket_priority_preview"), data)
    assert 'data-priority="1"' in preview.content.decode()
    response = client.post(reverse("desk:call"), data)
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:ticket_detail", args=[ticket.pk])
    assert (ticket.priority, ticket.impact_source) == (Priority.P1, ImpactSource.CMDB)
    assert ticket.channel == Channel.PHONE and ticket.created_by == desk.agent
    html = client.get(response["Location"]).content.decode()
    assert 'id="ticket-priority"' in html and 'data-priority="1"' in html


def test_errors_stay_on_the_call_screen_and_save_and_new(client, ght, desk):
    client.force_login(desk.agent)
    data = {"kind": "incident", "title": "", "requester": ght.nurse_a.pk, "urgency": 3}
    response = client.post(reverse("desk:call"), {**data, "channel": "phone"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="ticket-title_error"' in html and "Réanimation" in html  # the card stays
    data.update(title="Souris HS", channel="phone", next="call")
    response = client.post(reverse("desk:call"), data)
    assert response.status_code == 302 and response["Location"] == reverse("desk:call")
    assert Ticket.objects.get().title == "Souris HS"
