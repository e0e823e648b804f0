"""A mailbox read from a real Dovecot: new mail becomes tickets, exactly once;
what must be ignored creates nothing; a malformed message is kept."""

from __future__ import annotations

from caducee.desk.models import Attachment, Channel, Comment, Notification, Ticket
from caducee.inbound.models import InboundMessage, Mailbox, Outcome, UnknownSenders
from caducee.inbound.services.polling import acquire, poll
from caducee.inbound.services.processing import receive
from caducee.inbound.tests.conftest import fixture_message, mail
from caducee.org.models import Person

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_new_mail_becomes_a_ticket_of_the_mailbox(mailbox, ght):
    mailbox.account.append(
        mail(
            sender="Claire Martin <CLAIRE.MARTIN@valmont.example>",
            subject="RE: Fwd: Le poste de soins ne démarre plus",
            files=[
                ("capture.png", PNG, "image/png"),
                ("outil.exe", b"MZ\x90\x00", "application/octet-stream"),
            ],
        )
    )
    result = poll(mailbox)
    assert not result.error and len(result.processed) == 1
    row = result.processed[0]
    assert row.outcome == Outcome.CREATED
    ticket = row.ticket
    assert ticket.requester == ght.nurse_a
    assert ticket.establishment == ght.a
    assert ticket.channel == Channel.EMAIL
    assert ticket.title == "Le poste de soins ne démarre plus"
    assert "le poste de la salle 12 ne démarre plus" in ticket.description
    assert "outil.exe" in ticket.description  # the refused file is noted, the mail is not refused
    assert list(Attachment.objects.filter(ticket=ticket).values_list("name", flat=True)) == [
        "capture.png"
    ]
    assert mailbox.account.flags()[row.uid] >= {"\\Seen"}
    mailbox.refresh_from_db()
    assert mailbox.last_polled_at and mailbox.last_error == ""


def test_starttls_mailboxes_are_read_too(mailbox, admin_user):
    Mailbox.objects.filter(pk=mailbox.pk).update(
        security="starttls", port=mailbox.account.server.starttls_port
    )
    mailbox.refresh_from_db()
    mailbox.account.append(mail())
    assert [r.outcome for r in poll(mailbox).processed] == [Outcome.CREATED]


def test_ignored_mail_creates_nothing(mailbox, new_ticket, desk):
    for name in ("out_of_office_fr.eml", "dsn_bounce.eml", "own_mail_back.eml"):
        mailbox.account.append(fixture_message(name))
    before = (Ticket.objects.count(), Comment.objects.count(), Notification.objects.count())
    result = poll(mailbox)
    assert [r.outcome for r in result.processed] == [
        Outcome.AUTO_REPLY,
        Outcome.BOUNCE,
        Outcome.LOOP,
    ]
    assert (Ticket.objects.count(), Comment.objects.count(), Notification.objects.count()) == before


def test_a_malformed_message_is_kept_as_failed_and_the_next_one_processed(mailbox):
    mailbox.account.append(fixture_message("malformed.eml"))
    mailbox.account.append(mail())
    result = poll(mailbox)
    failed, created = result.processed
    assert failed.outcome == Outcome.FAILED and failed.reason == "no header"
    assert bytes(InboundMessage.objects.get(pk=failed.pk).raw).startswith(b"this is not an e-mail")
    assert created.outcome == Outcome.CREATED
    assert mailbox.account.flags()[failed.uid] >= {"\\Seen"}


def test_each_message_is_processed_once(mailbox):
    mailbox.account.append(mail(subject="Imprimante bloquée"))
    poll(mailbox)
    poll(mailbox)
    # Someone marks it unread in a mail client: still recorded, not processed again.
    mailbox.account.unflag_all()
    again = poll(mailbox)
    assert again.processed == [] and again.flagged_only == 1
    assert Ticket.objects.filter(title="Imprimante bloquée").count() == 1
    assert mailbox.account.flags()[1] >= {"\\Seen"}


def test_a_poller_killed_after_commit_before_the_flag(mailbox):
    """The commit happened (the message is recorded), the \\Seen flag did not:
    the next poll only flags it."""
    mailbox.account.append(mail(subject="Scanner hors service"))
    client = mailbox.account.connect()
    client.select("INBOX")
    uidvalidity = int(client.untagged_responses["UIDVALIDITY"][-1])
    raw = client.uid("FETCH", "1", "(BODY.PEEK[])")[1][0][1]
    client.logout()
    assert receive(mailbox, uidvalidity=uidvalidity, uid=1, raw=raw).outcome == Outcome.CREATED
    assert "\\Seen" not in mailbox.account.flags()[1]
    result = poll(mailbox)
    assert result.processed == [] and result.flagged_only == 1
    assert Ticket.objects.filter(title="Scanner hors service").count() == 1
    assert "\\Seen" in mailbox.account.flags()[1]


def test_two_pollers_never_read_the_same_mailbox(mailbox):
    mailbox.account.append(mail())
    assert acquire(mailbox) is not None  # another worker holds it
    result = poll(mailbox)
    assert result.busy and result.processed == []
    assert Ticket.objects.count() == 0


def test_unknown_senders_held_or_recorded_as_people(mailbox, ght):
    stranger = "Jeanne Petit <jeanne.petit@valmont.example>"
    mailbox.account.append(mail(sender=stranger, subject="Badge refusé"))
    [held] = poll(mailbox).processed
    assert held.outcome == Outcome.HELD and held.ticket is None
    assert not Person.objects.filter(email__iexact="jeanne.petit@valmont.example").exists()

    Mailbox.objects.filter(pk=mailbox.pk).update(unknown_senders=UnknownSenders.CREATE_PERSON)
    mailbox.refresh_from_db()
    mailbox.account.append(mail(sender=stranger, subject="Badge toujours refusé"))
    [created] = poll(mailbox).processed
    assert created.outcome == Outcome.CREATED
    person = created.ticket.requester
    assert (person.first_name, person.last_name, person.email) == (
        "Jeanne",
        "Petit",
        "jeanne.petit@valmont.example",
    )
    assert person.establishment == ght.a


def test_server_errors_are_recorded_on_the_mailbox_not_raised(mailbox):
    mailbox.set_password("wrong password")
    mailbox.save()
    result = poll(mailbox)
    mailbox.refresh_from_db()
    assert result.error and mailbox.last_error and mailbox.last_error_at
    Mailbox.objects.filter(pk=mailbox.pk).update(port=1)
    mailbox.refresh_from_db()
    assert poll(mailbox).error


def test_the_password_is_not_stored_in_clear(mailbox):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT password_encrypted FROM inbound_mailbox WHERE id = %s", [mailbox.pk])
        stored = cursor.fetchone()[0]
    assert mailbox.account.password not in stored
    assert Mailbox.objects.get(pk=mailbox.pk).password() == mailbox.account.password
    from caducee.core.models import AuditEvent

    trail = AuditEvent.objects.filter(object_type="inbound.mailbox")
    assert trail.exists()
    assert all(mailbox.account.password not in str(e.changes) for e in trail)
    assert all(stored not in str(e.changes) for e in trail)
