"""The e-mail channel's answer to the desk's ``ticket_event``.

Rule (issue "Channels" point 1; contract in ``caducee.desk.signals``): for
each event the desk tells, the e-mail channel notes the event in its
transaction (``services.events.note_event``: one row); once it commits, the
task queue chooses the recipients (``services.recipients``), renders each
mail in its reader's language (``services.rendering``), writes the outbox
and sends it. A rolled-back write sends nothing.

A notification must never cost the desk its write: a ticket recorded at the
emergency desk is worth more than the mail about it. What runs in the
desk's transaction is one insert of values the desk already checked; the
work that could fail on a surprise (a template, an address) runs after
commit, where a failure is logged and drops that event's mails only.
"""

from __future__ import annotations

from typing import Any

from caducee.notify.services.events import note_event


def ticket_event(
    sender: Any,
    *,
    ticket: Any,
    kind: str,
    actor: Any = None,
    recipients: frozenset[int] = frozenset(),
    message: str = "",
    comment: Any = None,
    **kwargs: Any,
) -> None:
    note_event(
        ticket, kind=kind, actor=actor, recipients=recipients, message=message, comment=comment
    )
