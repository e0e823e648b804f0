"""A ticket's timeline: what happened, in order, in a few words — all of it
for the desk, the public part for the requester — at a constant number of
queries; and the comment form of the ticket page, through htmx."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caducee.core.services.errors import PermissionDenied
from caducee.desk.models import Comment
from caducee.desk.services.attachments import add_attachment
from caducee.desk.services.comments import add_comment
from caducee.desk.services.common import record_event
from caducee.desk.services.lifecycle import start, wait
from caducee.desk.services.links import link_tickets
from caducee.desk.services.tickets import override_priority, update_ticket
from caducee.desk.services.timeline import timeline
from caducee.desk.tests.comment_data import *  # noqa: F403  (fixtures)
from caducee.desk.tests.comment_data import PDF, PNG, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(nurse_ticket, desk, claire):
    """Claire's incident after a morning of work on it."""
    ticket = start(nurse_ticket, actor=desk.agent)
    add_comment(ticket, actor=desk.agent, body="Le port **12** est désactivé.", time_spent=10)
    add_comment(ticket, actor=desk.agent, body="Nous arrivons.", visibility="public")
    ticket = override_priority(ticket, actor=desk.agent, priority=1, reason="Réanimation bloquée")
    ticket = update_ticket(
        ticket, actor=desk.agent, changes={"title": "Pousse-seringue hors ligne"}
    )
    add_attachment(ticket, actor=desk.agent, upload=upload("switch.log", b"port 12 down"))
    add_attachment(ticket, actor=desk.agent, upload=upload("plan.pdf", PDF), public=True)
    record_event(desk.agent, "sla.warning", ticket, {"clock": 1, "kind": "resolution"})
    ticket = wait(ticket, actor=desk.agent, on="requester", reason="Confirmer après redémarrage")
    add_comment(ticket, actor=claire, body="Ça refonctionne, merci !")
    return ticket


def texts(entries) -> list[str]:
    return [e.text for e in entries]


def test_the_desk_sees_everything_in_order(worked, desk):
    entries = timeline(worked, user=desk.engineer)
    got = texts(entries)
    expected = [
        "Ticket recorded",
        "Changed: assignment group, assignee",
        "Status: New → Assigned",
        "Status: Assigned → In progress",
        "Internal note",
        "Public reply",
        "Priority overridden P2 → P1: Réanimation bloquée",  # ICU: P2 computed
        "Changed: title",
        "Attached switch.log",
        "Attached plan.pdf",
        "SLA warning (resolution)",
        "Status: In progress → Waiting on requester: Confirmer après redémarrage",
        "Public reply",
    ]
    # Each expected entry appears, in this order (others, e.g. SLA clocks, may come between).
    cursor = 0
    for text in expected:
        assert text in got[cursor:], (text, got)
        cursor = got.index(text, cursor) + 1
    assert [e.time for e in entries] == sorted(e.time for e in entries)
    note = next(e for e in entries if e.kind == "comment")
    assert note.comment.time_spent == 10 and note.public is False and note.actor == str(desk.agent)
    # The update that the override made is told by the override alone.
    assert not any(t.startswith("Changed: priority") for t in got)


def test_the_requester_sees_the_public_part_only(worked, claire):
    got = texts(timeline(worked, user=claire))
    assert got == [
        "Ticket recorded",
        "Status: New → Assigned",
        "Status: Assigned → In progress",
        "Public reply",
        "Attached plan.pdf",
        "Status: In progress → Waiting on requester",
        "Public reply",
    ]


def test_links_show_on_both_tickets(nurse_ticket, new_ticket, desk):
    other = new_ticket(title="Autre pousse-seringue")
    link_tickets(other, actor=desk.agent, target=nurse_ticket, kind="duplicate_of")
    assert f"Linked: duplicate of {nurse_ticket.number}" in texts(timeline(other, user=desk.agent))
    assert any(
        t.startswith("Linked from:") and other.number in t
        for t in texts(timeline(nurse_ticket, user=desk.agent))
    )


