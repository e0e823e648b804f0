"""The reply token: the tag that ties a message about a ticket to it.

Rule (issue "Channels" points 1 and 2): every e-mail about a ticket carries
its number and a token in the subject — ``[INC-2026-000123 #k7f3q2mz]`` —
so that a reply whose headers were lost (a forward, a client that drops
``In-Reply-To``) still lands on its ticket. The number alone would let
anyone write onto any ticket by guessing; the token is a keyed hash of the
ticket's id and number (the installation's secret key), so only someone
who received a message about the ticket can quote it. Outgoing mail puts
the tag in; incoming mail looks for it when the headers match nothing.
"""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Iterable

from django.utils.crypto import constant_time_compare, salted_hmac

from caducee.desk.models import Ticket
from caducee.desk.models.kinds import NUMBER_PREFIXES

_SALT = "caducee.desk.reply-token"
_LENGTH = 8
_PREFIXES = "|".join(sorted(re.escape(p) for p in NUMBER_PREFIXES.values()))
TAG_PATTERN = re.compile(
    rf"\[\s*((?:{_PREFIXES})-\d{{4}}-\d{{6,}})\s*(?:·|\.|#|/)?\s*([a-z2-7]{{{_LENGTH}}})\s*\]",
    re.IGNORECASE,
)


def reply_token(ticket: Ticket) -> str:
    """The ticket's token: 8 letters and digits of base32, lower case."""
    digest = salted_hmac(_SALT, f"{ticket.pk}:{ticket.number}", algorithm="sha256").digest()
    return base64.b32encode(digest).decode("ascii")[:_LENGTH].lower()


def subject_tag(ticket: Ticket) -> str:
    """The tag outgoing mail puts in its subject."""
    return f"[{ticket.number} #{reply_token(ticket)}]"


def message_id(ticket: Ticket, domain: str) -> str:
    """A new ``Message-ID`` for a message about ``ticket`` (angle brackets
    included): unique, and naming the ticket with its token, so a reply's
    ``In-Reply-To``/``References`` lead back to it without a lookup table."""
    return f"<caducee.{ticket.pk}.{reply_token(ticket)}.{uuid.uuid4().hex}@{domain}>"


_MESSAGE_ID = re.compile(r"<?caducee\.(\d{1,18})\.([a-z2-7]{8})\.[0-9a-f]{32}@[^>\s]+>?", re.I)


def ticket_from_message_ids(values: Iterable[str]) -> Ticket | None:
    """The ticket named by the first of our own Message-IDs among ``values``
    (the ``In-Reply-To`` then ``References`` of a reply), if its token holds."""
    for value in values:
        for pk, token in _MESSAGE_ID.findall(value or ""):
            ticket = Ticket.objects.filter(pk=int(pk)).first()
            if ticket is not None and constant_time_compare(reply_token(ticket), token.lower()):
                return ticket
    return None


def ticket_from_subject(subject: str) -> Ticket | None:
    """The ticket whose tag (with a valid token) the subject quotes, if any.

    A number with a wrong token, or a number alone, matches nothing."""
    for number, token in TAG_PATTERN.findall(subject or ""):
        ticket = Ticket.objects.filter(number=number.upper()).first()
        if ticket is not None and constant_time_compare(reply_token(ticket), token.lower()):
            return ticket
    return None
