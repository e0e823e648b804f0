"""Mailboxes that tickets arrive through.

Rule (issue "Channels" point 2): administrators configure one or more
mailboxes per establishment; each is an IMAP account read over TLS —
implicit TLS (IMAPS, port 993) or STARTTLS (143) — with the server's
certificate always verified (a private CA's file may be named; there is no
switch to turn verification off). The password is kept encrypted
(``caducee.inbound.credentials``) or read from an environment variable; it
is never shown back, and the trail records only that it changed. A ticket
from a mailbox belongs to its establishment; a sender matched to nobody
either becomes a Person of that establishment or waits for triage, as the
mailbox says.

The poller's bookkeeping — the last poll, the last error, the lease that
keeps two workers off the same mailbox — is written with queryset updates
and is not part of the audit trail.
"""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caducee.core.models import AuditedModel
from caducee.inbound import credentials


class Security(models.TextChoices):
    TLS = "tls", _("Implicit TLS (IMAPS, usually port 993)")
    STARTTLS = "starttls", _("STARTTLS (usually port 143)")


class UnknownSenders(models.TextChoices):
    CREATE_PERSON = "create_person", _("Record them as people of the establishment")
    HOLD = "hold", _("Hold their messages for triage")


class Mailbox(AuditedModel):
    scope_path = "establishment"
    audit_secret_fields = frozenset({"password_encrypted"})
    audit_ignore_fields = frozenset(
        {
            "created_at",
            "updated_at",
            "last_polled_at",
            "last_error",
            "last_error_at",
            "lease_until",
            "lease_token",
        }
    )

    establishment = models.ForeignKey(
        "org.Establishment",
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="mailboxes",
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.EmailField(
        _("address"), unique=True, help_text=_("The address people write to.")
    )
    host = models.CharField(_("IMAP server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("encryption"), max_length=8, choices=Security.choices, default=Security.TLS
    )
    ca_file = models.CharField(
        _("CA certificate file"),
        max_length=500,
        blank=True,
        help_text=_(
            "Path to the PEM file of a private certificate authority; leave empty for the "
            "system's. The server's certificate is always verified."
        ),
    )
    username = models.CharField(_("user name"), max_length=255)
    password_encrypted = models.TextField(_("password (encrypted)"), blank=True, editable=False)
    password_env = models.CharField(
        _("password from the environment variable"),
        max_length=100,
        blank=True,
        help_text=_("Instead of a stored password: the name of a variable that holds it."),
    )
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    unknown_senders = models.CharField(
        _("unknown senders"),
        max_length=16,
        choices=UnknownSenders.choices,
        default=UnknownSenders.HOLD,
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last read"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    lease_token = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["establishment__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    def get_absolute_url(self) -> str:
        return reverse("inbound:mailbox_detail", args=[self.pk])

    def set_password(self, raw: str) -> None:
        self.password_encrypted = credentials.encrypt(raw) if raw else ""

    def password(self) -> str:
        """The password to log in with; ``ValueError`` when there is none at hand."""
        if self.password_env:
            value = os.environ.get(self.password_env, "")
            if not value:
                raise ValueError(f"the environment variable {self.password_env} is not set")
            return value
        if not self.password_encrypted:
            raise ValueError("no password is configured")
        return credentials.decrypt(self.password_encrypted)

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted or self.password_env)

    def clean(self) -> None:
        errors = {}
        self.address = (self.address or "").strip().lower()
        if self.password_env and not self.password_env.replace("_", "").isalnum():
            errors["password_env"] = _("Letters, digits and underscores only.")
        if not self.has_password:
            errors["password_env"] = _("Give the password, or the variable that holds it.")
        if self.ca_file and not os.path.isfile(self.ca_file):
            errors["ca_file"] = _("No such file on the server.")
        if not 1 <= (self.port or 0) <= 65535:
            errors["port"] = _("A port is between 1 and 65535.")
        if errors:
            raise ValidationError(errors)
