"""Tables of mailboxes and incoming e-mail (list pages and their exports)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caducee.inbound.models import InboundMessage, Mailbox

__all__ = ["InboundMessageTable", "MailboxTable"]


class _Base(tables.Table):
    class Meta:
        attrs = {"class": "table"}
        template_name = "core/table.html"


class MailboxTable(_Base):
    name = tables.Column(linkify=True)
    is_active = tables.BooleanColumn(verbose_name=_("Active"))

    class Meta(_Base.Meta):
        model = Mailbox
        fields = ("name", "address", "establishment", "is_active", "last_polled_at", "last_error")


class InboundMessageTable(_Base):
    subject = tables.Column(linkify=True, default=_("(no subject)"))
    ticket = tables.Column(
        linkify=lambda record: reverse("desk:ticket_detail", args=[record.ticket_id])
    )

    class Meta(_Base.Meta):
        model = InboundMessage
        fields = ("created_at", "mailbox", "sender", "subject", "outcome", "ticket", "reason")
