"""A requester's words that come through a channel: an e-mail reply.

Rules (issue "Channels" point 2; see ``caducee.desk.services.comments``):

* A requester's reply is a public comment written by that person: the
  comment names the Person (``author_person``) and their account when they
  have one (``author``), and the channel it came through (``via``). It may
  come from the ticket's requester or from one of its watchers, nobody
  else (a forwarded thread must not let a stranger write on a ticket);
  never on a closed or cancelled ticket.
* The account that writes it is the person's own when they have one, else
  the desk's system account (``channel_actor``): the trail names both the
  account and, in the event's data, the person and the channel.
* It is not the ticket's first response — that is the desk's answer to the
  requester, the SLA response clock waits for it.
* It answers a ticket waiting on the requester: the ticket goes back to
  work (to its assignee, else its group's queue) through ``lifecycle``, so
  the SLA clock runs again.
* It tells the assignee and the watchers ("reply"), through the desk's
  ``notify`` (the in-app rows and ``ticket_event`` for the other channels);
  never the person who wrote it.

Reopening a resolved ticket on a reply is the channel's decision (made
before calling this, through ``lifecycle.reopen``), as the portal's
"reopen" button is the requester's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.desk.models import Comment, NotificationKind, Status, Ticket, Visibility
from caducee.desk.services import attachments as attachment_services
from caducee.desk.services import lifecycle
from caducee.desk.services.comments import clean_body, save_audited, works_tickets
from caducee.desk.services.common import record_event, refuse_final
from caducee.desk.services.notifications import notify
from caducee.desk.services.routing import system_actor
from caducee.org.models import Person


def channel_actor() -> Any:
    """The system account, which records what arrives by a channel (its
    permissions, ``routing.SYSTEM_PERMISSIONS``, include recording a ticket,
    its link to an earlier one and an unknown sender as a person)."""
    return system_actor()


def may_reply(ticket: Ticket, person: Person) -> bool:
    """Whether ``person`` is the ticket's requester or one of its watchers."""
    if ticket.requester_id is not None and ticket.requester_id == person.pk:
        return True
    return person.user_id is not None and ticket.watchers.filter(pk=person.user_id).exists()


def _mover(actor: Any, ticket: Ticket) -> Any:
    """Who moves the ticket: the actor if they work it, else the system."""
    return actor if works_tickets(actor, ticket) else channel_actor()


def _resume(ticket: Ticket, *, actor: Any) -> Ticket:
    """Back to work after the requester answered."""
    if ticket.assignee_id:
        to = Status.IN_PROGRESS
    elif ticket.assignment_group_id:
        to = Status.ASSIGNED
    else:
        return ticket  # waiting without a group: nobody to hand it back to
    return lifecycle.transition(ticket, actor=_mover(actor, ticket), to=to)


def add_requester_reply(
    ticket: Ticket,
    *,
    person: Person,
    body: str,
    via: str,
    files: Iterable[Any] = (),
    actor: Any,
) -> Comment:
    """Record ``person``'s reply on ``ticket`` as a public comment (see the
    module docstring). ``files`` are uploads (or already inspected ones)
    under the desk's attachment limits; a refused one refuses the reply,
    so a channel inspects them first when it would rather note them."""
    if person is None or person.pk is None:
        raise DomainError(_("Who is replying?"), field="person")
    if not via:
        raise DomainError(_("Say which channel the reply came through."), field="via")
    if actor is None or not (
        getattr(actor, "pk", None) == person.user_id or works_tickets(actor, ticket)
    ):
        raise PermissionDenied(_("You are not allowed to write on this ticket."))
    text = clean_body(body)
    inspected = [
        f if isinstance(f, attachment_services.Inspected) else attachment_services.inspect_upload(f)
        for f in files
    ]
    with transaction.atomic():
        current = Ticket.objects.select_for_update().filter(pk=ticket.pk).first()
        if current is None:
            raise DomainError(_("This ticket no longer exists."), code="not_found")
        refuse_final(current)
        if not may_reply(current, person):
            raise PermissionDenied(
                _("Only the requester or a watcher may reply on this ticket."), field="person"
            )
        comment = save_audited(
            Comment(
                ticket=current,
                author_id=person.user_id,
                author_person=person,
                via=via,
                visibility=Visibility.PUBLIC,
                body=text,
            ),
            actor=actor,
        )
        for upload in inspected:
            attachment_services.store_attachment(
                current, upload, actor=actor, comment=comment, public=True
            )
        record_event(
            actor,
            "desk.commented",
            current,
            {
                "visibility": Visibility.PUBLIC,
                "time_spent": 0,
                "comment": comment.pk,
                "mentions": [],
                "author_person": person.pk,
                "via": via,
            },
        )
        if current.status == Status.WAITING_REQUESTER:
            current = _resume(current, actor=actor)
        recipients = list(current.watchers.values_list("pk", flat=True))
        if current.assignee_id:
            recipients.append(current.assignee_id)
        notify(
            recipients,
            ticket=current,
            kind=NotificationKind.REPLY,
            message=_("New reply from %(person)s on %(number)s")
            % {"person": person, "number": current.number},
            actor=person.user if person.user_id else None,
            comment=comment,
        )
    comment.ticket = current
    return comment
