"""Base models: timestamps, automatic audit of every change, scoped querysets.

Rule (DESIGN.md "Everything is traced"): every create, update and delete of a
business object becomes an audit event written in the same transaction. A
model gets this by inheriting ``AuditedModel``: ``save()`` runs in an atomic
block and writes the event before it commits; deletes (cascades included) are
caught by signals inside Django's own delete transaction. Values as loaded are
kept by ``from_db`` so an update's before/after costs no extra query.

``QuerySet.update()`` and ``bulk_create()`` bypass this on purpose; code that
uses them on an audited model must write the events itself (see
``caducee.core.services.audit.record_bulk_creation``).

Scoping (STYLE.md principle 11): ``Model.objects.restrict(user, action)`` is
the one entry point that filters by role permission and establishment. A model
says how it reaches its establishment with ``scope_path`` (``None`` for
group-wide reference data).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        from caducee.core.services.scoping import restrict

        return restrict(self, user, action)


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True


class AuditedMixin(models.Model):
    """Audit every save and delete of the model (see module docstring)."""

    #: How the model reaches its establishment, e.g. "establishment",
    #: "site__establishment"; None for group-wide data; "pk" on Establishment.
    scope_path: ClassVar[str | None] = None
    #: Fields never written to the trail as values (shown as changed only).
    audit_secret_fields: ClassVar[frozenset[str]] = frozenset()
    #: Fields whose changes alone do not make an event (bookkeeping).
    audit_ignore_fields: ClassVar[frozenset[str]] = frozenset({"created_at", "updated_at"})

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):  # type: ignore[override]
        instance = super().from_db(db, field_names, values)
        instance._audit_loaded = dict(zip(field_names, values, strict=True))
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:  # noqa: DJ012
        from caducee.core.services import audit

        using = kwargs.get("using") or self._state.db or "default"
        # No savepoint of its own: the row and its audit event stand or fall
        # together, and whoever catches a failed save to carry on (a service
        # turning an IntegrityError into a message) opens its own savepoint.
        with transaction.atomic(using=using, savepoint=False):
            creating = self._state.adding
            before = audit.snapshot_loaded(self) if not creating else None
            super().save(*args, **kwargs)
            audit.record_save(self, before=before, created=creating)
            self._audit_loaded = {
                f.attname: getattr(self, f.attname) for f in audit.recorded_fields(self)
            }

    def audit_establishment_id(self) -> int | None:
        path = self.scope_path
        if not path:
            return None
        if path == "pk":
            return self.pk
        parts = path.split("__")
        target: Any = self
        for part in parts[:-1]:
            target = getattr(target, part, None)
            if target is None:
                return None
        last = parts[-1]
        field_value = getattr(target, f"{last}_id", None)
        if field_value is None:
            related = getattr(target, last, None)
            field_value = getattr(related, "pk", None)
        return field_value


class AuditedModel(AuditedMixin, BaseModel):
    class Meta:
        abstract = True
