"""Notifications: telling an account that a ticket needs it.

Rule (issue "Service desk core" points 4 and 5): a mention, an assignment,
an SLA warning or breach and an escalation each notify the people concerned.
The business event itself is in the audit trail (written by the service
that caused it); a notification is only the recipient's inbox row, so it is
written here without an audit event of its own and never for the person
who acted. Inactive accounts are skipped. The channels of the next issue
(e-mail, the portal) deliver these same rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.core.services.errors import PermissionDenied
from caducee.desk.models import Notification, NotificationKind, Ticket

MESSAGE_LENGTH = Notification._meta.get_field("message").max_length


def notify(
    recipients: Iterable[Any],
    *,
    ticket: Ticket,
    kind: str,
    message: str,
    actor: Any = None,
) -> list[Notification]:
    """One unread notification per distinct active recipient (not the actor)."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    ids = {getattr(r, "pk", r) for r in recipients if r is not None}
    ids.discard(getattr(actor, "pk", None))
    if not ids:
        return []
    active = (
        get_user_model().objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True)
    )
    text = str(message)[:MESSAGE_LENGTH]
    return Notification.objects.bulk_create(
        Notification(recipient_id=pk, ticket=ticket, kind=kind, message=text)
        for pk in sorted(active)
    )


def mark_read(notifications: Iterable[Notification], *, actor: Any) -> int:
    """Mark the actor's own notifications read; returns how many changed."""
    ids = [n.pk for n in notifications]
    if Notification.objects.filter(pk__in=ids).exclude(recipient=actor).exists():
        raise PermissionDenied(_("These notifications are someone else’s."))
    return Notification.objects.filter(pk__in=ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
