"""The ticket page and its forms, as agents and requesters use them: who sees
what (scope, read-only for requesters), recording and editing through the
forms (errors next to the fields, a stale version refused with the conflict
message), every move through the transition form (the illegal one
explained), the priority override and its reason, taking a ticket, the
items, the priority preview, and a bounded number of queries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from caducee.cmdb.models import Priority
from caducee.core import roles
from caducee.core.context import acting_as
from caducee.desk.models import Category, Impact, Status, Ticket, TicketKind, Urgency
from caducee.desk.services.tickets import transition
from caducee.org.models import Person

pytestmark = pytest.mark.django_db


def page(client, user, ticket, status=200):
    client.force_login(user)
    response = client.get(reverse("desk:ticket_detail", args=[ticket.pk]))
    assert response.status_code == status
    return response.content.decode() if status == 200 else response


def post(client, user, name, ticket, data):
    client.force_login(user)
    return client.post(reverse(name, args=[ticket.pk]), data)


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


# --- who sees what ---------------------------------------------------------------------------
def test_an_agent_of_the_establishment_sees_the_ticket_with_its_actions(client, desk, new_ticket):
    ticket = new_ticket(description="L'écran **reste noir**")
    html = page(client, desk.agent, ticket)
    assert ticket.number in html and 'id="ticket-status"' in html
    assert re.search(r'id="ticket-priority"[^>]*data-priority="\d"', html)
    for to in ("assigned", "in_progress", "resolved", "cancelled"):
        assert f'data-transition="{to}"' in html
    assert 'data-transition="closed"' not in html  # not allowed from "new"
    assert 'id="ticket-take"' in html and 'data-shortcut="e"' in html
    assert "Claire MARTIN" in html  # the requester's card
    assert "<strong>reste noir</strong>" in html or "**reste noir**" in html


def test_an_agent_of_another_establishment_gets_404(client, desk, new_ticket):
    ticket = new_ticket()
    page(client, desk.agent_b, ticket, status=404)
    client.force_login(desk.agent_b)
    assert client.get(reverse("desk:ticket_history", args=[ticket.pk])).status_code == 404
    response = post(client, desk.agent_b, "desk:ticket_transition", ticket, {"to": "cancelled"})
    assert response.status_code == 404


def test_a_requester_reads_their_own_ticket_without_agent_actions(
    client, ght, desk, new_ticket, make_user, admin_user
):
    requester = make_user(roles.REQUESTER, establishments=[ght.a])
    with acting_as(admin_user):
        ght.nurse_a.user = requester
        ght.nurse_a.save()
    mine = new_ticket()
    other = new_ticket(requester=ght.doctor_a)
    from caducee.desk.services.comments import add_comment

    add_comment(mine, actor=desk.agent, body="Note interne confidentielle", visibility="internal")
    add_comment(mine, actor=desk.agent, body="Nous arrivons", visibility="public")
    html = page(client, requester, mine)
    assert mine.number in html and "Nous arrivons" in html
    assert "Note interne confidentielle" not in html
    assert "data-transition" not in html and 'id="ticket-take"' not in html
    assert 'id="priority-form"' not in html and 'id="similar-tickets"' not in html
    page(client, requester, other, status=404)
    assert client.get(reverse("desk:ticket_history", args=[mine.pk])).status_code == 403
    response = post(client, requester, "desk:ticket_transition", mine, {"to": "cancelled"})
    assert response.status_code == 403
    assert fresh(mine).status == Status.NEW


def test_the_history_tab_lists_the_trail(client, desk, new_ticket):
    ticket = new_ticket()
    client.force_login(desk.agent)
    response = client.get(reverse("desk:ticket_history", args=[ticket.pk]))
    assert response.status_code == 200 and ticket.number in response.content.decode()


# --- record and edit ---------------------------------------------------------------------
def test_recording_through_the_form_shows_errors_next_to_the_fields(client, ght, desk, cmdb):
    client.force_login(desk.agent)
    url = reverse("desk:ticket_create")
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "incident", "title": "", "urgency": 3, "channel": "phone"})
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'id="ticket-title_error"', html)
    assert 'id="ticket-establishment_error"' in html  # no requester, no establishment
    assert not Ticket.objects.exists()

    response = client.post(
        url,
        {
            "kind": "incident",
            "title": "DPI inaccessible",
            "requester": ght.nurse_a.pk,
            "channel": "phone",
            "urgency": Urgency.HIGH,
            "items": [cmdb.ehr.pk],
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:ticket_detail", args=[ticket.pk])
    assert ticket.establishment == ght.a  # from the requester
    assert ticket.location == ght.room_a  # the requester's room
    assert list(ticket.configuration_items.all()) == [cmdb.ehr]
    assert ticket.priority == Priority.P1


def test_an_item_outside_the_scope_is_a_field_error(client, ght, desk, cmdb):
    client.force_login(desk.agent)
    response = client.post(
        reverse("desk:ticket_create"),
        {
            "kind": "incident",
            "title": "Poste urgences",
            "requester": ght.nurse_a.pk,
            "urgency": 3,
            "channel": "phone",
            "items": [cmdb.workstation_b.pk],
        },
    )
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not Ticket.objects.exists()


def edit_data(ticket, **changes):
    data = {
        "title": ticket.title,
        "description": ticket.description,
        "requester": ticket.requester_id or "",
        "channel": ticket.channel,
        "establishment": ticket.establishment_id,
        "location": ticket.location_id or "",
        "care_unit": ticket.care_unit_id or "",
        "category": ticket.category_id or "",
        "urgency": ticket.urgency,
        "support_level": ticket.support_level,
        "tags": "",
        "version": ticket.version,
        "items": [i.pk for i in ticket.configuration_items.all()],
    }
    data.update(changes)
    return data


def test_editing_saves_and_a_stale_version_changes_nothing(client, desk, new_ticket, cmdb):
    ticket = new_ticket()
    client.force_login(desk.agent)
    url = reverse("desk:ticket_edit", args=[ticket.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, edit_data(ticket, title="Écran noir", tags="écran, Poste 12", items=[cmdb.ehr.pk])
    )
    assert response.status_code == 302
    saved = fresh(ticket)
    assert saved.title == "Écran noir"
    assert sorted(t.name for t in saved.tags.all()) == ["poste-12", "écran"]
    assert list(saved.configuration_items.all()) == [cmdb.ehr]

    stale = edit_data(ticket, title="Écrasé")  # the version read before the save
    response = client.post(url, stale)
    assert response.status_code == 409
    assert "changed by someone else meanwhile" in response.content.decode()
    assert fresh(ticket).title == "Écran noir"


def test_editing_a_problem_shows_its_fields(client, desk, new_ticket):
    problem = new_ticket(kind=TicketKind.PROBLEM, title="Lenteurs DPI", requester=None)
    client.force_login(desk.agent)
    url = reverse("desk:ticket_edit", args=[problem.pk])
    assert 'name="root_cause"' in client.get(url).content.decode()
    response = client.post(url, edit_data(problem, known_error="on"))
    assert response.status_code == 400
    assert 'id="ticket-known_error_error"' in response.content.decode()


# --- the lifecycle through the page ----------------------------------------------------------
def move(client, user, ticket, to, **fields):
    data = {"to": to, "action": fields.pop("action", to), "version": fresh(ticket).version}
    data.update(fields)
    return post(client, user, "desk:ticket_transition", ticket, data)


def test_each_move_through_the_transition_form(client, desk, new_ticket):
    ticket = new_ticket()
    response = move(client, desk.agent, ticket, "assigned")
    assert response.status_code == 400
    assert "Choose the group" in response.content.decode()

    response = move(
        client, desk.agent, ticket, "assigned", assignment_group=desk.network.pk,
        assignee=desk.engineer.pk,
    )  # fmt: skip
    assert response.status_code == 302
    assert (fresh(ticket).status, fresh(ticket).assignee) == (Status.ASSIGNED, desk.engineer)
    assert move(client, desk.agent, ticket, "in_progress").status_code == 302
    response = move(
        client, desk.agent, ticket, "waiting_requester", action="waiting", reason="Absent"
    )
    assert response.status_code == 302 and fresh(ticket).status == Status.WAITING_REQUESTER
    response = move(client, desk.agent, ticket, "resolved")
    assert response.status_code == 400
    assert 'id="transition-resolved-resolution_code_error"' in response.content.decode()
    response = move(
        client, desk.agent, ticket, "resolved", resolution_code="fixed",
        resolution_notes="Câble remplacé",
    )  # fmt: skip
    assert response.status_code == 302
    saved = fresh(ticket)
    assert (saved.status, saved.resolution_notes) == (Status.RESOLVED, "Câble remplacé")
    html = page(client, desk.agent, ticket)
    assert 'data-transition="reopen"' in html and 'data-transition="closed"' in html
    assert move(client, desk.agent, ticket, "reopen").status_code == 400  # a reason is needed
    assert move(client, desk.agent, ticket, "reopen", reason="Revenu").status_code == 302
    assert fresh(ticket).status == Status.IN_PROGRESS


def test_an_illegal_move_is_explained_and_changes_nothing(client, desk, new_ticket):
    ticket = new_ticket()
    response = move(client, desk.agent, ticket, "closed")
    assert response.status_code == 409
    assert "cannot go from" in response.content.decode()
    assert fresh(ticket).status == Status.NEW
    response = move(client, desk.agent, ticket, "cancelled")
    assert response.status_code == 400
    assert 'id="transition-cancelled-reason_error"' in response.content.decode()
    response = move(client, desk.agent, ticket, "nonsense")
    assert response.status_code == 400
    response = move(client, desk.agent, ticket, "cancelled", reason="Doublon", version=99)
    assert response.status_code == 409
    assert "changed by someone else meanwhile" in response.content.decode()
    assert fresh(ticket).status == Status.NEW


def test_take_it_assigns_me_in_my_group(client, desk, new_ticket):
    ticket = new_ticket()
    response = post(client, desk.agent, "desk:ticket_take", ticket, {"version": ticket.version})
    assert response.status_code == 302
    saved = fresh(ticket)
    assert (saved.status, saved.assignee, saved.assignment_group) == (
        Status.IN_PROGRESS,
        desk.agent,
        desk.desk_a,
    )
    other = new_ticket()
    response = post(client, desk.outsider, "desk:ticket_take", other, {"version": other.version})
    assert response.status_code == 400
    assert "no group" in response.content.decode()


# --- priority and items -------------------------------------------------------------------
def test_an_override_needs_a_reason_and_can_be_cleared(client, desk, new_ticket):
    ticket = new_ticket()
    url_data = {"priority": 1, "reason": "  ", "version": ticket.version}
    response = post(client, desk.agent, "desk:ticket_priority", ticket, url_data)
    assert response.status_code == 400
    assert 'id="priority-reason_error"' in response.content.decode()
    assert not fresh(ticket).priority_overridden

    url_data["reason"] = "Direction des soins"
    response = post(client, desk.agent, "desk:ticket_priority", ticket, url_data)
    assert response.status_code == 302
    html = page(client, desk.agent, ticket)
    assert 'id="ticket-overridden"' in html and "Direction des soins" in html
    assert 'data-priority="1"' in html
    response = post(
        client,
        desk.agent,
        "desk:ticket_priority",
        ticket,
        {"action": "clear", "version": fresh(ticket).version},
    )
    assert response.status_code == 302
    assert not fresh(ticket).priority_overridden


def test_changing_the_items_recomputes_the_priority(client, desk, new_ticket, cmdb):
    ticket = new_ticket(requester=None, channel="monitoring", items=[cmdb.printer])
    assert ticket.priority == Priority.P4
    data = {"items": [cmdb.ecg.pk], "version": ticket.version}
    response = post(client, desk.agent, "desk:ticket_items", ticket, data)
    assert response.status_code == 302
    assert fresh(ticket).priority == Priority.P1
    html = page(client, desk.agent, ticket)
    assert 'id="impact-patient-safety"' in html and "Réanimation" in html
    response = post(client, desk.agent, "desk:ticket_items", ticket, data)  # stale version
    assert response.status_code == 409


def test_the_priority_preview_before_saving(client, ght, desk, cmdb, admin_user):
    with acting_as(admin_user):
        clerk = Person.objects.create(establishment=ght.a, first_name="Léa", last_name="Roy")
        clerk.care_units.set([ght.admin_a])
    client.force_login(desk.agent)
    url = reverse("desk:ticket_priority_preview")
    low = client.get(url, {"kind": "incident", "requester": clerk.pk, "urgency": Urgency.HIGH})
    assert 'data-priority="3"' in low.content.decode()
    high = client.get(
        url,
        {"kind": "incident", "requester": clerk.pk, "urgency": Urgency.HIGH, "items": cmdb.ehr.pk},
    )
    assert 'data-priority="1"' in high.content.decode()
    assert str(Impact.CRITICAL.label) in high.content.decode()
    assert not Ticket.objects.exists()
    # An item outside the scope does not count.
    client.force_login(desk.agent_b)
    hidden = client.get(
        url, {"kind": "incident", "urgency": Urgency.LOW, "items": cmdb.ecg.pk}
    ).content.decode()
    assert 'data-priority="1"' not in hidden


# --- the cost of the page --------------------------------------------------------------------
def test_the_page_costs_the_same_queries_whatever_its_size(
    client, ght, desk, new_ticket, cmdb, admin_user, django_assert_max_num_queries
):
    from caducee.desk.services.comments import add_comment

    with acting_as(admin_user):
        root = Category.objects.create(kind="incident", name="Poste de travail")
        leaf = Category.objects.create(kind="incident", name="Écran", parent=root)
    small = new_ticket(items=[cmdb.workstation], category=leaf, care_unit=ght.icu_a)
    big = new_ticket(
        items=[cmdb.workstation, cmdb.ehr, cmdb.ecg, cmdb.printer, cmdb.server, cmdb.core],
        category=leaf,
        care_unit=ght.icu_a,
    )
    for n in range(8):
        add_comment(big, actor=desk.agent, body=f"Note {n}", visibility="internal")
    big = transition(big, actor=desk.agent, to="assigned", assignment_group=desk.desk_a)
    client.force_login(desk.agent)
    url = reverse("desk:ticket_detail", args=[small.pk])
    assert client.get(url).status_code == 200  # warm the caches (templates, panels)
    with django_assert_max_num_queries(30) as small_queries:
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(30) as big_queries:
        html = client.get(reverse("desk:ticket_detail", args=[big.pk])).content.decode()
    assert "Poste de travail &gt; Écran" in html and "Note 7" in html
    assert len(big_queries.captured_queries) <= len(small_queries.captured_queries) + 2
