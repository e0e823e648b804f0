"""Suppliers and their contracts: dates, support hours, commitments per
priority and penalty terms.

Rule (issue "CMDB" point 4; DESIGN.md "vendors"): a contract covers items
(``ConfigurationItem.contract``), promises a response and a resolution time
per ticket priority within its support hours, and states the penalty per
hour late with a cap. The SLA part runs a vendor clock from these terms and
the vendors part computes penalties; both read them here, so the terms are
kept in one place. Suppliers are GHT-wide reference data; a contract belongs
to one establishment or, without one, to the whole GHT.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caducee.core.models import AuditedModel
from caducee.org.models import Establishment


class Priority(models.IntegerChoices):
    """Ticket priorities P1 (highest) … P5, shared with the service desk."""

    P1 = 1, "P1"
    P2 = 2, "P2"
    P3 = 3, "P3"
    P4 = 4, "P4"
    P5 = 5, "P5"


class Supplier(AuditedModel):
    scope_path = None

    name = models.CharField(_("name"), max_length=200, unique=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    support_phone = models.CharField(_("support phone"), max_length=32, blank=True)
    support_email = models.EmailField(_("support e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.TextField(_("address"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cmdb:supplier_detail", args=[self.pk])

    def clean(self) -> None:
        if self.siret:
            from stdnum.fr import siret

            try:
                self.siret = siret.validate(self.siret)
            except Exception as exc:  # stdnum raises its own ValidationError family
                raise ValidationError(
                    {"siret": _("Enter a valid SIRET number (14 digits).")}
                ) from exc


class Contract(AuditedModel):
    scope_path = "establishment"
    scope_allows_shared = True

    class Kind(models.TextChoices):
        MAINTENANCE = "maintenance", _("Maintenance")
        SUPPORT = "support", _("Software support")
        WARRANTY = "warranty", _("Extended warranty")
        LICENCE = "licence", _("Licence")
        HOSTING = "hosting", _("Hosting")
        LEASE = "lease", _("Lease")

    class SupportHours(models.TextChoices):
        ALWAYS = "24/7", _("24/7")
        BUSINESS = "business", _("Business hours")
        EXTENDED = "extended", _("Extended hours (7 a.m.–9 p.m., Monday–Saturday)")

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="contracts"
    )
    reference = models.CharField(_("reference"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        help_text=_("Leave empty for a contract of the whole GHT."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), db_index=True)
    notice_days = models.PositiveIntegerField(
        _("notice period (days)"),
        default=90,
        help_text=_("How long before the end the renewal must be decided."),
    )
    support_hours = models.CharField(
        _("support hours"), max_length=16, choices=SupportHours.choices
    )
    calendar_code = models.CharField(
        _("business calendar"),
        max_length=64,
        blank=True,
        help_text=_("Code of the business calendar of the support hours."),
    )
    annual_amount = models.DecimalField(
        _("annual amount (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    penalty_cap = models.DecimalField(
        _("penalty cap (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Most that penalties may add up to over the contract year."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["supplier__name", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "reference"], name="cmdb_contract_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("cmdb:contract_detail", args=[self.pk])

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The contract cannot end before it starts.")})


class ContractCommitment(AuditedModel):
    """The supplier's response and resolution times for one priority."""

    scope_path = "contract__establishment"
    scope_allows_shared = True

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="commitments"
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(
        _("response time (minutes)"), validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution time (minutes)"), validators=[MinValueValidator(1)]
    )
    penalty_per_hour = models.DecimalField(
        _("penalty per hour late (€)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("contract commitment")
        verbose_name_plural = _("contract commitments")
        ordering = ["contract", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "priority"], name="cmdb_commitment_priority_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} P{self.priority}"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url()

    def clean(self) -> None:
        if (
            self.response_minutes
            and self.resolution_minutes
            and self.resolution_minutes < self.response_minutes
        ):
            raise ValidationError(
                {"resolution_minutes": _("Resolution cannot come before the response.")}
            )
