"""Create, update and delete any business object under one set of rules.

Plain reference data (establishments, rooms, people…) has no workflow of its
own, but its changes still follow STYLE.md principle 5: one function per
change, atomic, keyword-only ``actor``, permission and establishment checked,
validation run, audit written (by ``AuditedModel``). Domain apps call these
from their own services and add their rules; views, the API and imports call
the app's services, never ``save()`` directly.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from caducee.core import context
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.core.services.scoping import can, may_write

M = TypeVar("M", bound=models.Model)


def _check(actor: Any, instance: models.Model, action: str) -> None:
    if not can(actor, type(instance), action):
        raise PermissionDenied(_("You are not allowed to do this."))
    if not may_write(actor, instance, action):
        raise PermissionDenied(
            _("This establishment is outside your scope."), field="establishment"
        )


def _validate(instance: models.Model, exclude: list[str] | None = None) -> None:
    # A ValidationError propagates: forms and serializers turn it into field errors.
    instance.full_clean(exclude=exclude)


def create_object(instance: M, *, actor: Any, m2m: dict[str, Any] | None = None) -> M:
    _check(actor, instance, "add")
    _validate(instance)
    with context.acting_as(actor), transaction.atomic():
        try:
            instance.save()
        except IntegrityError as exc:
            raise DomainError(_("This record conflicts with an existing one.")) from exc
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
    return instance


def update_object(instance: M, *, actor: Any, m2m: dict[str, Any] | None = None) -> M:
    """Save changes already applied to ``instance`` (loaded from the database)."""
    if instance.pk is not None:
        original = type(instance)._default_manager.filter(pk=instance.pk).first()
        if original is None:
            raise DomainError(_("This record no longer exists."), code="not_found")
        _check(actor, original, "change")  # may not move a record out of scope…
    _check(actor, instance, "change")  # …nor into a foreign one
    _validate(instance)
    with context.acting_as(actor), transaction.atomic():
        try:
            instance.save()
        except IntegrityError as exc:
            raise DomainError(_("This record conflicts with an existing one.")) from exc
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
    return instance


def delete_object(instance: models.Model, *, actor: Any) -> None:
    _check(actor, instance, "delete")
    with context.acting_as(actor), transaction.atomic():
        try:
            instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            blocking = getattr(exc, "protected_objects", None) or getattr(
                exc, "restricted_objects", ()
            )
            # Kinds, not names: a blocking record may be outside the actor's scope.
            kinds = sorted({str(obj._meta.verbose_name_plural) for obj in blocking})
            raise Conflict(
                _("Still in use by other records: %(kinds)s.") % {"kinds": ", ".join(kinds)},
                code="protected",
            ) from exc
