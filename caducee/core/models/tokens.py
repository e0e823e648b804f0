"""Personal API tokens.

A token is shown once at creation; only its SHA-256 is stored (the key has
256 bits of entropy, so a fast hash is enough and lookups stay indexed). The
owner creates and revokes their tokens; a revoked or expired token fails.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caducee.core.models.base import AuditedModel

TOKEN_PREFIX = "cdc_"  # noqa: S105 - a prefix, not a secret


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def generate_key() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiToken(AuditedModel):
    scope_path = None
    audit_secret_fields = frozenset({"key_hash"})
    audit_ignore_fields = frozenset({"created_at", "updated_at", "last_used_at"})

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("starts with"), max_length=12, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        if self.revoked_at:
            return False
        return not (self.expires_at and self.expires_at <= timezone.now())
