"""Writing notification e-mails to the outbox, sending them, retrying them.

Rule (issue "Channels" point 1; STYLE.md principles 8 and 9): an event's
mails are rows (``queue_event``) written after the event committed, from
what it noted in its transaction (``services.events``), and sent by the
task queue. Sending never sends a row twice:

1. claim — in its own committed transaction, the row goes pending →
   sending (on PostgreSQL the due rows are read ``FOR UPDATE SKIP LOCKED``,
   so two workers take different rows; everywhere the state is re-checked
   by the UPDATE itself, so a row is claimed once);
2. talk to SMTP, outside any transaction;
3. record the outcome: sent; or, for a temporary refusal (4xx) or a
   network error, back to pending with ``next_attempt_at`` 1, 2, 4…
   minutes later (at most ``MAX_BACKOFF``), failed after
   ``CADUCEE_MAIL_MAX_ATTEMPTS`` attempts; a permanent refusal (5xx: no
   such mailbox) fails at once, since asking again changes nothing.

A worker killed between 1 and 3 leaves the row in sending; after
``STUCK_AFTER`` the sweep marks it failed — the mail may have left, and one
mail at most is the promise — and an administrator decides (``retry``,
audited). The sweep (every minute) also sends the due pending rows, which
covers a worker killed between the commit and the enqueue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caducee.core import context
from caducee.core.services import audit
from caducee.core.services.errors import Conflict, PermissionDenied
from caducee.desk.models import Ticket
from caducee.notify.models import MailState, OutgoingMail
from caducee.notify.services.recipients import Recipient
from caducee.notify.services.rendering import RenderedMail

logger = logging.getLogger(__name__)

#: Longest wait between two attempts.
MAX_BACKOFF = dt.timedelta(minutes=60)
#: A row in ``sending`` longer than this was abandoned by its worker.
STUCK_AFTER = dt.timedelta(minutes=10)
#: Rows one sweep sends at most (the next sweep takes the rest).
SWEEP_LIMIT = 200
#: References kept in a thread's header (clients need the first and the last few).
MAX_REFERENCES = 10
INTERRUPTED = gettext_noop("Interrupted while sending; it may or may not have been sent.")


def max_attempts() -> int:
    return max(1, int(getattr(settings, "CADUCEE_MAIL_MAX_ATTEMPTS", 6)))


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th refused attempt: 1, 2, 4… minutes."""
    return min(dt.timedelta(minutes=2 ** max(0, attempts - 1)), MAX_BACKOFF)


def idempotency_key(
    ticket: Ticket, kind: str, version: int, comment: Any, message: str, address: str
) -> str:
    """One key per (event, address): the ticket at the event's version, the
    event's kind, comment and text (two SLA warnings of one version differ by it)."""
    parts = [
        str(ticket.pk),
        kind,
        str(version),
        str(getattr(comment, "pk", "") or ""),
        message,
        address.strip().lower(),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _thread_headers(ticket: Ticket, address: str) -> tuple[str, str]:
    """``In-Reply-To`` and ``References`` after the last mail of this ticket
    to this address."""
    previous = (
        OutgoingMail.objects.filter(ticket=ticket, to_address__iexact=address)
        .order_by("-created_at", "-pk")
        .only("message_id", "references")
        .first()
    )
    if previous is None:
        return "", ""
    chain = [*previous.references.split(), previous.message_id]
    if len(chain) > MAX_REFERENCES:
        chain = [chain[0], *chain[-(MAX_REFERENCES - 1) :]]
    return previous.message_id, " ".join(chain)


def queue_event(
    ticket: Ticket,
    *,
    kind: str,
    version: int,
    message: str,
    comment: Any,
    mails: Iterable[tuple[Recipient, RenderedMail]],
) -> list[int]:
    """Write the outbox rows of one event (of the ticket at ``version``), in
    the caller's transaction, and return their ids for sending; an event
    already written is not written again."""
    from caducee.desk.services.reply_tokens import message_id

    keyed = {
        idempotency_key(ticket, kind, version, comment, message, recipient.address): (
            recipient,
            mail,
        )
        for recipient, mail in mails
    }
    if not keyed:
        return []
    # The recording of a ticket is the first event about it: its mails are
    # the first, none to thread after.
    first = kind == "created"
    known = (
        set()
        if first
        else set(OutgoingMail.objects.filter(key__in=keyed).values_list("key", flat=True))
    )
    now = timezone.now()
    rows = []
    for key, (recipient, mail) in keyed.items():
        if key in known:
            continue
        in_reply_to, references = ("", "") if first else _thread_headers(ticket, recipient.address)
        rows.append(
            OutgoingMail.objects.create(
                ticket=ticket,
                kind=kind,
                recipient=recipient.user,
                recipient_person=recipient.person,
                to_address=recipient.address,
                language=recipient.language,
                subject=mail.subject,
                body_text=mail.text,
                body_html=mail.html,
                message_id=message_id(ticket, settings.CADUCEE_MAIL_DOMAIN),
                in_reply_to=in_reply_to,
                references=references,
                key=key,
                next_attempt_at=now,
            )
        )
    return [row.pk for row in rows]


def enqueue(ids: list[int]) -> None:
    from caducee.notify.tasks import send_outgoing_mail

    send_outgoing_mail(ids)


# --- sending ------------------------------------------------------------------------------
def claim(ids: Iterable[int] | None = None, *, now: dt.datetime | None = None) -> list[int]:
    """Take the due pending rows (of ``ids``, or any): pending → sending,
    committed before the caller talks to SMTP. Returns the ids taken."""
    now = now or timezone.now()
    with transaction.atomic():
        due = OutgoingMail.objects.filter(state=MailState.PENDING).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )
        if ids is not None:
            due = due.filter(pk__in=list(ids))
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        chosen = list(
            due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:SWEEP_LIMIT]
        )
        taken = []
        for pk in chosen:
            # The UPDATE re-checks the state: a row claimed meanwhile is left alone.
            if OutgoingMail.objects.filter(pk=pk, state=MailState.PENDING).update(
                state=MailState.SENDING, claimed_at=now, attempts=F("attempts") + 1
            ):
                taken.append(pk)
    return taken


