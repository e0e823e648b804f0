"""Notifications: telling an account that a ticket needs it.

Rule (issue "Service desk core" points 4 and 5): a mention, an assignment,
an SLA warning or breach and an escalation each notify the people concerned.
The business event itself is in the audit trail (written by the service
that caused it); a notification is only the recipient's inbox row, so it is
written here without an audit event of its own and never for the person
who acted. Inactive accounts are skipped.

Rule (issue "Channels" point 1): each account chooses, per event and per
channel, what it receives (``NotificationPreference``, defaults in
``DEFAULT_PREFERENCES``). ``notify`` writes the in-app rows of those who
want them and then sends ``ticket_event`` so that the other channels (the
e-mail of ``caducee.notify``) deliver the same event by their own
preferences. The requester-facing events (recorded, public reply, resolved,
closed) are sent even when no account is concerned: the requester may have
no account and still be reached by address.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.core import context
from caducee.core.services import audit
from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.core.services.snapshots import Snapshot
from caducee.desk.models import (
    DEFAULT_PREFERENCES,
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
    Ticket,
)
from caducee.desk.signals import ticket_event

MESSAGE_LENGTH = Notification._meta.get_field("message").max_length


#: Events told to the ticket's requester, account or not.
REQUESTER_KINDS = frozenset(
    {
        NotificationKind.CREATED,
        NotificationKind.REPLY,
        NotificationKind.RESOLVED,
        NotificationKind.CLOSED,
    }
)


def notify(
    recipients: Iterable[Any],
    *,
    ticket: Ticket,
    kind: str,
    message: str,
    actor: Any = None,
    comment: Any = None,
) -> list[Notification]:
    """One unread notification per distinct active recipient (not the actor)
    who wants it in the application; then ``ticket_event`` for the other
    channels. Returns the in-app rows written."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    ids = {getattr(r, "pk", r) for r in recipients if r is not None}
    ids.discard(getattr(actor, "pk", None))
    if ids:
        active = get_user_model().objects.filter(pk__in=ids, is_active=True).order_by()
        ids = set(active.values_list("pk", flat=True))
    if not ids and kind not in REQUESTER_KINDS:
        return []
    text = str(message)[:MESSAGE_LENGTH]
    rows = Notification.objects.bulk_create(
        Notification(recipient_id=pk, ticket=ticket, kind=kind, message=text)
        for pk in sorted(wants(ids, kind, NotificationChannel.IN_APP))
    )
    ticket_event.send(
        sender=Ticket,
        ticket=ticket,
        kind=kind,
        actor=actor,
        recipients=frozenset(ids),
        message=text,
        comment=comment,
    )
    return rows


def _load_choosers() -> frozenset[int]:
    rows = NotificationPreference.objects.order_by().values_list("user_id", flat=True)
    return frozenset(rows.distinct())


#: The accounts that stored any choice. Most keep the defaults, so an event
#: for them needs no read of the choices; kept per process, fresh across
#: processes (``core.services.snapshots``), replaced when a choice is saved.
_choosers: Snapshot[frozenset[int]] = Snapshot("desk-notification-choosers", _load_choosers)
_choosers.watch(NotificationPreference)


def read_choices(user_ids: Iterable[int], kind: str) -> dict[tuple[int, str], bool]:
    """The stored choices of ``user_ids`` about ``kind``, on every channel:
    ``(account id, channel) → enabled`` (defaults not applied)."""
    ids = set(user_ids) & _choosers.get()
    if not ids:
        return {}
    rows = NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list(
        "user_id", "channel", "enabled"
    )
    return {(user_id, channel): enabled for user_id, channel, enabled in rows}


def wants(user_ids: Iterable[int], kind: str, channel: str) -> set[int]:
    """The accounts among ``user_ids`` that want ``kind`` on ``channel``."""
    ids = set(user_ids)
    if not ids:
        return set()
    choices = read_choices(ids, kind)
    default = DEFAULT_PREFERENCES.get((kind, channel), True)
    return {pk for pk in ids if choices.get((pk, channel), default)}


def preferences(user: Any) -> dict[tuple[str, str], bool]:
    """Every (kind, channel) with what ``user`` gets: their choice or the default."""
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationPreference.objects.filter(user=user).values_list(
            "kind", "channel", "enabled"
        )
    }
    return {key: chosen.get(key, default) for key, default in DEFAULT_PREFERENCES.items()}


def set_preferences(user: Any, choices: dict[tuple[str, str], bool], *, actor: Any) -> None:
    """Record ``user``'s choices (only their own, or an administrator's
    doing); a key outside the known events and channels is refused whole."""
    if actor is None or (actor.pk != user.pk and not actor.is_superuser):
        raise PermissionDenied(_("You may only choose your own notifications."))
    unknown = [key for key in choices if key not in DEFAULT_PREFERENCES]
    if unknown:
        raise DomainError(_("Unknown event or channel."), field="preferences", code="invalid")
    before = preferences(user)
    changed = {key: bool(value) for key, value in choices.items() if before[key] != bool(value)}
    if not changed:
        return
    with transaction.atomic():
        for (kind, channel), enabled in changed.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
            )
        with context.acting_as(actor):
            audit.record_event(
                "desk.notification_preferences_changed",
                user,
                data={f"{kind}.{channel}": enabled for (kind, channel), enabled in changed.items()},
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
