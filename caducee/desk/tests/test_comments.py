"""Writing on a ticket: an agent's internal notes and public replies, the
requester's replies on their own tickets only, time spent, @mentions that
notify the right people, the first public reply stopping the response
clock, closed tickets refused, corrections within a quarter of an hour."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from caducee.core import roles
from caducee.core.models import AuditEvent
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.desk.models import Comment, Notification, NotificationKind, Status, Ticket
from caducee.desk.services.comments import add_comment, edit_comment, mentioned_names
from caducee.desk.services.lifecycle import cancel, close, resolve
from caducee.desk.services.tickets import update_ticket
from caducee.desk.signals import ticket_saved
from caducee.desk.tests.comment_data import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db


def notified(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


# --- agents -------------------------------------------------------------------------------
def test_an_internal_note_is_kept_audited_and_leaves_the_ticket_alone(nurse_ticket, desk):
    version = nurse_ticket.version
    note = add_comment(
        nurse_ticket, actor=desk.agent, body="Pompe testée sur un autre port.", time_spent=20
    )
    assert note.visibility == "internal" and note.time_spent == 20 and note.author == desk.agent
    ticket = Ticket.objects.get(pk=nurse_ticket.pk)
    assert ticket.version == version and ticket.first_response_at is None
    assert AuditEvent.objects.filter(
        object_type="desk.comment", object_id=str(note.pk), action="create", actor_id=desk.agent.pk
    ).exists()
    event = AuditEvent.objects.get(event="desk.commented", object_id=str(ticket.pk))
    assert event.data == {
        "visibility": "internal",
        "time_spent": 20,
        "comment": note.pk,
        "mentions": [],
    }


def test_the_first_public_reply_stamps_the_first_response_through_a_ticket_save(nurse_ticket, desk):
    heard = []

    def receiver(sender, ticket, actor, created, **kwargs):
        heard.append((ticket.pk, ticket.first_response_at, created))

    ticket_saved.connect(receiver)
    try:
        reply = add_comment(
            nurse_ticket,
            actor=desk.agent,
            body="Nous passons dans le service.",
            visibility="public",
        )
    finally:
        ticket_saved.disconnect(receiver)
    ticket = Ticket.objects.get(pk=nurse_ticket.pk)
    assert ticket.first_response_at == reply.created_at
    assert ticket.version == nurse_ticket.version + 1
    assert heard == [(ticket.pk, reply.created_at, False)]
    update = AuditEvent.objects.filter(
        object_type="desk.ticket", object_id=str(ticket.pk), action="update"
    ).first()
    assert "first_response_at" in update.changes

    add_comment(ticket, actor=desk.engineer, body="Je prends le relais.", visibility="public")
    again = Ticket.objects.get(pk=ticket.pk)
    assert again.first_response_at == reply.created_at and again.version == ticket.version


def test_a_reply_on_a_resolved_ticket_is_kept_and_does_not_reopen_it(nurse_ticket, desk):
    resolved = resolve(nurse_ticket, actor=desk.agent, code="fixed")
    add_comment(resolved, actor=desk.agent, body="Vérifié le lendemain.", visibility="public")
    assert Ticket.objects.get(pk=resolved.pk).status == Status.RESOLVED


@pytest.mark.parametrize("final", ["closed", "cancelled"])
def test_closed_and_cancelled_tickets_take_no_comment(nurse_ticket, desk, final):
    if final == "closed":
        ticket = close(resolve(nurse_ticket, actor=desk.agent, code="fixed"), actor=desk.agent)
    else:
        ticket = cancel(nurse_ticket, actor=desk.agent, reason="Doublon")
    with pytest.raises(Conflict) as caught:
        add_comment(ticket, actor=desk.agent, body="Trop tard ?")
    assert caught.value.code == "final"
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"body": "   "}, "body"),
        ({"time_spent": 1441}, "time_spent"),
        ({"time_spent": -5}, "time_spent"),
        ({"time_spent": "une heure"}, "time_spent"),
        ({"visibility": "secret"}, "visibility"),
    ],
)
def test_invalid_input_is_refused_on_its_field(nurse_ticket, desk, fields, field):
    values = {"body": "Texte", **fields}
    with pytest.raises(DomainError) as caught:
        add_comment(nurse_ticket, actor=desk.agent, **values)
    assert caught.value.field == field
    assert not Comment.objects.exists()


def test_a_full_day_is_the_most_one_comment_records(nurse_ticket, desk):
    assert add_comment(nurse_ticket, actor=desk.agent, body="Nuit blanche", time_spent=1440)


def test_an_agent_of_another_establishment_may_not_write(nurse_ticket, desk):
    with pytest.raises(PermissionDenied):
        add_comment(nurse_ticket, actor=desk.agent_b, body="Je regarde")


def test_a_stale_version_is_refused(nurse_ticket, desk):
    update_ticket(nurse_ticket, actor=desk.engineer, changes={"title": "Pousse-seringue HS"})
    with pytest.raises(Conflict) as caught:
        add_comment(
            nurse_ticket, actor=desk.agent, body="Vu", expected_version=nurse_ticket.version
        )
    assert caught.value.code == "stale"


# --- requesters ---------------------------------------------------------------------------
def test_the_requester_replies_publicly_on_her_own_ticket(nurse_ticket, desk, claire):
    reply = add_comment(nurse_ticket, actor=claire, body="Toujours en panne ce matin.")
    assert reply.visibility == "public"
    # Her answer is not the desk's first response.
    assert Ticket.objects.get(pk=nurse_ticket.pk).first_response_at is None
    assert notified(NotificationKind.REPLY) == {"alice"}


def test_the_requester_writes_no_internal_note_and_records_no_time(nurse_ticket, claire):
    with pytest.raises(PermissionDenied) as caught:
        add_comment(nurse_ticket, actor=claire, body="Entre nous", visibility="internal")
    assert caught.value.field == "visibility"
    with pytest.raises(DomainError) as caught:
        add_comment(nurse_ticket, actor=claire, body="J'ai attendu", time_spent=30)
    assert caught.value.field == "time_spent"
    assert not Comment.objects.exists()


def test_a_requester_may_not_write_on_someone_elses_ticket(new_ticket, ght, make_user):
    ticket = new_ticket(requester=ght.doctor_a)
    other = make_user(roles.REQUESTER, establishments=[ght.a])
    with pytest.raises(PermissionDenied):
        add_comment(ticket, actor=other, body="Moi aussi", visibility="public")


# --- mentions and notifications -------------------------------------------------------
def test_mention_tokens_are_user_names_not_addresses():
    body = "Merci @bruno et @Alice. Écrire à alice@valmont.example ; @bruno encore, @x-y."
    assert mentioned_names(body) == ["bruno", "Alice", "x-y"]


def test_mentions_notify_those_who_work_the_ticket_and_are_kept(nurse_ticket, desk):
    note = add_comment(
        nurse_ticket,
        actor=desk.agent,
        body="@Bruno peux-tu regarder le switch ? @berenice @inconnu @alice",
    )
    # Bérénice works for B only, "inconnu" is nobody, Alice is the author.
    assert set(note.mentions.values_list("username", flat=True)) == {"bruno", "alice"}
    assert notified(NotificationKind.MENTION) == {"bruno"}
    assert "@inconnu" in note.body
    event = AuditEvent.objects.get(event="desk.commented")
    assert set(event.data["mentions"]) == {desk.engineer.pk, desk.agent.pk}


def test_a_public_reply_tells_the_watchers_and_the_assignee_but_not_its_author(
    nurse_ticket, desk, claire
):
    update_ticket(nurse_ticket, actor=desk.agent, changes={"watchers": [desk.outsider, claire]})
    add_comment(nurse_ticket, actor=desk.engineer, body="Port réactivé.", visibility="public")
    assert notified(NotificationKind.REPLY) == {"alice", "aurelien", "claire"}
    Notification.objects.all().delete()
    add_comment(nurse_ticket, actor=desk.agent, body="@bruno pour info", visibility="public")
    # Bruno is told once (mentioned), Alice not at all (she wrote it).
    assert notified(NotificationKind.MENTION) == {"bruno"}
    assert notified(NotificationKind.REPLY) == {"aurelien", "claire"}


def test_an_internal_note_tells_nobody_but_those_mentioned(nurse_ticket, desk, claire):
    update_ticket(nurse_ticket, actor=desk.agent, changes={"watchers": [claire]})
    Notification.objects.all().delete()  # the requester was told of the recording
    add_comment(nurse_ticket, actor=desk.engineer, body="Câble à changer")
    assert not Notification.objects.exists()


# --- corrections ----------------------------------------------------------------------
def test_the_author_corrects_within_the_window_and_new_mentions_are_told(nurse_ticket, desk):
    note = add_comment(nurse_ticket, actor=desk.agent, body="Vu avec @bruno", time_spent=5)
    Notification.objects.all().delete()
    edited = edit_comment(note, actor=desk.agent, body="Vu avec @bruno et @aurelien", time_spent=15)
    assert edited.body == "Vu avec @bruno et @aurelien" and edited.time_spent == 15
    assert notified(NotificationKind.MENTION) == {"aurelien"}
    assert AuditEvent.objects.filter(event="desk.comment_edited").count() == 1
    assert AuditEvent.objects.filter(
        object_type="desk.comment", object_id=str(note.pk), action="update"
    ).exists()


def test_only_the_author_corrects_and_only_for_a_quarter_of_an_hour(nurse_ticket, desk):
    note = add_comment(nurse_ticket, actor=desk.agent, body="Premier jet")
    with pytest.raises(PermissionDenied):
        edit_comment(note, actor=desk.engineer, body="Réécrit")
    Comment.objects.filter(pk=note.pk).update(created_at=timezone.now() - dt.timedelta(minutes=16))
    with pytest.raises(Conflict) as caught:
        edit_comment(note, actor=desk.agent, body="Trop tard")
    assert caught.value.code == "edit_window"
    assert Comment.objects.get(pk=note.pk).body == "Premier jet"


def test_a_correction_may_not_empty_the_comment(nurse_ticket, desk):
    note = add_comment(nurse_ticket, actor=desk.agent, body="Texte")
    with pytest.raises(DomainError) as caught:
        edit_comment(note, actor=desk.agent, body="")
    assert caught.value.field == "body"
