"""The e-mail channel's answer to the desk's ``ticket_event``.

Rule (issue "Channels" point 1; contract in ``caducee.desk.signals``): for
each event the desk tells, the e-mail recipients are chosen
(``services.recipients``), each mail is rendered in its reader's language
(``services.rendering``) and written to the outbox in the event's
transaction (``services.outbox.queue_event``), to be sent after commit.

A notification must never cost the desk its write: a ticket recorded at the
emergency desk is worth more than the mail about it. So the outbox rows are
written in a savepoint and an unexpected error there is logged and dropped
(the ticket and its in-app notification stay; no mail goes out).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from caducee.notify.services.outbox import queue_event
from caducee.notify.services.recipients import email_recipients
from caducee.notify.services.rendering import render_mail

logger = logging.getLogger(__name__)


def ticket_event(
    sender: Any,
    *,
    ticket: Any,
    kind: str,
    actor: Any = None,
    recipients: frozenset[int] = frozenset(),
    accounts: dict[int, Any] | None = None,
    choices: dict[tuple[int, str], bool] | None = None,
    message: str = "",
    comment: Any = None,
    **kwargs: Any,
) -> None:
    try:
        with transaction.atomic():
            people = email_recipients(
                ticket,
                kind=kind,
                actor=actor,
                recipients=recipients,
                comment=comment,
                accounts=accounts,
                choices=choices,
            )
            mails = [
                (recipient, render_mail(ticket, kind=kind, recipient=recipient, comment=comment))
                for recipient in people
            ]
            queue_event(ticket, kind=kind, message=message, comment=comment, mails=mails)
    except Exception:
        logger.exception("notification e-mail of %s (%s) not written", ticket.pk, kind)
