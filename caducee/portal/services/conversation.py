"""What a requester does on their ticket in the portal: read, reply, confirm
the resolution or say the problem persists.

Rules (issue "Channels" point 3):

* Seen: the tickets of ``Ticket.objects.restrict(user, "view")`` — for a
  requester, those they asked for, recorded, watch, or that the people they
  manage asked for. The portal shows public replies and public attachments
  only, whoever looks (an agent using the portal sees what the requester
  sees): internal notes never reach it.
* Reply: ``caducee.desk.services.comments.add_comment`` with a public
  visibility (the desk decides who may write, and refuses final tickets).
* Confirm or reopen a resolved ticket: only the requester's own account
  decides for them. The move itself is the desk's lifecycle service
  (``close`` / ``reopen``, with its reopen delay). A requester holds no
  ``desk.change_ticket`` (they must not work tickets), so the move is made by
  the desk's system account (``routing.system_actor``), as the routing of a
  requester's new ticket is; the requester's decision is the business event
  ``portal.resolution_confirmed`` / ``portal.resolution_refused`` recorded
  under their name in the same transaction. Someone who works the ticket
  moves it under their own name. The reason for reopening is also written as
  the requester's public reply, so the technician reads it in the
  conversation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.desk.models import Channel, Comment, Status, Ticket, Visibility
from caducee.desk.services import attachments as attachment_services
from caducee.desk.services import comments as comment_services
from caducee.desk.services import lifecycle
from caducee.desk.services.common import record_event
from caducee.desk.services.routing import system_actor


def portal_tickets(user: Any) -> QuerySet:
    """The tickets ``user`` may follow in the portal, newest first."""
    return (
        Ticket.objects.restrict(user, "view")
        .select_related("requester", "care_unit")
        .order_by("-created_at", "-pk")
    )


def public_comments(ticket: Ticket, *, user: Any) -> QuerySet:
    return comment_services.visible_comments(ticket, user=user, internal=False).select_related(
        "author_person"
    )


def public_attachments(ticket: Ticket, *, user: Any) -> QuerySet:
    return attachment_services.visible_attachments(ticket, user=user, internal=False)


def is_requester(user: Any, ticket: Ticket) -> bool:
    """Whether ``user`` is the account of the ticket's requester."""
    return bool(
        ticket.requester_id
        and ticket.requester is not None
        and ticket.requester.user_id is not None
        and ticket.requester.user_id == getattr(user, "pk", None)
    )


def _own_visible(ticket: Ticket, *, actor: Any) -> Ticket:
    if not portal_tickets(actor).filter(pk=ticket.pk).exists() or not is_requester(actor, ticket):
        raise PermissionDenied(_("Only the person who asked may answer this."))
    return ticket


def reply(ticket: Ticket, *, actor: Any, body: str, files: Iterable[Any] = ()) -> Comment:
    """A public reply (with files) from the portal."""
    return comment_services.add_comment(
        ticket,
        actor=actor,
        body=body,
        visibility=Visibility.PUBLIC,
        files=list(files),
        via=Channel.PORTAL,
    )


def _mover(actor: Any, ticket: Ticket) -> Any:
    return actor if comment_services.works_tickets(actor, ticket) else system_actor()


def _require_resolved(ticket: Ticket) -> Ticket:
    current = Ticket.objects.filter(pk=ticket.pk).first()
    if current is None:
        raise DomainError(_("This ticket no longer exists."), code="not_found")
    if current.status != Status.RESOLVED:
        raise Conflict(
            _("%(number)s is not waiting for your confirmation.") % {"number": current.number},
            field="status",
            code="not_resolved",
        )
    return current


def confirm_resolution(ticket: Ticket, *, actor: Any) -> Ticket:
    """ "Yes, it is fixed": the requester closes their resolved ticket."""
    _own_visible(ticket, actor=actor)
    with transaction.atomic():
        current = _require_resolved(ticket)
        closed = lifecycle.close(current, actor=_mover(actor, current))
        record_event(actor, "portal.resolution_confirmed", closed, {"via": "portal"})
    return closed


def reopen_ticket(ticket: Ticket, *, actor: Any, reason: str) -> Ticket:
    """ "No, the problem persists": back to the technician, with the reason
    (within the desk's reopen delay; after it, a ``Conflict`` says to report
    a new problem)."""
    _own_visible(ticket, actor=actor)
    reason = str(reason or "").strip()
    if not reason:
        raise DomainError(_("Tell us what is still wrong."), field="reason", code="required")
    with transaction.atomic():
        current = _require_resolved(ticket)
        reopened = lifecycle.reopen(current, actor=_mover(actor, current), reason=reason)
        record_event(actor, "portal.resolution_refused", reopened, {"reason": reason})
        comment_services.add_comment(
            reopened, actor=actor, body=reason, visibility=Visibility.PUBLIC, via=Channel.PORTAL
        )
    return Ticket.objects.get(pk=reopened.pk)
