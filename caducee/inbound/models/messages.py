"""Every message read from a mailbox, and what became of it.

Rule (issue "Channels" point 2): each message is processed exactly once.
A message is known by its mailbox, the folder's UIDVALIDITY and its UID —
unique together — and its row is written in the same transaction as the
ticket or comment it produced: a poller killed before the commit leaves
neither, one killed after leaves both, and the next poll skips a UID it
finds here. The raw message is kept (bounded by
``CADUCEE_INBOUND_MAX_BYTES``) so a held or failed one can be read,
released or retried later.

Not audited row by row: the ticket or comment it made is, and what made
none (ignored, held, failed) and the later release or retry are business
events of the trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caducee.core.models import BaseModel


class Outcome(models.TextChoices):
    CREATED = "created", _("Ticket created")
    REPLIED = "replied", _("Reply added")
    REOPENED = "reopened", _("Ticket reopened")
    FOLLOW_UP = "follow_up", _("New ticket after the reopening delay")
    AUTO_REPLY = "auto_reply", _("Ignored: automatic reply")
    BOUNCE = "bounce", _("Ignored: delivery failure")
    LOOP = "loop", _("Ignored: mail loop")
    HELD = "held", _("Held for triage")
    FAILED = "failed", _("Failed")


IGNORED = frozenset({Outcome.AUTO_REPLY, Outcome.BOUNCE, Outcome.LOOP})


class InboundMessage(BaseModel):
    scope_path = "mailbox__establishment"

    mailbox = models.ForeignKey(
        "inbound.Mailbox",
        verbose_name=_("mailbox"),
        on_delete=models.PROTECT,
        related_name="messages",
    )
    uidvalidity = models.PositiveBigIntegerField(_("UIDVALIDITY"))
    uid = models.PositiveBigIntegerField(_("UID"))
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True, db_index=True)
    sender_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    raw = models.BinaryField(_("message"), editable=False)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    ticket = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
    )
    comment = models.ForeignKey(
        "desk.Comment",
        verbose_name=_("comment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("sender (person)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released or retried by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("incoming e-mail")
        verbose_name_plural = _("incoming e-mails")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "uidvalidity", "uid"], name="inbound_message_once"
            )
        ]
        indexes = [
            models.Index(fields=["mailbox", "outcome"], name="inbound_msg_mailbox_outcome"),
            models.Index(fields=["sender", "created_at"], name="inbound_msg_sender_time"),
        ]

    def __str__(self) -> str:
        return self.subject or f"UID {self.uid}"

    def get_absolute_url(self) -> str:
        return reverse("inbound:inboundmessage_detail", args=[self.pk])

    @property
    def can_release(self) -> bool:
        return self.outcome == Outcome.HELD

    @property
    def can_retry(self) -> bool:
        return self.outcome == Outcome.FAILED
