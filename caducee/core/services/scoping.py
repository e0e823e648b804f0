"""The one entry point that scopes every query by role and establishment.

Rule (DESIGN.md "A GHT is many establishments"): people see what their roles
and establishments allow. ``restrict(queryset, user, action)`` first requires
the role permission ``<app>.<action>_<model>`` (else nothing), then keeps the
rows whose ``scope_path`` leads to one of the user's establishments. A model
may refine this with a ``restrict_queryset(queryset, user, action)`` class
method (e.g. a requester sees only their own tickets). Views, exports, imports
and the API all start from here; a row outside the scope is a 404, never a 403,
so its existence does not leak.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

ACTIONS = ("view", "add", "change", "delete")


def permission_name(model: Any, action: str) -> str:
    meta = model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def can(user: Any, model: Any, action: str = "view") -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm(permission_name(model, action))


def restrict(queryset: QuerySet, user: Any, action: str = "view") -> QuerySet:
    model = queryset.model
    if not can(user, model, action):
        return queryset.none()
    custom = getattr(model, "restrict_queryset", None)
    if custom is not None:
        queryset = custom(queryset, user, action)
    ids = user.establishment_ids()
    path = getattr(model, "scope_path", None)
    if ids is None or not path:
        return queryset
    if getattr(model, "scope_allows_shared", False):
        # Rows with no establishment belong to the whole GHT (e.g. a shared team).
        return queryset.filter(Q(**{f"{path}__in": ids}) | Q(**{f"{path}__isnull": True}))
    return queryset.filter(**{f"{path}__in": ids})


def sees(user: Any, instance: Any, action: str = "view") -> bool:
    """Whether ``restrict`` would keep ``instance`` for ``user``: for a
    record already in hand (one kept per process), without a query when its
    model is scoped by its own id or a direct foreign key; any other scope
    (a custom ``restrict_queryset``, a path through other tables) asks the
    database through ``restrict`` itself."""
    model = type(instance)
    if not can(user, model, action):
        return False
    path = getattr(model, "scope_path", None)
    if getattr(model, "restrict_queryset", None) is not None or (path and "__" in path):
        found = restrict(model._default_manager.filter(pk=instance.pk), user, action)
        return found.exists()
    ids = user.establishment_ids()
    if ids is None or not path:
        return True
    value = instance.pk if path == "pk" else getattr(instance, model._meta.get_field(path).attname)
    if value is None:
        return bool(getattr(model, "scope_allows_shared", False))
    return value in ids


def establishment_allowed(user: Any, establishment_id: int | None) -> bool:
    """Whether ``user`` may act on a record of this establishment."""
    if user is None or not user.is_authenticated:
        return False
    ids = user.establishment_ids()
    return ids is None or (establishment_id is not None and establishment_id in ids)


def may_write(user: Any, instance: Any, action: str) -> bool:
    """Whether ``user`` may add, change or delete this very record: the
    role's permission and the record's establishment in the user's scope.

    Unlike ``restrict`` (what a user *sees*), a record of the whole GHT
    (no establishment) is written only by those who see the whole GHT: one
    establishment's manager reads the shared data centre, never rewrites it.
    The services refuse what this refuses, and the pages hide the buttons.
    """
    if not can(user, type(instance), action):
        return False
    getter = getattr(instance, "audit_establishment_id", None)
    if getter is None or not getattr(type(instance), "scope_path", None):
        return True
    return establishment_allowed(user, getter())
