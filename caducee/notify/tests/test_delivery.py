"""Sending the outbox: at most one mail per row, retried with back-off when
the relay refuses, failed when it keeps refusing or when a worker died in
the middle — against a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from caducee.desk.models import NotificationKind, Ticket
from caducee.desk.signals import ticket_event
from caducee.notify.models import MailEvent, MailState, OutgoingMail
from caducee.notify.services import events, outbox
from caducee.notify.tasks import send_due_mail, send_outgoing_mail
from caducee.notify.tests.conftest import CLAIRE

pytestmark = pytest.mark.django_db


def only_mail() -> OutgoingMail:
    [mail] = OutgoingMail.objects.all()
    return mail


def written_mail() -> OutgoingMail:
    """The one mail of the events noted so far, written but not sent (as
    the task does before sending)."""
    events.expand()
    return only_mail()


def test_a_task_run_twice_sends_one_mail(smtp_server, new_ticket, committed):
    with committed():
        new_ticket()
    mail = only_mail()
    assert len(smtp_server.to(CLAIRE)) == 1

    send_outgoing_mail([mail.pk])
    send_outgoing_mail([mail.pk])
    send_due_mail()

    assert len(smtp_server.messages) == 1
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == (MailState.SENT, 1)
    assert mail.sent_at is not None


def test_a_451_is_retried_later_and_sends_one_mail(smtp_server, new_ticket, committed):
    smtp_server.refuse_next(1)
    with committed():
        new_ticket()
    mail = only_mail()
    assert smtp_server.messages == [] and smtp_server.refused == 1
    assert mail.state == MailState.PENDING
    assert mail.attempts == 1
    assert "451" in mail.last_error
    wait = mail.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=50) < wait <= dt.timedelta(minutes=1)

    send_outgoing_mail([mail.pk])  # a retried task before the back-off: nothing yet
    assert smtp_server.messages == []

    later = timezone.now() + dt.timedelta(minutes=1, seconds=5)
    assert outbox.sweep(now=later)["sent"] == 1
    outbox.sweep(now=later + dt.timedelta(minutes=5))
    send_outgoing_mail([mail.pk])
    assert len(smtp_server.to(CLAIRE)) == 1
    mail.refresh_from_db()
    assert (mail.state, mail.attempts, mail.last_error) == (MailState.SENT, 2, "")


def test_a_relay_that_keeps_refusing_fails_the_mail(smtp_server, new_ticket, committed, settings):
    settings.CADUCEE_MAIL_MAX_ATTEMPTS = 3
    smtp_server.refuse_next(10, "452 4.2.2 Mailbox full")
    with committed():
        new_ticket()
    mail = only_mail()
    now = timezone.now()
    outbox.sweep(now=now + dt.timedelta(minutes=1, seconds=1))
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == (MailState.PENDING, 2)
    assert mail.next_attempt_at - now > dt.timedelta(minutes=2, seconds=50)  # 1 then 2 minutes
    outbox.sweep(now=now + dt.timedelta(minutes=4))
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == (MailState.FAILED, 3)
    assert "Mailbox full" in mail.last_error
    outbox.sweep(now=now + dt.timedelta(hours=2))
    assert smtp_server.refused == 3 and smtp_server.messages == []


def test_a_permanent_refusal_fails_at_once(smtp_server, new_ticket, committed):
    smtp_server.refuse_next(1, "550 5.1.1 No such user here")
    with committed():
        new_ticket()
    mail = only_mail()
    assert (mail.state, mail.attempts) == (MailState.FAILED, 1)
    assert "No such user" in mail.last_error
    outbox.sweep(now=timezone.now() + dt.timedelta(hours=1))
    assert smtp_server.messages == [] and smtp_server.refused == 1


def test_a_relay_that_is_down_is_retried(smtp_server, new_ticket, committed, settings):
    from caducee.core.testing.smtp import free_port

    settings.EMAIL_PORT = free_port()  # nobody listens there
    with committed():
        new_ticket()
    mail = only_mail()
    assert (mail.state, mail.attempts) == (MailState.PENDING, 1)
    assert mail.last_error
    settings.EMAIL_PORT = smtp_server.port
    outbox.sweep(now=timezone.now() + dt.timedelta(minutes=2))
    assert len(smtp_server.to(CLAIRE)) == 1


def test_an_event_whose_enqueue_was_lost_is_mailed_by_the_sweep(smtp_server, new_ticket):
    ticket = new_ticket()  # committed without running the after-commit enqueue: a killed worker
    [event] = MailEvent.objects.all()
    assert (event.ticket, event.kind, event.version) == (ticket, "created", ticket.version)
    assert not OutgoingMail.objects.exists() and smtp_server.messages == []
    send_due_mail()
    assert len(smtp_server.to(CLAIRE)) == 1
    assert not MailEvent.objects.exists()
    send_due_mail()
    assert len(smtp_server.messages) == 1


def test_a_queue_out_of_reach_costs_no_write_and_the_sweep_mails(
    smtp_server, new_ticket, committed, monkeypatch
):
    """Redis down at the commit: the ticket is recorded, its event waits,
    and the minute's sweep writes and sends its mail."""

    def unreachable(ids):
        raise ConnectionError("queue unreachable")

    monkeypatch.setattr(events, "enqueue", unreachable)
    with committed():
        ticket = new_ticket()
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    assert MailEvent.objects.count() == 1 and smtp_server.messages == []
    send_due_mail()
    assert len(smtp_server.to(CLAIRE)) == 1


