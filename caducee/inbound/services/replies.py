"""A reply by e-mail to one of our messages about a ticket.

Rules (issue "Channels" point 2):

* Only the ticket's requester or one of its watchers writes on it by
  e-mail; a reply from anyone else is held for triage, not posted (a
  forwarded message must not let a stranger write on a ticket).
* The quoted part is not the requester's new words: it is stripped
  (``parsing.strip_quoted``); the reply lands as the requester's public
  comment (``caducee.desk.services.channel_replies.add_requester_reply``),
  with its files under the desk's limits, a refused one noted.
* A reply to a resolved ticket, or to a closed one within the reopening
  delay (``lifecycle.reopen_days()`` from its resolution), reopens it
  (``lifecycle.reopen``) and lands on it. After that delay — or to a
  cancelled ticket, or when the desk refuses the reopening — it becomes a
  new ticket, linked to the old one ("caused by"), whose description is
  the reply.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.core.services.errors import Conflict
from caducee.desk.models import Channel, LinkKind, Status, Ticket, TicketKind
from caducee.desk.services import lifecycle
from caducee.desk.services.channel_replies import add_requester_reply, channel_actor, may_reply
from caducee.desk.services.links import link_tickets
from caducee.inbound.models import InboundMessage, Outcome
from caducee.inbound.services import senders
from caducee.inbound.services.parsing import ParsedMessage, strip_quoted
from caducee.org.models import Person


def replying_person(ticket: Ticket, address: str) -> Person | None:
    """The person behind ``address`` who may reply on ``ticket``, if any."""
    for person in senders.people_with(address, ticket.establishment_id):
        if may_reply(ticket, person):
            return person
    return None


def within_delay(ticket: Ticket) -> bool:
    if ticket.status not in (Status.RESOLVED, Status.CLOSED) or ticket.resolved_at is None:
        return False
    return timezone.now() - ticket.resolved_at <= dt.timedelta(days=lifecycle.reopen_days())


def follow_up(row: InboundMessage, parsed: ParsedMessage, old: Ticket, person: Person, text: str):
    from caducee.inbound.services.processing import open_ticket

    kind = old.kind if old.kind in (TicketKind.INCIDENT, TicketKind.REQUEST) else "incident"
    note = _("Follows up %(number)s, which can no longer be reopened.") % {"number": old.number}
    ticket = open_ticket(row, parsed, person=person, text=f"{text}\n\n{note}", kind=kind)
    link_tickets(ticket, old, actor=channel_actor(), kind=LinkKind.CAUSED_BY)
    row.outcome = Outcome.FOLLOW_UP


def reply(row: InboundMessage, parsed: ParsedMessage, ticket: Ticket) -> None:
    from caducee.inbound.services.processing import _event, inspect_files, with_notes

    row.ticket = ticket
    person = replying_person(ticket, parsed.sender)
    if person is None:
        row.outcome = Outcome.HELD
        row.reason = _("%(sender)s is neither the requester nor a watcher of %(number)s") % {
            "sender": parsed.sender,
            "number": ticket.number,
        }
        row.person = senders.find_person(parsed.sender, ticket.establishment_id)
        _event("inbound.message_held", row, {"ticket": ticket.pk})
        return
    row.person = person
    text = strip_quoted(parsed.text) or parsed.text.strip()
    if ticket.status in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED):
        reopened = False
        if within_delay(ticket):
            try:
                ticket = lifecycle.reopen(
                    ticket,
                    actor=channel_actor(),
                    reason=_("The requester replied by e-mail."),
                )
                reopened = True
            except Conflict:
                reopened = False  # the desk refuses (e.g. a closed ticket is final)
        if not reopened:
            follow_up(row, parsed, ticket, person, text)
            return
        row.outcome = Outcome.REOPENED
    else:
        row.outcome = Outcome.REPLIED
    accepted, refused = inspect_files(parsed)
    if refused:
        row.reason = "\n".join(refused)
    comment = add_requester_reply(
        ticket,
        person=person,
        body=with_notes(text, refused) or _("(no text)"),
        via=Channel.EMAIL,
        files=accepted,
        actor=senders.acting_account(person, ticket.establishment_id)
        if person.user_id
        else channel_actor(),
    )
    row.comment = comment
    row.ticket = comment.ticket
