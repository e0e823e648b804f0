"""The outbox: one row per e-mail Caducée sends about a ticket.

Rule (issue "Channels" point 1): a notification e-mail exists only if the
event that causes it committed (a rolled-back write sends nothing) and is
sent by the task queue, at most once. The event's transaction notes it
(``MailEvent``, one small row: ``services.events``); after commit the task
queue writes its mails as outbox rows and sends them. The outbox row is
the unit of the sending promise:

* ``key`` is unique per (event, recipient address), so the same event told
  twice writes one row;
* ``state`` moves pending → sending (claimed, committed, before any SMTP
  talk) → sent; a refused attempt goes back to pending with
  ``next_attempt_at`` further away each time, and to failed after
  ``CADUCEE_MAIL_MAX_ATTEMPTS``; a row left in sending by a killed worker is
  failed, never resent blindly (it may have left);
* ``message_id`` names the ticket (``desk.services.reply_tokens``), and
  ``in_reply_to``/``references`` chain the mails of one ticket to one address
  so mail clients thread them and a reply finds its ticket.

Not an audited model: its state changes are bookkeeping of a delivery whose
cause is already in the trail; an administrator's retry is an audited
service call (``caducee.notify.services.outbox.retry``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caducee.core.models import BaseModel
from caducee.desk.models import NotificationKind


class MailEvent(models.Model):
    """A desk event whose e-mails are still to be written (see
    ``caducee.notify.services.events``): the event's facts, written in its
    transaction, turned into outbox rows after commit, then deleted."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    ticket = models.ForeignKey(
        "desk.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+"
    )
    #: The ticket's version the event happened at (the outbox rows' key).
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("event"), max_length=16, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: The account ids the desk notified (``ticket_event``'s ``recipients``).
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    comment = models.ForeignKey(
        "desk.Comment",
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("e-mail event to write")
        verbose_name_plural = _("e-mail events to write")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.ticket_id} v{self.version}"


class MailState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingMail(BaseModel):
    ticket = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_mail",
    )
    kind = models.CharField(_("event"), max_length=16, choices=NotificationKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient_person = models.ForeignKey(
        "org.Person",
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    to_address = models.EmailField(_("to"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)
    key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    state = models.CharField(
        _("state"), max_length=8, choices=MailState.choices, default=MailState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notify_mail_due"),
            models.Index(fields=["ticket", "to_address", "created_at"], name="notify_mail_thread"),
        ]

    def __str__(self) -> str:
        return f"{self.to_address}: {self.subject}"

    def audit_establishment_id(self) -> int | None:
        return self.ticket.establishment_id if self.ticket_id else None