def build_message(mail: OutgoingMail) -> EmailMultiAlternatives:
    headers = {
        "Message-ID": mail.message_id,
        "Content-Language": mail.language,
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "X-Caducee-Ticket": mail.ticket.number if mail.ticket_id else "",
    }
    if mail.in_reply_to:
        headers["In-Reply-To"] = mail.in_reply_to
        headers["References"] = mail.references or mail.in_reply_to
    headers = {name: value for name, value in headers.items() if value}
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to_address],
        headers=headers,
    )
    message.attach_alternative(mail.body_html, "text/html")
    return message


def _send_one(mail: OutgoingMail, now: dt.datetime) -> bool:
    """Talk to SMTP for one claimed row and record what happened."""
    try:
        smtp = get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)
        smtp.send_messages([build_message(mail)])
    except (smtplib.SMTPException, OSError, UnicodeError) as exc:
        _refused(mail, exc, now)
        return False
    OutgoingMail.objects.filter(pk=mail.pk, state=MailState.SENDING).update(
        state=MailState.SENT, sent_at=timezone.now(), last_error="", claimed_at=None
    )
    return True


def permanent(exc: Exception) -> bool:
    """A 5xx answer (unknown mailbox, refused content): trying again changes
    nothing. Network errors and 4xx answers are temporary."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _refused(mail: OutgoingMail, exc: Exception, now: dt.datetime) -> None:
    attempts = mail.attempts
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if attempts >= max_attempts() or permanent(exc):
        changes = {"state": MailState.FAILED, "next_attempt_at": None}
        logger.error("e-mail %s to %s failed for good: %s", mail.pk, mail.to_address, error)
    else:
        changes = {"state": MailState.PENDING, "next_attempt_at": now + backoff(attempts)}
        logger.warning(
            "e-mail %s to %s refused (%s), retried later", mail.pk, mail.to_address, error
        )
    OutgoingMail.objects.filter(pk=mail.pk, state=MailState.SENDING).update(
        last_error=error, claimed_at=None, **changes
    )


def send(ids: Iterable[int] | None = None, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Claim the due rows (``ids`` or any) and send each; idempotent."""
    now = now or timezone.now()
    taken = claim(ids, now=now)
    sent = 0
    for mail in OutgoingMail.objects.filter(pk__in=taken).select_related("ticket").order_by("pk"):
        sent += _send_one(mail, now)
    return {"claimed": len(taken), "sent": sent}


def fail_stuck(*, now: dt.datetime | None = None) -> int:
    """Rows left in sending by a killed worker become failed, never resent."""
    now = now or timezone.now()
    return OutgoingMail.objects.filter(
        state=MailState.SENDING, claimed_at__lt=now - STUCK_AFTER
    ).update(state=MailState.FAILED, last_error=INTERRUPTED, claimed_at=None, next_attempt_at=None)


def sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic pass: abandoned rows failed, the mails of events whose
    enqueue was lost written, due rows sent."""
    from caducee.notify.services.events import expand

    stuck = fail_stuck(now=now)
    written = len(expand())
    return {"stuck": stuck, "written": written, **send(now=now)}


# --- the administrator's retry ------------------------------------------------------------
def may_retry(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("notify.change_outgoingmail"))


def retry(mail: OutgoingMail, *, actor: Any) -> OutgoingMail:
    """Send a failed e-mail again (an administrator's decision, audited)."""
    if not may_retry(actor):
        raise PermissionDenied(_("Only administrators may send an e-mail again."))
    with transaction.atomic():
        current = OutgoingMail.objects.select_for_update().filter(pk=mail.pk).first()
        if current is None or current.state != MailState.FAILED:
            raise Conflict(
                _("Only a failed e-mail can be sent again."), field="state", code="not_failed"
            )
        previous = {"attempts": current.attempts, "last_error": current.last_error}
        now = timezone.now()
        OutgoingMail.objects.filter(pk=current.pk).update(
            state=MailState.PENDING, attempts=0, next_attempt_at=now, last_error=""
        )
        with context.acting_as(actor):
            audit.record_event(
                "notify.mail_retried",
                current,
                data={"to": current.to_address, "kind": current.kind, **previous},
            )
        pk = current.pk
        transaction.on_commit(lambda: enqueue([pk]), robust=True)
    current.refresh_from_db()
    return current
