"""One message read from a mailbox: recorded and acted on, exactly once.

Rules (issue "Channels" point 2):

* Exactly once: the message's row (mailbox, UIDVALIDITY, UID — unique) is
  inserted first in the transaction that acts on it, then completed with
  what became of it. Two pollers on the same message: the second waits on
  the first's insert and finds it done. Anything that goes wrong rolls the
  whole act back and the message is kept as *failed*, raw, with the reason;
  the next message is processed all the same.
* Classified before anything else (``classify``): our own mail back, a
  bounce, an automatic reply — and a sender writing more than
  ``CADUCEE_INBOUND_LOOP_LIMIT`` messages in ``CADUCEE_INBOUND_LOOP_MINUTES``
  (two automatic responders answering each other) — is recorded, ignored.
* A reply is a message naming a ticket: one of our Message-IDs in its
  ``In-Reply-To``/``References``, else our tag in the subject, token
  checked (``reply_tokens``). See ``replies``.
* Anything else is a new ticket of the mailbox's establishment, with the
  sender as requester (``senders``), its subject as title, its words as
  description and its files as attachments under the desk's limits — a
  refused file is noted in the description, it does not refuse the mail.

The acting account is the sender's own when they may record tickets there,
else the desk's system account; the release of a held message and the
retry of a failed one are events of the administrator who asked for them.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.core import context
from caducee.core.services import audit
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.core.services.scoping import can, may_write
from caducee.desk.models import Channel, Ticket, TicketKind
from caducee.desk.services import attachments as attachment_services
from caducee.desk.services.channel_replies import channel_actor
from caducee.desk.services.reply_tokens import ticket_from_message_ids, ticket_from_subject
from caducee.desk.services.tickets import create_ticket
from caducee.inbound.models import InboundMessage, Mailbox, Outcome, UnknownSenders
from caducee.inbound.services import senders
from caducee.inbound.services.classify import Verdict, classify
from caducee.inbound.services.parsing import ParsedMessage, clean_subject, parse

logger = logging.getLogger(__name__)


def max_bytes() -> int:
    return int(getattr(settings, "CADUCEE_INBOUND_MAX_BYTES", 32 * 1024 * 1024))


def own_addresses() -> set[str]:
    """Our mailboxes and the address our own mail is sent from."""
    from email.utils import parseaddr

    addresses = {a.lower() for a in Mailbox.objects.values_list("address", flat=True)}
    for value in (settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL):
        addresses.add(parseaddr(value or "")[1].lower())
    return addresses - {""}


def too_many(sender: str) -> Verdict | None:
    limit = int(getattr(settings, "CADUCEE_INBOUND_LOOP_LIMIT", 20))
    minutes = int(getattr(settings, "CADUCEE_INBOUND_LOOP_MINUTES", 10))
    since = timezone.now() - dt.timedelta(minutes=minutes)
    count = InboundMessage.objects.filter(sender=sender, created_at__gte=since).count()
    if sender and count > limit:
        return Verdict(
            Outcome.LOOP,
            _("%(count)d messages from %(sender)s in %(minutes)d minutes (limit %(limit)d)")
            % {"count": count, "sender": sender, "minutes": minutes, "limit": limit},
        )
    return None


def _event(name: str, row: InboundMessage, data: dict[str, Any] | None = None) -> None:
    audit.record_event(
        name,
        row,
        data={"outcome": row.outcome, "reason": row.reason, "sender": row.sender, **(data or {})},
        establishment_id=row.mailbox.establishment_id,
    )


# --- files -----------------------------------------------------------------------------
def inspect_files(parsed: ParsedMessage) -> tuple[list[Any], list[str]]:
    """The files the desk accepts, and a line for each it refuses."""
    accepted, refused = [], []
    for part in parsed.files:
        upload = ContentFile(part.content, name=part.name)
        try:
            accepted.append(attachment_services.inspect_upload(upload))
        except DomainError as exc:
            refused.append(
                _("Attachment “%(name)s” not kept: %(reason)s")
                % {"name": attachment_services.clean_name(part.name) or "?", "reason": exc.message}
            )
    return accepted, refused


def with_notes(text: str, notes: list[str]) -> str:
    if not notes:
        return text
    return (text + "\n\n" if text else "") + "\n".join(f"- {note}" for note in notes)


# --- a new ticket ----------------------------------------------------------------------
def open_ticket(
    row: InboundMessage,
    parsed: ParsedMessage,
    *,
    person: Any,
    text: str | None = None,
    kind: str = TicketKind.INCIDENT,
) -> Ticket:
    """Record the ticket the message asks for, with its files."""
    mailbox = row.mailbox
    actor = senders.acting_account(person, mailbox.establishment_id)
    accepted, refused = inspect_files(parsed)
    title = clean_subject(parsed.subject)[:200] or _("(no subject)")
    ticket = create_ticket(
        Ticket(
            kind=kind,
            title=title,
            description=with_notes(parsed.text if text is None else text, refused),
            requester=person,
            channel=Channel.EMAIL,
            establishment=mailbox.establishment,
        ),
        actor=actor,
    )
    for inspected in accepted:
        attachment_services.store_attachment(
            ticket, inspected, actor=actor, comment=None, public=True
        )
    row.ticket, row.person = ticket, person
    if refused:
        row.reason = "\n".join(refused)
    return ticket


def new_ticket(row: InboundMessage, parsed: ParsedMessage, *, releasing: bool = False) -> None:
    mailbox = row.mailbox
    person = senders.find_person(parsed.sender, mailbox.establishment_id)
    if person is None:
        if mailbox.unknown_senders == UnknownSenders.HOLD and not releasing:
            row.outcome, row.reason = Outcome.HELD, _("unknown sender")
            _event("inbound.message_held", row)
            return
        person = senders.create_person(parsed, mailbox.establishment)
    open_ticket(row, parsed, person=person)
    row.outcome = Outcome.CREATED


# --- one message -----------------------------------------------------------------------
def act(row: InboundMessage, parsed: ParsedMessage) -> None:
    """Decide and do what the message asks (``row`` is inserted, in the transaction)."""
    from caducee.inbound.services import replies

    verdict = classify(parsed, own_addresses=own_addresses()) or too_many(parsed.sender)
    if verdict is not None:
        row.outcome, row.reason = verdict.outcome, verdict.reason
        _event("inbound.message_ignored", row)
        return
    ticket = ticket_from_message_ids(parsed.reply_ids) or ticket_from_subject(parsed.subject)
    if ticket is not None:
        replies.reply(row, parsed, ticket)
    else:
        new_ticket(row, parsed)


def _fill(row: InboundMessage, parsed: ParsedMessage) -> None:
    row.message_id = parsed.message_id
    row.sender = parsed.sender[:254]
    row.sender_name = parsed.sender_name
    row.subject = parsed.subject[:255]
    row.received_at = parsed.date or timezone.now()


def _failed(row: InboundMessage, reason: str) -> InboundMessage | None:
    """Keep the message as failed (the act, if any, rolled back)."""
    row.outcome, row.reason = Outcome.FAILED, reason[:2000]
    row.ticket = row.comment = row.person = None
    try:
        with transaction.atomic():
            row.save()
            _event("inbound.message_failed", row)
    except IntegrityError:
        return None  # recorded by another poller meanwhile
    return row


def receive(
    mailbox: Mailbox, *, uidvalidity: int, uid: int, raw: bytes, too_large: bool = False
) -> InboundMessage | None:
    """Record and act on one message read from ``mailbox``, in one
    transaction; ``None`` when it was already recorded."""
    if InboundMessage.objects.filter(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid).exists():
        return None
    row = InboundMessage(
        mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, raw=raw[: max_bytes()], size=len(raw)
    )
    try:
        parsed = parse(raw)
        _fill(row, parsed)
        if too_large:
            raise DomainError(f"message larger than {max_bytes()} bytes: only its header is kept")
    except Exception as exc:  # malformed: kept for inspection, never raised
        return _failed(row, str(exc) or type(exc).__name__)
    try:
        with transaction.atomic():
            row.outcome = Outcome.FAILED
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                return None
            act(row, parsed)
            row.save()
    except Exception as exc:
        if not isinstance(exc, DomainError):
            logger.exception("inbound: message %s of %s failed", uid, mailbox)
        row.pk = None
        row._state.adding = True
        return _failed(row, getattr(exc, "message", None) or str(exc) or type(exc).__name__)
    return row


# --- triage ----------------------------------------------------------------------------
def _check(actor: Any, row: InboundMessage) -> None:
    if not (can(actor, InboundMessage, "change") and may_write(actor, row.mailbox, "change")):
        raise PermissionDenied(_("You are not allowed to do this."))


def release(row: InboundMessage, *, actor: Any) -> InboundMessage:
    """Make a held message a new ticket (its sender recorded if unknown)."""
    _check(actor, row)
    with transaction.atomic():
        current = InboundMessage.objects.select_for_update().get(pk=row.pk)
        if current.outcome != Outcome.HELD:
            raise Conflict(_("Only a held message is released."), code="not_held")
        parsed = parse(bytes(current.raw))
        with context.acting_as(channel_actor(), source="email"):
            new_ticket(current, parsed, releasing=True)
        current.reason = _("Released by %(user)s") % {"user": actor}
        current.handled_by = actor
        current.save()
        with context.acting_as(actor):
            _event("inbound.message_released", current, {"ticket": current.ticket_id})
    return current


def retry(row: InboundMessage, *, actor: Any) -> InboundMessage:
    """Process a failed message again; it stays failed, with the new
    reason, if it fails again."""
    _check(actor, row)
    if row.outcome != Outcome.FAILED:
        raise Conflict(_("Only a failed message is retried."), code="not_failed")
    raw = bytes(row.raw)
    try:
        parsed = parse(raw)
        if row.size > len(raw):
            raise DomainError(_("The message was too large: only its header was kept."))
        with transaction.atomic():
            current = InboundMessage.objects.select_for_update().get(pk=row.pk)
            if current.outcome != Outcome.FAILED:
                raise Conflict(_("Only a failed message is retried."), code="not_failed")
            _fill(current, parsed)
            current.reason = ""
            with context.acting_as(channel_actor(), source="email"):
                act(current, parsed)
            current.handled_by = actor
            current.save()
            with context.acting_as(actor):
                _event("inbound.message_retried", current, {"ticket": current.ticket_id})
        return current
    except Conflict:
        raise
    except Exception as exc:
        reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        InboundMessage.objects.filter(pk=row.pk).update(reason=reason[:2000], handled_by=actor)
        with context.acting_as(actor):
            row.reason = reason
            _event("inbound.message_retried", row, {"failed": True})
        row.refresh_from_db()
        return row
