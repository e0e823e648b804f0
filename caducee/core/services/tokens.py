"""Personal API tokens: created and revoked by their owner, audited, and
checked on every API call from a copy kept per process.

Why kept (issue "Service desk core", performance): every API call named its
token, and reading it with its account was a query and two model instances
built by the ORM, about a millisecond of a 20 ms ticket creation. The active
tokens and their accounts are few (integrations, scripts) and change rarely,
so they are kept in each process as a ``Snapshot``, fresh across processes
like the roles and the configuration: creating or revoking a token, and any
change to an account other than its last login, publishes a new version
once committed, and the next call in every process reads them again. A
revoked token, or a deactivated account, is refused from the next call on,
as before.

``last_used_at`` is bookkeeping (see ``ApiToken``): each process writes it at
most once a minute per token, and it is never served from the kept copy.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.core import context
from caducee.core.models.tokens import ApiToken, generate_key, hash_key
from caducee.core.services import audit
from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.core.services.snapshots import Rows, Snapshot, attach

MAX_ACTIVE_TOKENS = 20


def create_token(
    *, actor: Any, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``actor``; returns it and the clear key (shown once)."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("You are not allowed to do this."))
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name."), field="name")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(_("The expiry date must be in the future."), field="expires_at")
    active = ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise DomainError(
            _("You already have %(n)d active tokens: revoke one first.") % {"n": active},
            field="name",
        )
    key = generate_key()
    with context.acting_as(actor), transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name, key_hash=hash_key(key), hint=key[:10], expires_at=expires_at
        )
        audit.record_event("api_token.created", token, data={"name": name})
    return token, key


def revoke_token(token: ApiToken, *, actor: Any) -> ApiToken:
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("Only the token's owner can revoke it."))
    if token.revoked_at:
        return token
    with context.acting_as(actor), transaction.atomic():
        token.revoked_at = timezone.now()
        token.save()
        audit.record_event("api_token.revoked", token)
    return token


class _Kept:
    """The active (unrevoked) tokens by key hash, and their accounts."""

    def __init__(self) -> None:
        users = get_user_model()
        self.tokens = Rows(
            ApiToken, ApiToken.objects.filter(revoked_at__isnull=True), exclude=("last_used_at",)
        )
        self.by_hash = {self.tokens.value(pk, "key_hash"): pk for pk in self.tokens.values}
        owners = {self.tokens.value(pk, "user_id") for pk in self.tokens.values}
        self.users = Rows(
            users, users._default_manager.filter(pk__in=owners), exclude=("last_login",)
        )


_snapshot: Snapshot[_Kept] = Snapshot("api-tokens", _Kept)

#: When this process last wrote each token's ``last_used_at``, by key hash.
_written: dict[str, dt.datetime] = {}


def watch() -> None:
    """Connect the invalidation (from ``CoreConfig.ready``: the user model
    must be ready). An account's login alone changes nothing kept."""
    users = get_user_model()
    fields = tuple(f.attname for f in users._meta.concrete_fields if f.attname != "last_login")
    _snapshot.watch(ApiToken, fields={users: fields})


def authenticate_key(key: str) -> ApiToken | None:
    """The active token of ``key``, with its account loaded, or None (unknown,
    revoked or expired token, inactive account)."""
    kept = _snapshot.get()
    digest = hash_key(key)
    pk = kept.by_hash.get(digest)
    if pk is None:
        return None
    token = kept.tokens.materialise(pk)
    if token.user_id not in kept.users:
        return None
    user = kept.users.materialise(token.user_id)
    if not token.is_active or not user.is_active:
        return None
    attach(token, "user", user)
    now = timezone.now()
    last = _written.get(digest)
    if last is None or now - last > dt.timedelta(minutes=1):
        # Bookkeeping only, deliberately outside the audit trail (see ApiToken).
        ApiToken.objects.filter(pk=pk).update(last_used_at=now)
        _written[digest] = now
    return token
