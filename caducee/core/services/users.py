"""Accounts: created and changed by administrators, never beyond their scope.

Rule (DESIGN.md "A GHT is many establishments"): an administrator of one
establishment may manage accounts of that establishment, but may not grant an
establishment they do not have, nor the whole GHT unless they have it, nor the
superuser flag. Roles are the groups of ``caducee.core.roles``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from caducee.core import context
from caducee.core.models import User
from caducee.core.roles import ROLES
from caducee.core.services import audit
from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.core.services.scoping import can


def _check_grants(
    actor: Any, *, all_establishments: bool, establishment_ids: Iterable[int]
) -> None:
    mine = actor.establishment_ids()
    if mine is None:
        return
    if all_establishments:
        raise DomainError(
            _("Only a whole-GHT administrator can grant the whole GHT."),
            field="all_establishments",
        )
    outside = set(establishment_ids) - mine
    if outside:
        raise DomainError(
            _("You cannot grant an establishment outside your own scope."),
            field="establishments",
        )


def _set_roles(user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    unknown = wanted - set(ROLES)
    if unknown:
        raise DomainError(
            _("Unknown role: %(r)s") % {"r": ", ".join(sorted(unknown))}, field="roles"
        )
    before = sorted(user.groups.values_list("name", flat=True))
    user.groups.set(Group.objects.filter(name__in=wanted))
    after = sorted(wanted)
    if before != after:
        audit.record_event("user.roles_changed", user, data={"before": before, "after": after})


def create_user(
    *,
    actor: Any,
    username: str,
    password: str,
    roles: Iterable[str] = (),
    establishments: Iterable[Any] = (),
    **fields: Any,
) -> User:
    if not can(actor, User, "add"):
        raise PermissionDenied(_("You are not allowed to do this."))
    establishments = list(establishments)
    _check_grants(
        actor,
        all_establishments=bool(fields.get("all_establishments")),
        establishment_ids=[e.pk for e in establishments],
    )
    user = User(username=username, **fields)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    with context.acting_as(actor), transaction.atomic():
        user.save()
        user.establishments.set(establishments)
        _set_roles(user, roles)
    return user


def update_user(
    user: User,
    *,
    actor: Any,
    roles: Iterable[str] | None = None,
    establishments: Iterable[Any] | None = None,
) -> User:
    """Save changes already applied to ``user`` (fields), plus roles and establishments."""
    if not User.objects.filter(pk=user.pk).restrict(actor, "change").exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser can change a superuser's account."))
    new_ids = [e.pk for e in establishments] if establishments is not None else []
    original = User.objects.get(pk=user.pk)
    widening = user.all_establishments and not original.all_establishments
    if widening or establishments is not None:
        _check_grants(actor, all_establishments=widening, establishment_ids=new_ids)
    if user.pk == actor.pk and not user.is_active:
        raise DomainError(_("You cannot deactivate your own account."), field="is_active")
    user.full_clean(exclude=["password"])
    with context.acting_as(actor), transaction.atomic():
        user.save()
        if establishments is not None:
            user.establishments.set(list(establishments))
        if roles is not None:
            _set_roles(user, roles)
    return user


def set_password(user: User, *, actor: Any, password: str) -> User:
    if not User.objects.filter(pk=user.pk).restrict(actor, "change").exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    with context.acting_as(actor), transaction.atomic():
        user.set_password(password)
        user.save()
        audit.record_event("user.password_set", user)
    return user
