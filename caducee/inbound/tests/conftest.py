"""Fixtures of the e-mail tests: the desk's small GHT and people
(``caducee.desk.tests.conftest``, with the CMDB's), a mailbox of
establishment A on the test Dovecot (``caducee.core.testing.imap``), and
helpers to write mail as a mail client would."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from django.utils import timezone

from caducee.cmdb.tests.conftest import cmdb  # noqa: F401
from caducee.desk.tests.conftest import desk, new_ticket  # noqa: F401

MESSAGES = Path(__file__).parent / "messages"


def fixture_message(name: str) -> bytes:
    return (MESSAGES / name).read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def mail(
    *,
    sender: str = "Claire Martin <claire.martin@valmont.example>",
    to: str = "support@valmont.example",
    subject: str = "Le poste de soins ne démarre plus",
    body: str = "Bonjour,\nle poste de la salle 12 ne démarre plus.\nClaire",
    html: str | None = None,
    headers: dict[str, str] | None = None,
    files: list[tuple[str, bytes, str]] = (),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(domain="valmont.example")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, content, kind in files:
        maintype, subtype = kind.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


@pytest.fixture
def mailbox(ght, admin_user, imap_account):
    """A mailbox of establishment A on a fresh Dovecot account (IMAPS)."""
    from caducee.core.services.objects import create_object
    from caducee.inbound.models import Mailbox, UnknownSenders

    box = Mailbox(
        establishment=ght.a,
        name="Support Valmont",
        address="support@valmont.example",
        host=imap_account.server.host,
        port=imap_account.server.port,
        ca_file=imap_account.server.ca_file,
        username=imap_account.username,
        unknown_senders=UnknownSenders.HOLD,
    )
    box.set_password(imap_account.password)
    box = create_object(box, actor=admin_user)
    box.account = imap_account
    return box