def test_the_timeline_costs_the_same_whatever_its_length(
    nurse_ticket, desk, django_assert_max_num_queries
):
    def measure() -> tuple[int, int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        user = type(desk.agent).objects.get(pk=desk.agent.pk)  # cold permission caches
        with CaptureQueriesContext(connection) as queries:
            entries = timeline(nurse_ticket, user=user)
        return len(queries), len(entries)

    few, shown = measure()
    for i in range(15):
        comment = add_comment(nurse_ticket, actor=desk.agent, body=f"Note {i} @bruno")
        add_attachment(
            nurse_ticket, actor=desk.agent, upload=upload(f"{i}.png", PNG), comment=comment
        )
        add_attachment(nurse_ticket, actor=desk.agent, upload=upload(f"{i}.log", b"x" * (i + 1)))
        update_ticket(nurse_ticket, actor=desk.agent, changes={"title": f"Titre {i}"})
    # Each round: a note (its image inside it), a log, a title change.
    assert measure() == (few, shown + 15 * 3)
    user = type(desk.agent).objects.get(pk=desk.agent.pk)
    with django_assert_max_num_queries(8):
        timeline(nurse_ticket, user=user)


# --- the form of the ticket page ----------------------------------------------------------
def post(client, ticket, data, htmx=True):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("desk:ticket_comment", args=[ticket.pk]), data, headers=headers)


def test_an_htmx_post_returns_the_refreshed_timeline_and_an_empty_form(client, nurse_ticket, desk):
    client.force_login(desk.agent)
    response = post(
        client,
        nurse_ticket,
        {
            "body": "Redémarrage **fait**",
            "visibility": "public",
            "time_spent": "15",
            "files": [upload("capture.png", PNG)],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="ticket-timeline"' in html and "<strong>fait</strong>" in html
    assert "capture.png" in html and "15 minutes spent" in html
    assert 'hx-swap-oob="true"' in html and "Redémarrage" not in html.split("comment-form")[1]
    comment = Comment.objects.get()
    assert comment.is_public and comment.attachments.get().name == "capture.png"


def test_errors_come_back_next_to_their_fields(client, nurse_ticket, desk):
    client.force_login(desk.agent)
    response = post(client, nurse_ticket, {"body": "", "visibility": "internal"})
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#comment-form" and response["HX-Reswap"] == "outerHTML"
    assert 'class="field has-error"' in response.content.decode()
    response = post(
        client,
        nurse_ticket,
        {"body": "Voilà", "visibility": "internal", "files": [upload("x.exe", b"MZ")]},
    )
    html = response.content.decode()
    assert 'id="id_files_error"' in html and "not accepted" in html
    response = post(client, nurse_ticket, {"body": "x", "visibility": "internal"}, htmx=False)
    assert response.status_code == 302
    response = post(client, nurse_ticket, {"body": "", "visibility": "internal"}, htmx=False)
    assert response.status_code == 400 and b"comment-form" in response.content
    assert Comment.objects.count() == 1


def test_the_requester_form_and_timeline_hide_internal_work(client, nurse_ticket, desk, claire):
    add_comment(nurse_ticket, actor=desk.agent, body="Note interne secrète")
    client.force_login(claire)
    html = client.get(reverse("desk:ticket_timeline", args=[nurse_ticket.pk])).content.decode()
    assert "secrète" not in html
    response = post(client, nurse_ticket, {"body": "Merci", "visibility": "internal"})
    # A requester's form has no visibility: her comment is a reply.
    assert response.status_code == 200 and Comment.objects.filter(visibility="public").count() == 1
    assert 'name="visibility"' not in response.content.decode()


def test_out_of_scope_tickets_are_not_found(client, nurse_ticket, desk):
    client.force_login(desk.agent_b)
    assert post(client, nurse_ticket, {"body": "x"}).status_code == 404
    url = reverse("desk:ticket_timeline", args=[nurse_ticket.pk])
    assert client.get(url).status_code == 404


def test_a_user_who_sees_but_may_not_write_is_told_so(nurse_ticket, make_user):
    from caducee.core import roles

    auditor = make_user(roles.AUDITOR, whole_ght=True)
    assert timeline(nurse_ticket, user=auditor)
    with pytest.raises(PermissionDenied):
        add_comment(nurse_ticket, actor=auditor, body="Je note")
