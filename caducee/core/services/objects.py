"""Create, update and delete any business object under one set of rules.

Plain reference data (establishments, rooms, people…) has no workflow of its
own, but its changes still follow STYLE.md principle 5: one function per
change, atomic, keyword-only ``actor``, permission and establishment checked,
validation run, audit written (by ``AuditedModel``). Domain apps call these
from their own services and add their rules; views, the API and imports call
the app's services, never ``save()`` directly.

Validation is ``full_clean`` with one saving: a foreign key whose related
object the instance already holds — read from the database for this change,
the same row the key names — is not looked up again (Django's check is one
query per key). Its other checks (choices, null, validators) still run; a
key given as a bare id, or restricted by ``limit_choices_to``, is checked
as Django does. A caller that guarantees a value unique (a ticket number
taken under the counter's lock) names it in ``guaranteed``; the database's
unique constraint still stands behind it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
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


def _held_relations(instance: models.Model) -> set[str]:
    """Foreign keys whose related row the instance holds, loaded from the database."""
    held = set()
    for field in instance._meta.concrete_fields:
        if not field.many_to_one and not field.one_to_one:
            continue
        if field.remote_field.limit_choices_to or field.remote_field.parent_link:
            continue
        value = getattr(instance, field.attname)
        if value is None or not field.is_cached(instance):
            continue
        related = field.get_cached_value(instance)
        if (
            related is not None
            and not related._state.adding
            and related._state.db == (instance._state.db or related._state.db)
            and getattr(related, field.target_field.attname) == value
        ):
            held.add(field.name)
    return held


def _validate(
    instance: models.Model, exclude: list[str] | None = None, *, guaranteed: tuple[str, ...] = ()
) -> None:
    """``full_clean`` without the queries the instance makes needless (see
    the module docstring); the same errors, field by field."""
    # A ValidationError propagates: forms and serializers turn it into field errors.
    excluded = set(exclude or ())
    held = _held_relations(instance) - excluded
    if not held and not guaranteed:
        instance.full_clean(exclude=excluded)
        return
    errors: dict = {}
    try:
        instance.clean_fields(exclude=excluded | held)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    for name in sorted(held):  # what ``Field.clean`` checks, but the row's existence
        field = instance._meta.get_field(name)
        value = getattr(instance, field.attname)
        try:
            models.Field.validate(field, field.to_python(value), instance)
            field.run_validators(value)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    excluded |= {name for name in errors if name != NON_FIELD_ERRORS}
    try:
        instance.validate_unique(exclude=excluded | set(guaranteed))
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    excluded |= {name for name in errors if name != NON_FIELD_ERRORS}
    try:
        instance.validate_constraints(exclude=excluded)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def create_object(
    instance: M,
    *,
    actor: Any,
    m2m: dict[str, Any] | None = None,
    guaranteed: tuple[str, ...] = (),
    savepoint: bool = True,
) -> M:
    """Insert ``instance``. ``guaranteed``: fields the caller guarantees
    unique (not checked again before the insert). ``savepoint=False``: the
    caller's transaction fails whole on an error (it does not catch and
    carry on), so the insert needs no savepoint of its own."""
    _check(actor, instance, "add")
    _validate(instance, guaranteed=guaranteed)
    with context.acting_as(actor), transaction.atomic(savepoint=savepoint):
        try:
            instance.save()
        except IntegrityError as exc:
            raise DomainError(_("This record conflicts with an existing one.")) from exc
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
    return instance


def update_object(
    instance: M, *, actor: Any, m2m: dict[str, Any] | None = None, savepoint: bool = True
) -> M:
    """Save changes already applied to ``instance`` (loaded from the database);
    ``savepoint`` as for ``create_object``."""
    if instance.pk is not None:
        original = type(instance)._default_manager.filter(pk=instance.pk).first()
        if original is None:
            raise DomainError(_("This record no longer exists."), code="not_found")
        _check(actor, original, "change")  # may not move a record out of scope…
    _check(actor, instance, "change")  # …nor into a foreign one
    _validate(instance)
    with context.acting_as(actor), transaction.atomic(savepoint=savepoint):
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
