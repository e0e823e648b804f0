"""Personal API tokens: created and revoked by their owner, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.core import context
from caducee.core.models.tokens import ApiToken, generate_key, hash_key
from caducee.core.services import audit
from caducee.core.services.errors import DomainError, PermissionDenied

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


def authenticate_key(key: str) -> ApiToken | None:
    try:
        # ``get`` on the unique hash: ``first()`` would sort and clone for one row.
        token = ApiToken.objects.select_related("user").get(
            key_hash=hash_key(key), revoked_at__isnull=True
        )
    except ApiToken.DoesNotExist:
        return None
    if not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        # Bookkeeping only, deliberately outside the audit trail (see ApiToken).
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
