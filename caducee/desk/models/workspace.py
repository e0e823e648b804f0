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
    CREATED = "created", _("Ticket recorded")
    RESOLVED = "resolved", _("Ticket resolved")
    CLOSED = "closed", _("Ticket closed")


class NotificationChannel(models.TextChoices):
    IN_APP = "in_app", _("In the application")
    EMAIL = "email", _("E-mail")


#: What an account gets when it has not chosen (issue "Channels" point 1):
#: everything in the application; by e-mail, what concerns them directly —
#: their own tickets' news, a mention, an assignment, an SLA breach — but not
#: every reply or warning on their group's tickets.
DEFAULT_PREFERENCES: dict[tuple[str, str], bool] = {
    **{(kind, NotificationChannel.IN_APP): True for kind in NotificationKind.values},
    **{(kind, NotificationChannel.EMAIL): True for kind in NotificationKind.values},
    (NotificationKind.SLA_WARNING, NotificationChannel.EMAIL): False,
    (NotificationKind.ESCALATED, NotificationChannel.EMAIL): False,
}


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


class NotificationPreference(BaseModel):
    """One account's choice for one event on one channel; absent rows take
    ``DEFAULT_PREFERENCES``. Not audited: a personal setting, like a language."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("event"), max_length=16, choices=NotificationKind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=NotificationChannel.choices)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ["user", "kind", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="desk_notifpref_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.channel}: {self.enabled}"
