"""The audit trail: append-only, hash-chained events.

Rule (DESIGN.md "Everything is traced", PGSSI-S traceability): every change of
state is an event in one chain. Each event stores ``prev_hash`` (the previous
event's hash) and ``hash`` = SHA-256 over a canonical JSON serialisation of its
own content and ``prev_hash``. ``seq`` numbers events without gaps (unlike a
database sequence, it is assigned under the chain lock), so a deleted event
shows as a gap, a modified one as a hash mismatch, one inserted out of order
as a broken link. ``AuditChainHead`` holds the last seq and hash, so cutting
events off the end shows too. On PostgreSQL a trigger refuses UPDATE and
DELETE on the table (migration 0003); the application never updates it.

Actor, object and establishment are stored as plain values, not foreign keys:
the trail must outlive what it describes and never be touched by a cascade.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        from caducee.core.services.scoping import restrict

        return restrict(self, user, action)

    def update(self, **kwargs):  # pragma: no cover - guard
        raise PermissionError("audit events are append-only")

    def delete(self):  # pragma: no cover - guard
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")
        EVENT = "event", _("event")

    scope_path = "establishment_id"

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    timestamp = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    event = models.CharField(_("event"), max_length=64, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    establishment_id = models.BigIntegerField(
        _("establishment id"), null=True, blank=True, db_index=True
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=32, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]
        # Every index is paid on each append (several per ticket written), so
        # only those a read uses: an object's history (which also serves a
        # search by object type), the actor, the establishment, the time.
        # The event is searched by substring, which no b-tree serves. The
        # hash has no index: nothing looks an event up by it, the chain is
        # checked by walking ``seq``, and a unique index on random values
        # made each append touch random pages of a table that only grows.
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise PermissionError("audit events are append-only")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")

    @property
    def label(self) -> str:
        return self.event or self.get_action_display()


class AuditChainHead(models.Model):
    """The last link of the chain (one row), updated with every append."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"head #{self.seq}"
