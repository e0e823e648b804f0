"""The issue's acceptance test for e-mail, against real servers on loopback:
a mail to the IMAP mailbox becomes a ticket, the acknowledgement reaches
the SMTP catcher with the ticket number, a reply to that acknowledgement
lands on the same ticket, and an out-of-office answer creates nothing."""

from __future__ import annotations

import pytest

from caducee.core.testing.smtp import smtp_server  # noqa: F401 - the fixture
from caducee.desk.models import Comment, Notification, Ticket
from caducee.inbound.models import Outcome
from caducee.inbound.services.polling import poll
from caducee.inbound.tests.conftest import mail

CLAIRE = "claire.martin@valmont.example"


@pytest.fixture
def read(mailbox, django_capture_on_commit_callbacks):
    """Poll the mailbox as the periodic task does, its after-commit work
    (the notification e-mails) done."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return poll(mailbox)

    return run


def test_mail_in_acknowledgement_out_reply_in(mailbox, read, smtp_server, desk):  # noqa: F811
    mailbox.account.append(
        mail(subject="Écran de l'armoire à pharmacie figé", body="Salle 12, depuis 8 h.")
    )
    [row] = read().processed
    ticket = row.ticket
    assert row.outcome == Outcome.CREATED

    [acknowledgement] = smtp_server.to(CLAIRE)
    assert ticket.number in acknowledgement["Subject"]

    reply = mail(
        subject=f"RE: {acknowledgement['Subject']}",
        body=f"Toujours figé ce midi.\n\nLe lun. 2 mars, Support a écrit :\n> {ticket.number}",
        headers={
            "In-Reply-To": acknowledgement["Message-ID"],
            "References": acknowledgement["Message-ID"],
        },
    )
    mailbox.account.append(reply)
    [row] = read().processed
    assert row.outcome == Outcome.REPLIED and row.ticket == ticket
    comment = Comment.objects.get(ticket=ticket)
    assert comment.body == "Toujours figé ce midi."
    assert comment.author_person == ticket.requester and comment.via == "email"

    tickets, comments, told = (
        Ticket.objects.count(),
        Comment.objects.count(),
        len(smtp_server.messages),
    )
    notifications = Notification.objects.count()
    mailbox.account.append(
        mail(
            subject=f"Réponse automatique : {acknowledgement['Subject']}",
            body="Je suis absente jusqu'au 9 mars.",
            headers={
                "Auto-Submitted": "auto-replied",
                "In-Reply-To": acknowledgement["Message-ID"],
            },
        )
    )
    [row] = read().processed
    assert row.outcome == Outcome.AUTO_REPLY
    assert (Ticket.objects.count(), Comment.objects.count()) == (tickets, comments)
    assert Notification.objects.count() == notifications
    assert len(smtp_server.messages) == told
