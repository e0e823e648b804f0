"""Idempotency keys: a retried POST does its work once.

Rule (issue "Service desk core" point 7; the IETF draft
"The Idempotency-Key HTTP Header Field"): a client that may retry a create
(a monitoring system, an integration behind a flaky network) sends an
``Idempotency-Key`` header. The first request with a key is processed and
its response kept here with a fingerprint of the request; a retry with the
same key and the same request gets the kept response again (nothing is
created twice); the same key with a different request is refused (422), and
a retry while the first is still being processed is told to wait (409).
Keys belong to the account that sent them and are forgotten after
``CADUCEE_IDEMPOTENCY_HOURS`` (24 by default).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField(_("key"), max_length=255)
    endpoint = models.CharField(_("endpoint"), max_length=200)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    response = models.JSONField(_("response"), null=True, blank=True)
    headers = models.JSONField(_("response headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "endpoint", "key"], name="core_idempotency_key_unique"
            )
        ]

    def __str__(self) -> str:
        return self.key
