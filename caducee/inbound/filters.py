"""Filters of mailboxes and incoming e-mail: one FilterSet each for the
list page and its exports (STYLE.md principle 3)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from caducee.core.filters import SearchFilterSet, scoped
from caducee.inbound.models import InboundMessage, Mailbox, Outcome
from caducee.org.models import Establishment

__all__ = ["InboundMessageFilterSet", "MailboxFilterSet"]


class MailboxFilterSet(SearchFilterSet):
    search_fields = ("name", "address", "host")

    establishment = django_filters.ModelChoiceFilter(
        queryset=scoped(Establishment), label=_("Establishment")
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Mailbox
        fields = ["q", "establishment", "is_active"]


class InboundMessageFilterSet(SearchFilterSet):
    search_fields = ("subject", "sender", "sender_name", "message_id")

    mailbox = django_filters.ModelChoiceFilter(queryset=scoped(Mailbox), label=_("Mailbox"))
    outcome = django_filters.MultipleChoiceFilter(choices=Outcome.choices, label=_("Outcome"))

    class Meta:
        model = InboundMessage
        fields = ["q", "mailbox", "outcome"]
