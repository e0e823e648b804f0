"""The agent's workspace: saved filters and in-app notifications.

Rule (issue "Service desk core" point 6): an agent keeps the queue filters
they use (a name and the query string of the queue page, the same
parameters the API takes), for themselves or shared with their colleagues.
Notifications tell an account that something needs it — mentioned in a
note, a ticket given to them, an SLA warning or breach on a ticket of
their group — and are read in the workspace; the e-mail and other channels
of the next issue deliver the same rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caducee.core.models import AuditedModel, BaseModel


class SavedFilter(AuditedModel):
    scope_path = None

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_ticket_filters",
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("filter"), max_length=2000, help_text=_("The queue's query string."))
    shared = models.BooleanField(
        _("shared"), default=False, help_text=_("Colleagues who work tickets see it too.")
    )

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="desk_savedfilter_unique")
        ]

    def __str__(self) -> str:
        return self.name


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("Mentioned")
    ASSIGNED = "assigned", _("Assigned to you")
    SLA_WARNING = "sla_warning", _("SLA warning")
    SLA_BREACH = "sla_breach", _("SLA breached")
    ESCALATED = "escalated", _("Escalated")
    REPLY = "reply", _("New reply")


class Notification(BaseModel):
    """Not audited: the event that caused it is; this is the recipient's inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="desk_notifications",
    )
    ticket = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    message = models.CharField(_("message"), max_length=300)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="desk_notif_recipient_unread")
        ]

    def __str__(self) -> str:
        return self.message
