"""Work on a ticket: public replies, internal notes, time spent, attachments.

Rule (issue "Service desk core" point 5): what agents write on a ticket is
either a public reply, which the requester sees (and, with the channels of
the next issue, receives), or an internal note, which only those who work
tickets see. Either may record time spent, in minutes, for the workload and
vendor reports. @mentions name accounts to notify; they are resolved by the
service when the comment is written and kept here, so a later rename does
not change who was told.

Attachments are files kept through Django's storage, never in the database;
the row holds the name as uploaded, the declared and sniffed content type,
the size and the SHA-256 of the bytes (integrity, and spotting the same
screenshot attached twice). The service enforces the size and type limits;
the download view always sends them as attachments, never inline, so an
uploaded HTML page cannot run in our origin.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from caducee.core.models import AuditedModel


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public reply")
    INTERNAL = "internal", _("Internal note")


class Comment(AuditedModel):
    scope_path = "ticket__establishment"

    ticket = models.ForeignKey(
        "desk.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ticket_comments",
    )
    #: Who wrote it when that person has no account or wrote through a
    #: channel rather than a session (an e-mail reply): the requester's reply
    #: arrives with ``author`` empty and this set.
    author_person = models.ForeignKey(
        "org.Person",
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ticket_comments",
    )
    #: The channel a requester's words came through (``Channel`` values of the
    #: ticket: portal, e-mail…); empty for what agents write in Caducée.
    via = models.CharField(_("received by"), max_length=16, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    body = models.TextField(_("text"), help_text=_("Markdown is accepted."))
    time_spent = models.PositiveIntegerField(
        _("time spent (minutes)"),
        default=0,
        validators=[MaxValueValidator(24 * 60)],
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentioned"),
        blank=True,
        related_name="ticket_mentions",
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="desk_comment_ticket_time")]

    def __str__(self) -> str:
        return f"{self.ticket.number} — {self.get_visibility_display()}"

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


def attachment_path(instance: Attachment, filename: str) -> str:
    """Files are stored under their checksum, never under the uploaded name
    (no path tricks, no clash): ``desk/ab/abcdef…``."""
    digest = instance.sha256
    return f"desk/{digest[:2]}/{digest}"


class Attachment(AuditedModel):
    scope_path = "ticket__establishment"

    ticket = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    is_public = models.BooleanField(
        _("visible to the requester"),
        default=False,
        help_text=_("Attachments of internal notes stay internal."),
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name
