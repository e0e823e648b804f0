"""Every account's roles, permissions and establishments, kept per process.

Rule (DESIGN.md "A GHT is many establishments"; STYLE.md principle 11):
every list, form and API call is scoped through ``scoping.restrict``, which
asks for the caller's permission and establishments — with Django's model
backend, three queries on every request (direct permissions, role
permissions, establishments) and one more per ``has_role``. The accounts of
a GHT are a few thousand rows whose roles change a few times a week, so the
whole picture is read at once and kept per process
(``caducee.core.services.snapshots``).

Revocation must not wait: the kept picture is replaced in every process as
soon as the change commits. Watched: role and direct-permission membership,
establishments (``m2m_changed``, both sides), roles' permissions, and an
account's ``is_active``, ``is_superuser`` or ``all_establishments``
(its other fields — ``last_login`` at every sign-in — do not count). The
flags themselves are always read from the account loaded by the request,
so a deactivated account is refused even before the change is published.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from caducee.core.services.snapshots import Snapshot


@dataclass(frozen=True)
class Access:
    #: Every permission, for superusers (``app_label.codename``).
    all_permissions: frozenset[str]
    #: Permissions given to the account itself, by account id.
    direct: dict[int, frozenset[str]]
    #: Permissions of the account's roles, by account id.
    by_roles: dict[int, frozenset[str]]
    #: Role names (``auth.Group``), by account id.
    roles: dict[int, frozenset[str]]
    #: Establishment ids the account is attached to, by account id.
    establishments: dict[int, frozenset[int]]


def _name(app_label: str, codename: str) -> str:
    return f"{app_label}.{codename}"


def _load() -> Access:
    users = get_user_model()
    every = frozenset(
        _name(app, code)
        for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    )
    role_perms: dict[int, set[str]] = defaultdict(set)
    for group_id, app, code in Group.permissions.through.objects.values_list(
        "group_id", "permission__content_type__app_label", "permission__codename"
    ):
        role_perms[group_id].add(_name(app, code))
    names = dict(Group.objects.values_list("pk", "name"))
    roles: dict[int, set[str]] = defaultdict(set)
    by_roles: dict[int, set[str]] = defaultdict(set)
    for user_id, group_id in users.groups.through.objects.values_list("user_id", "group_id"):
        roles[user_id].add(names[group_id])
        by_roles[user_id] |= role_perms.get(group_id, set())
    direct: dict[int, set[str]] = defaultdict(set)
    for user_id, app, code in users.user_permissions.through.objects.values_list(
        "user_id", "permission__content_type__app_label", "permission__codename"
    ):
        direct[user_id].add(_name(app, code))
    establishments: dict[int, set[int]] = defaultdict(set)
    for user_id, establishment_id in users.establishments.through.objects.values_list(
        "user_id", "establishment_id"
    ):
        establishments[user_id].add(establishment_id)
    return Access(
        all_permissions=every,
        direct={k: frozenset(v) for k, v in direct.items()},
        by_roles={k: frozenset(v) for k, v in by_roles.items()},
        roles={k: frozenset(v) for k, v in roles.items()},
        establishments={k: frozenset(v) for k, v in establishments.items()},
    )


_snapshot: Snapshot[Access] = Snapshot("access", _load)


def watch() -> None:
    """Connect the invalidation (from ``CoreConfig.ready``: the user model
    must be ready)."""
    users = get_user_model()
    _snapshot.watch(
        Group,
        Permission,
        fields={users: ("is_active", "is_superuser", "all_establishments")},
        m2m=(
            users.groups.through,
            users.user_permissions.through,
            users.establishments.through,
            Group.permissions.through,
        ),
    )


def access() -> Access:
    return _snapshot.get()


def invalidate(using: str | None = None) -> None:
    """After changing roles, permissions or establishments without signals."""
    _snapshot.invalidate(using)


def roles_of(user: Any) -> frozenset[str]:
    return access().roles.get(user.pk, frozenset())


def establishments_of(user: Any) -> frozenset[int]:
    return access().establishments.get(user.pk, frozenset())


class KeptModelBackend(ModelBackend):
    """Django's model backend (passwords, ``is_active``, the same answers),
    with the permissions read from the kept picture instead of two queries
    per request."""

    def _kept(self, user_obj: Any, obj: Any, attribute: str, pick) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, attribute):
            kept = access()
            perms = kept.all_permissions if user_obj.is_superuser else pick(kept, user_obj.pk)
            setattr(user_obj, attribute, set(perms))
        return getattr(user_obj, attribute)

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return self._kept(
            user_obj, obj, "_user_perm_cache", lambda kept, pk: kept.direct.get(pk, ())
        )

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return self._kept(
            user_obj, obj, "_group_perm_cache", lambda kept, pk: kept.by_roles.get(pk, ())
        )