def test_a_mail_whose_enqueue_was_lost_goes_with_the_sweep(smtp_server, new_ticket):
    new_ticket()
    mail = written_mail()  # written, then the worker died before sending
    assert mail.state == MailState.PENDING and smtp_server.messages == []
    send_due_mail()
    assert len(smtp_server.to(CLAIRE)) == 1


def test_a_mail_left_sending_is_failed_not_resent(smtp_server, new_ticket):
    new_ticket()
    mail = written_mail()
    now = timezone.now()
    assert outbox.claim([mail.pk], now=now) == [mail.pk]
    # the worker dies here, before or after talking to SMTP: nobody knows
    assert outbox.sweep(now=now + dt.timedelta(minutes=11))["stuck"] == 1
    mail.refresh_from_db()
    assert mail.state == MailState.FAILED
    assert "may or may not have been sent" in mail.last_error
    send_due_mail()
    send_outgoing_mail([mail.pk])
    assert smtp_server.messages == []


def test_a_mail_being_sent_just_now_is_left_alone(smtp_server, new_ticket):
    new_ticket()
    mail = written_mail()
    now = timezone.now()
    outbox.claim([mail.pk], now=now)
    swept = outbox.sweep(now=now + dt.timedelta(minutes=2))
    assert swept == {"stuck": 0, "written": 0, "claimed": 0, "sent": 0}
    mail.refresh_from_db()
    assert mail.state == MailState.SENDING


def test_the_same_event_told_twice_writes_one_mail(
    smtp_server, new_ticket, desk, committed, django_capture_on_commit_callbacks
):
    ticket = new_ticket()
    MailEvent.objects.all().delete()  # its acknowledgement is not the point here
    event = {
        "ticket": Ticket.objects.get(pk=ticket.pk),
        "kind": NotificationKind.RESOLVED,
        "actor": desk.agent,
        "recipients": frozenset(),
        "message": "résolu",
        "comment": None,
    }
    with committed():
        ticket_event.send(sender=Ticket, **event)
        ticket_event.send(sender=Ticket, **event)
    assert OutgoingMail.objects.count() == 1
    assert len(smtp_server.to(CLAIRE)) == 1


def test_an_event_taken_twice_is_written_once(smtp_server, new_ticket):
    """Two workers on one event (the task and the sweep): the second finds it
    taken and writes nothing."""
    new_ticket()
    [event] = MailEvent.objects.all()
    first = events.expand([event.pk])
    assert len(first) == 1
    assert events.expand([event.pk]) == []
    assert OutgoingMail.objects.count() == 1


def test_a_failing_event_is_dropped_and_the_others_written(
    smtp_server, new_ticket, monkeypatch, caplog
):
    """A surprise while writing one event's mails (a broken template) costs
    that event's mails only: logged, dropped, not retried every minute."""
    from caducee.notify.services import rendering

    broken = new_ticket(title="Premier")
    fine = new_ticket(title="Second")
    real = rendering.render_mail

    def render(ticket, **kwargs):
        if ticket.pk == broken.pk:
            raise RuntimeError("template missing")
        return real(ticket, **kwargs)

    monkeypatch.setattr(events, "render_mail", render)
    written = events.expand()
    assert [mail.ticket_id for mail in OutgoingMail.objects.filter(pk__in=written)] == [fine.pk]
    assert not MailEvent.objects.exists()
    assert "notification e-mails of event" in caplog.text and "template missing" in caplog.text
    assert Ticket.objects.filter(pk=broken.pk).exists()


def test_backoff_doubles_up_to_an_hour():
    minutes = [outbox.backoff(n).total_seconds() / 60 for n in range(1, 9)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60]
