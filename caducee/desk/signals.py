"""What the desk tells the parts above it when a ticket changes.

Rule (DESIGN.md "Apps depend downward only"): the SLA part reads tickets and
the desk never imports it; the desk announces each saved change instead.
``ticket_saved`` is sent by the ticket services after every write, inside
the write's transaction, with the saved ticket, the acting user and whether
it was just created. A receiver may change derived fields of the ticket
itself (the SLA deadlines) with a queryset update and set them on the
instance it was given, so the caller returns the ticket as it now is. A
receiver that raises undoes the whole write: it must only fail for a reason
the write itself should fail for.
"""

from __future__ import annotations

from django.dispatch import Signal

#: Sent with ``ticket``, ``actor``, ``created`` (bool).
ticket_saved = Signal()

#: Sent with ``ticket`` (complete but not yet inserted: number, priority and
#: assignment set) and ``actor``, just before a new ticket's insert, inside
#: its transaction. A receiver may set derived fields on the instance (the
#: SLA deadlines) so that the one insert writes them; ``ticket_saved``
#: (``created=True``) follows the insert as for any write.
ticket_recording = Signal()

#: Sent when the desk tells people about a ticket (issue "Channels" point 1),
#: with ``ticket``, ``kind`` (a ``NotificationKind`` value), ``actor`` (the
#: account that acted, ``None`` for the system), ``recipients`` (frozenset of
#: the account ids the desk notifies about it — already without the actor
#: and inactive accounts, before any preference), ``message`` (the in-app
#: text, in the acting request's language; a channel renders its own text)
#: and ``comment`` (the ``Comment`` for a reply or a mention, else ``None``).
#: Requester-facing kinds (created, reply, resolved, closed) concern the
#: ticket's requester even without an account: a channel that reaches people
#: by address (e-mail) adds the requester's own address. Sent inside the
#: write's transaction: receivers note the event there, as little as makes
#: it durable, and do their work after commit (``transaction.on_commit``),
#: so a rolled-back write tells no one and the write does not wait for them.
ticket_event = Signal()
