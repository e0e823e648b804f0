"""The administrators' pages: mailboxes with a write-only password, the
messages with their outcome, releasing a held one and retrying a failed one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caducee.core import roles
from caducee.core.models import AuditEvent
from caducee.desk.models import Ticket
from caducee.inbound.models import InboundMessage, Mailbox, Outcome
from caducee.inbound.services.processing import receive
from caducee.inbound.tests.conftest import fixture_message, mail


@pytest.fixture
def administrator(make_user, ght):
    return make_user(roles.ADMINISTRATOR, establishments=[ght.a], username="admin-a")


@pytest.fixture
def box(ght, admin_user):
    from caducee.core.services.objects import create_object

    mailbox = Mailbox(
        establishment=ght.a,
        name="Support",
        address="support@valmont.example",
        host="127.0.0.1",
        username="support",
        password_env="CADUCEE_TEST_UNSET_VARIABLE",
    )
    return create_object(mailbox, actor=admin_user)


def form_data(ght, **changes):
    data = {
        "name": "Support Valmont",
        "establishment": ght.a.pk,
        "address": "Support@Valmont.example",
        "host": "imap.valmont.example",
        "port": 993,
        "security": "tls",
        "ca_file": "",
        "username": "support",
        "password": "s3cret-imap-password",
        "password_env": "",
        "folder": "INBOX",
        "unknown_senders": "hold",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_an_administrator_creates_a_mailbox_whose_password_is_never_shown(
    client, administrator, ght
):
    client.force_login(administrator)
    response = client.post(reverse("inbound:mailbox_add"), form_data(ght))
    assert response.status_code == 302, response.content
    mailbox = Mailbox.objects.get()
    assert mailbox.address == "support@valmont.example"
    assert mailbox.password() == "s3cret-imap-password"
    assert "s3cret" not in mailbox.password_encrypted
    page = client.get(reverse("inbound:mailbox_edit", args=[mailbox.pk])).content.decode()
    assert "s3cret" not in page and mailbox.password_encrypted not in page
    assert "s3cret" not in client.get(mailbox.get_absolute_url()).content.decode()
    # Left empty, the password stays.
    client.post(
        reverse("inbound:mailbox_edit", args=[mailbox.pk]), form_data(ght, password="", name="X")
    )
    mailbox.refresh_from_db()
    assert mailbox.name == "X" and mailbox.password() == "s3cret-imap-password"
    trail = AuditEvent.objects.filter(object_type="inbound.mailbox")
    assert trail.count() == 2
    assert all("s3cret" not in str(e.changes) for e in trail)


def test_bad_input_is_shown_beside_its_field(client, administrator, ght):
    client.force_login(administrator)
    response = client.post(
        reverse("inbound:mailbox_add"),
        form_data(ght, password="", port=70000, ca_file="/nonexistent/ca.pem"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"port", "ca_file", "password_env"} <= set(errors)
    assert not Mailbox.objects.exists()


def test_only_administrators_manage_mailboxes(client, make_user, ght, box):
    agent = make_user(roles.DESK_AGENT, establishments=[ght.a])
    client.force_login(agent)
    assert client.get(reverse("inbound:mailbox_list")).status_code == 403
    assert client.get(reverse("inbound:mailbox_add")).status_code == 403
    assert client.get(reverse("inbound:inboundmessage_list")).status_code == 403


def test_a_held_message_is_released_as_a_new_ticket(client, administrator, box, desk):
    raw = mail(sender="Jeanne Petit <jeanne.petit@valmont.example>", subject="Badge refusé")
    row = receive(box, uidvalidity=1, uid=1, raw=raw)
    assert row.outcome == Outcome.HELD
    client.force_login(administrator)
    page = client.get(box.get_absolute_url()).content.decode()
    assert "Badge refusé" in page
    listed = client.get(reverse("inbound:inboundmessage_list"), {"outcome": "held"})
    assert "Badge refusé" in listed.content.decode()
    assert "Support" in client.get(reverse("inbound:mailbox_list")).content.decode()
    detail = client.get(row.get_absolute_url()).content.decode()
    assert "Release as a new ticket" in detail and "jeanne.petit@valmont.example" in detail
    response = client.post(reverse("inbound:inboundmessage_release", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.outcome == Outcome.CREATED and row.handled_by == administrator
    ticket = row.ticket
    assert (
        ticket.title == "Badge refusé" and ticket.requester.email == "jeanne.petit@valmont.example"
    )
    assert AuditEvent.objects.filter(
        event="inbound.message_released", actor_id=administrator.pk
    ).exists()
    # Released once only.
    again = client.post(reverse("inbound:inboundmessage_release", args=[row.pk]))
    assert again.status_code == 409
    assert Ticket.objects.filter(title="Badge refusé").count() == 1


def test_a_failed_message_is_retried(client, administrator, box, desk, settings):
    row = receive(box, uidvalidity=1, uid=2, raw=fixture_message("malformed.eml"))
    assert row.outcome == Outcome.FAILED
    client.force_login(administrator)
    response = client.post(reverse("inbound:inboundmessage_retry", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.outcome == Outcome.FAILED and row.handled_by == administrator  # still unreadable
    # A message that failed for a reason since fixed goes through on retry.
    InboundMessage.objects.filter(pk=row.pk).update(raw=mail(subject="Écran noir"))
    client.post(reverse("inbound:inboundmessage_retry", args=[row.pk]))
    row.refresh_from_db()
    assert row.outcome == Outcome.CREATED and row.ticket.title == "Écran noir"
