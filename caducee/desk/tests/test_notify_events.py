"""Who the desk tells, and how the other channels hear of it: the requester
learns the number, the resolution and the closure; a new assignee or the
members of a new group learn of an assignment; preferences switch the
in-app channel off; every event reaches ``ticket_event`` for the e-mail
channel. Reply tokens tie a message to its ticket and only to it."""

from __future__ import annotations

import pytest
from django.test import override_settings

from caducee.core.models import AuditEvent
from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.desk.models import (
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
)
from caducee.desk.services import reply_tokens
from caducee.desk.services.comments import add_comment
from caducee.desk.services.lifecycle import assign, close, resolve
from caducee.desk.services.notifications import preferences, set_preferences, wants
from caducee.desk.signals import ticket_event
from caducee.desk.tests.comment_data import *  # noqa: F403  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    events: list[tuple[str, str, frozenset, object]] = []

    def receiver(sender, ticket, kind, actor, recipients, message, comment, **kwargs):
        events.append((ticket.number, kind, recipients, comment))

    ticket_event.connect(receiver)
    yield events
    ticket_event.disconnect(receiver)


def kinds_for(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True)
    )


def test_the_requester_is_told_the_number_then_the_resolution_and_the_closure(
    new_ticket, desk, claire, heard
):
    ticket = new_ticket(title="Imprimante bloquée")
    assert kinds_for(claire) == [NotificationKind.CREATED]
    assert ticket.number in Notification.objects.get(recipient=claire).message
    ticket = assign(ticket, actor=desk.agent, group=desk.desk_a, assignee=desk.agent)
    ticket = resolve(ticket, actor=desk.agent, code="fixed", notes="Bourrage retiré.")
    ticket = close(ticket, actor=desk.agent)
    assert kinds_for(claire) == ["created", "resolved", "closed"]
    told = [(kind, recipients) for _number, kind, recipients, _c in heard]
    assert ("created", frozenset({claire.pk})) in told
    assert ("resolved", frozenset({claire.pk})) in told and (
        "closed",
        frozenset({claire.pk}),
    ) in told


def test_a_requester_without_an_account_is_still_announced_to_the_channels(new_ticket, desk, heard):
    ticket = new_ticket(title="Écran noir")  # the nurse of A has no account here
    assert (ticket.number, "created", frozenset(), None) in heard
    assert not Notification.objects.filter(kind="created").exists()


def test_an_assignment_tells_the_new_assignee_or_else_the_new_groups_members(
    new_ticket, desk, heard
):
    ticket = new_ticket()
    ticket = assign(ticket, actor=desk.agent, group=desk.network, assignee=desk.engineer)
    assert kinds_for(desk.engineer)[-1] == NotificationKind.ASSIGNED
    Notification.objects.all().delete()
    assign(ticket, actor=desk.engineer, group=desk.desk_a, assignee=None)
    told = set(Notification.objects.filter(kind="assigned").values_list("recipient_id", flat=True))
    assert told == {desk.agent.pk}  # the Valmont desk's member; not the actor
    assert "Centre de services Valmont" in Notification.objects.get(kind="assigned").message


def test_a_public_reply_reaches_the_channels_with_its_comment_and_a_note_does_not(
    nurse_ticket, desk, claire, heard
):
    heard.clear()
    note = add_comment(nurse_ticket, actor=desk.agent, body="Pour nous seulement")
    reply = add_comment(nurse_ticket, actor=desk.agent, body="On arrive.", visibility="public")
    replies = [(kind, comment) for _n, kind, _r, comment in heard if kind == "reply"]
    assert replies == [("reply", reply)]
    assert all(comment != note for *_rest, comment in heard)
    assert kinds_for(claire)[-1] == NotificationKind.REPLY


def test_preferences_switch_the_in_app_channel_off_and_are_audited(new_ticket, desk, claire, heard):
    set_preferences(
        claire,
        {("created", "in_app"): False, ("created", "email"): False},
        actor=claire,
    )
    new_ticket(title="Souris cassée")
    assert kinds_for(claire) == []
    assert heard[-1][1:3] == ("created", frozenset({claire.pk}))  # e-mail decides by itself
    assert wants([claire.pk, desk.agent.pk], "created", NotificationChannel.EMAIL) == {
        desk.agent.pk
    }
    event = AuditEvent.objects.get(event="desk.notification_preferences_changed")
    assert event.data == {"created.in_app": False, "created.email": False}
    # Choosing the same again changes nothing and writes nothing.
    set_preferences(claire, {("created", "in_app"): False}, actor=claire)
    assert AuditEvent.objects.filter(event="desk.notification_preferences_changed").count() == 1
    assert NotificationPreference.objects.filter(user=claire).count() == 2


def test_defaults_mail_what_concerns_people_but_not_every_warning(claire):
    chosen = preferences(claire)
    assert chosen[("assigned", "email")] and chosen[("sla_breach", "email")]
    assert not chosen[("sla_warning", "email")] and chosen[("sla_warning", "in_app")]


def test_nobody_chooses_for_someone_else_and_unknown_keys_are_refused(claire, desk):
    with pytest.raises(PermissionDenied):
        set_preferences(claire, {("created", "email"): False}, actor=desk.agent)
    with pytest.raises(DomainError) as caught:
        set_preferences(claire, {("created", "pigeon"): True}, actor=claire)
    assert caught.value.field == "preferences"
    assert not NotificationPreference.objects.exists()


@override_settings(SECRET_KEY="a-test-secret-that-is-long-enough-for-hmac-0123456789")
def test_reply_tokens_find_their_ticket_and_refuse_a_guess(new_ticket, desk):
    ticket = new_ticket()
    other = new_ticket(title="Autre")
    tag = reply_tokens.subject_tag(ticket)
    assert tag.startswith(f"[{ticket.number} #")
    assert reply_tokens.ticket_from_subject(f"RE: TR: {tag} Le poste ne démarre pas") == ticket
    assert reply_tokens.ticket_from_subject(f"Re: [{ticket.number}] sans jeton") is None
    forged = f"[{other.number} #{reply_tokens.reply_token(ticket)}]"
    assert reply_tokens.ticket_from_subject(forged) is None
    message_id = reply_tokens.message_id(ticket, "caducee.example.org")
    assert message_id != reply_tokens.message_id(ticket, "caducee.example.org")
    assert reply_tokens.ticket_from_message_ids(["<autre@ailleurs>", message_id]) == ticket
    assert (
        reply_tokens.ticket_from_message_ids([message_id.replace(str(ticket.pk), str(other.pk), 1)])
        is None
    )
