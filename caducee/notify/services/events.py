"""From a desk event to its e-mails: noted in the event's transaction,
written and sent after commit.

Rule (issue "Channels" point 1): a notification e-mail exists only if its
event committed, and is sent at most once. Rule (issue "Service desk core",
performance): recording a ticket through the API takes under 30 ms, and
choosing the recipients and rendering each mail in its reader's language
cost a quarter of that. So the event's transaction writes one small row
(``MailEvent``: the ticket and its version, the kind, the actor, the
accounts concerned, the in-app text, the comment) and nothing else; after
commit the task queue turns it into outbox rows (``expand``: recipients,
rendering, ``outbox.queue_event``) and sends them.

* Durable: the row commits or rolls back with the event. An enqueue lost
  with its process (killed between the commit and the enqueue, a queue
  that cannot be reached) is made good by the minute's sweep, which expands
  every row left.
* Once: an event is expanded in one transaction that first deletes its row;
  a second worker on the same row deletes nothing (it waited for the first
  on PostgreSQL's row lock, or on SQLite's write lock) and writes nothing.
  The outbox's unique key per (event, address) stands behind it.
* The mail shows the ticket as it is when it is written, a moment after
  the event (its title, its number, its links); what the event was about
  (the kind, the comment, the accounts concerned, the version in the key)
  is the event's own.
* A notification must never cost the desk its write (nor stop the mails of
  other events): an event whose expansion fails unexpectedly is logged and
  dropped; the ticket and its in-app notification stay.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from caducee.desk.models import Comment, Ticket
from caducee.notify.models import MailEvent
from caducee.notify.services.outbox import queue_event
from caducee.notify.services.recipients import email_recipients, may_reach
from caducee.notify.services.rendering import render_mail

logger = logging.getLogger(__name__)


def note_event(
    ticket: Ticket,
    *,
    kind: str,
    actor: Any = None,
    recipients: Iterable[int] = (),
    message: str = "",
    comment: Comment | None = None,
) -> MailEvent | None:
    """Note, in the caller's transaction, that this event may need e-mails;
    they are written and sent once it commits. ``None`` when it cannot:
    an internal note reaches no one by mail, and an event that concerns no
    account and is not for the requester has no reader."""
    ids = sorted(set(recipients))
    if not may_reach(kind, comment=comment, recipients=frozenset(ids)):
        return None
    event = MailEvent.objects.create(
        ticket=ticket,
        version=ticket.version,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        recipients=ids,
        message=message,
        comment=comment,
    )
    pk = event.pk
    # robust: a queue that cannot be reached must not fail a committed
    # write; the sweep writes and sends these mails within a minute anyway.
    transaction.on_commit(lambda: enqueue([pk]), robust=True)
    return event


def enqueue(ids: list[int]) -> None:
    from caducee.notify.tasks import write_event_mail

    write_event_mail(ids)


def expand(ids: Iterable[int] | None = None) -> list[int]:
    """Write the outbox rows of these noted events (or of every one left),
    each in its own transaction; returns the ids of the rows written."""
    pending = MailEvent.objects.order_by("pk").values_list("pk", flat=True)
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    written: list[int] = []
    for pk in list(pending):
        try:
            written += _expand_one(pk)
        except Exception:
            logger.exception("notification e-mails of event %s not written", pk)
            MailEvent.objects.filter(pk=pk).delete()
    return written


def _expand_one(pk: int) -> list[int]:
    with transaction.atomic():
        # Taken by deleting it: whoever deletes nothing lost the race.
        event = (
            MailEvent.objects.select_related(
                "ticket__requester__user", "actor", "comment__author", "comment__author_person"
            )
            .filter(pk=pk)
            .first()
        )
        if event is None or not MailEvent.objects.filter(pk=pk).delete()[0]:
            return []
        ticket, comment = event.ticket, event.comment
        people = email_recipients(
            ticket,
            kind=event.kind,
            actor=event.actor,
            recipients=frozenset(event.recipients),
            comment=comment,
        )
        mails = [
            (recipient, render_mail(ticket, kind=event.kind, recipient=recipient, comment=comment))
            for recipient in people
        ]
        return queue_event(
            ticket,
            kind=event.kind,
            version=event.version,
            message=event.message,
            comment=comment,
            mails=mails,
        )
