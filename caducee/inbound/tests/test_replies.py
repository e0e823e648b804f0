"""Replies by e-mail land on their ticket: by Message-ID, else by the tag
in the subject; a wrong token, a stranger, a late reply do not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from caducee.desk.models import Comment, LinkKind, Notification, Status, Ticket, TicketLink
from caducee.desk.services import lifecycle
from caducee.desk.services.reply_tokens import message_id, subject_tag
from caducee.inbound.models import Outcome
from caducee.inbound.services.polling import poll
from caducee.inbound.tests.conftest import mail

QUOTE = (
    "\n\nLe lun. 2 mars 2026 à 10:00, Support <support@valmont.example> a écrit :"
    "\n> Avez-vous redémarré ?"
)


@pytest.fixture
def ticket(new_ticket, desk):
    """An incident of Claire (nurse of A) worked by Alice of the desk group."""
    return lifecycle.start(new_ticket(assignment_group=desk.desk_a), actor=desk.agent)


def reply_to(ticket, *, by_header=True, subject=None, body="C'est réparé, merci." + QUOTE, **kw):
    headers = {}
    if by_header:
        ours = message_id(ticket, "caducee.localhost")
        headers = {"In-Reply-To": ours, "References": f"<other@valmont.example> {ours}"}
    return mail(
        subject=subject or f"RE: {subject_tag(ticket)} {ticket.title}",
        body=body,
        headers=headers,
        **kw,
    )


def only(result):
    [row] = result.processed
    return row


def test_a_reply_lands_on_its_ticket_by_in_reply_to(mailbox, ticket, desk, ght):
    mailbox.account.append(reply_to(ticket, subject="RE: sans étiquette"))
    row = only(poll(mailbox))
    assert row.outcome == Outcome.REPLIED and row.ticket == ticket
    comment = Comment.objects.get(ticket=ticket)
    assert comment.body == "C'est réparé, merci."
    assert comment.is_public and comment.via == "email"
    assert comment.author_person == ght.nurse_a and comment.author is None
    ticket.refresh_from_db()
    assert ticket.first_response_at is None  # the requester's words are no response
    assert Notification.objects.filter(recipient=desk.agent, ticket=ticket, kind="reply").exists()


def test_a_reply_without_headers_lands_by_the_subject_tag(mailbox, ticket):
    mailbox.account.append(reply_to(ticket, by_header=False))
    assert only(poll(mailbox)).ticket == ticket
    assert Comment.objects.filter(ticket=ticket, via="email").count() == 1


def test_a_wrong_token_does_not_reach_the_ticket(mailbox, ticket, ght):
    forged = f"RE: [{ticket.number} #aaaaaaaa] {ticket.title}"
    mailbox.account.append(reply_to(ticket, by_header=False, subject=forged))
    row = only(poll(mailbox))
    assert row.outcome == Outcome.CREATED and row.ticket != ticket
    assert not Comment.objects.filter(ticket=ticket).exists()


def test_a_reply_from_a_stranger_is_held(mailbox, ticket, ght):
    mailbox.account.append(reply_to(ticket, sender="Inès <ines.bernard@3r.example>"))
    row = only(poll(mailbox))
    assert row.outcome == Outcome.HELD and row.ticket == ticket
    assert not Comment.objects.filter(ticket=ticket).exists()


def test_a_watcher_may_reply(mailbox, ticket, desk):
    from caducee.desk.services.tickets import update_ticket
    from caducee.org.models import Person

    watcher = Person.objects.get(user=desk.outsider)
    watcher.email = "aurelien.morel@valmont.example"
    watcher.save()
    update_ticket(ticket, actor=desk.agent, changes={"watchers": [desk.outsider]})
    mailbox.account.append(reply_to(ticket, sender="aurelien.morel@valmont.example"))
    assert only(poll(mailbox)).outcome == Outcome.REPLIED
    comment = Comment.objects.get(ticket=ticket)
    assert comment.author_person == watcher and comment.author == desk.outsider
    assert not Notification.objects.filter(recipient=desk.outsider, kind="reply").exists()


def test_a_reply_resumes_a_ticket_waiting_on_the_requester(mailbox, ticket, desk):
    lifecycle.wait(ticket, actor=desk.agent, on="requester")
    mailbox.account.append(reply_to(ticket))
    poll(mailbox)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_a_reply_to_a_resolved_ticket_reopens_it(mailbox, ticket, desk):
    lifecycle.resolve(ticket, actor=desk.agent, code="fixed")
    mailbox.account.append(reply_to(ticket, body="Non, toujours en panne."))
    row = only(poll(mailbox))
    assert row.outcome == Outcome.REOPENED
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.reopened_count == 1
    assert Comment.objects.get(ticket=ticket).body == "Non, toujours en panne."


def test_a_reply_to_a_closed_ticket_within_the_delay_reopens_it(mailbox, ticket, desk):
    lifecycle.resolve(ticket, actor=desk.agent, code="fixed")
    lifecycle.close(Ticket.objects.get(pk=ticket.pk), actor=desk.agent)
    mailbox.account.append(reply_to(ticket, body="Ça recommence ce matin."))
    row = only(poll(mailbox))
    assert row.outcome == Outcome.REOPENED
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.closed_at is None
    assert Comment.objects.get(ticket=ticket).body == "Ça recommence ce matin."


def test_a_reply_after_the_delay_opens_a_new_linked_ticket(mailbox, ticket, desk, ght):
    lifecycle.resolve(ticket, actor=desk.agent, code="fixed")
    Ticket.objects.filter(pk=ticket.pk).update(
        resolved_at=timezone.now() - dt.timedelta(days=lifecycle.reopen_days() + 1)
    )
    mailbox.account.append(reply_to(ticket, body="Le problème est revenu."))
    row = only(poll(mailbox))
    assert row.outcome == Outcome.FOLLOW_UP
    new = row.ticket
    assert new != ticket and new.requester == ght.nurse_a
    assert new.description.startswith("Le problème est revenu.")
    assert TicketLink.objects.filter(source=new, target=ticket, kind=LinkKind.CAUSED_BY).exists()
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and not Comment.objects.filter(ticket=ticket).exists()


def test_an_out_of_office_answer_to_our_mail_creates_nothing(mailbox, ticket):
    mailbox.account.append(
        mail(
            subject=f"Réponse automatique : {subject_tag(ticket)} {ticket.title}",
            headers={
                "Auto-Submitted": "auto-replied",
                "In-Reply-To": message_id(ticket, "caducee.localhost"),
            },
        )
    )
    assert only(poll(mailbox)).outcome == Outcome.AUTO_REPLY
    assert not Comment.objects.filter(ticket=ticket).exists()
    assert not Notification.objects.filter(ticket=ticket, kind="reply").exists()
