"""Biomedical maintenance (GMAO): plans, work orders and device vigilance.

Rule (Code de la santé publique R5212-25 to R5212-35, see REFERENCE.md):
devices listed by ANSM decisions get preventive maintenance and internal or
external quality control at the frequency set by the manufacturer or the
decision; the operator keeps a register per device of every operation — who
and for which employer, date, stop and restart dates on non-conformity,
nature, result — kept five years after the device leaves service. Hence work
orders are never deleted, only cancelled, and completion is signed.

A plan applies to the devices of one manufacturer and model, or to every
device of one class; a periodic task creates the next work order of each
device and plan, never twice for one due date (unique constraint).
Matériovigilance (R5212-22): an incident involving a device is recorded with
its ANSM reference.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models.contracts import Supplier
from caducee.cmdb.models.items import ConfigurationItem
from caducee.cmdb.types import DEVICE_CLASS
from caducee.core.models import AuditedModel
from caducee.org.models import Establishment, Team


class MaintenanceKind(models.TextChoices):
    PREVENTIVE = "preventive", _("Preventive maintenance")
    INTERNAL_QC = "internal_qc", _("Internal quality control")
    EXTERNAL_QC = "external_qc", _("External quality control")
    CORRECTIVE = "corrective", _("Corrective maintenance")


class MaintenancePlan(AuditedModel):
    scope_path = "establishment"
    scope_allows_shared = True

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=[c for c in MaintenanceKind.choices if c[0] != MaintenanceKind.CORRECTIVE],
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="maintenance_plans",
        help_text=_("Leave empty for a plan of the whole GHT."),
    )
    manufacturer = models.CharField(_("manufacturer"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=150, blank=True)
    device_class = models.CharField(
        _("device class"), max_length=3, choices=DEVICE_CLASS, blank=True
    )
    frequency_months = models.PositiveSmallIntegerField(
        _("frequency (months)"), validators=[MinValueValidator(1)]
    )
    lead_days = models.PositiveSmallIntegerField(
        _("created days ahead"),
        default=60,
        help_text=_("How many days before the due date the work order is created."),
    )
    responsible_team = models.ForeignKey(
        Team,
        verbose_name=_("responsible team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="maintenance_plans",
    )
    responsible_supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("responsible supplier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="maintenance_plans",
    )
    regulatory_reference = models.CharField(
        _("regulatory reference"),
        max_length=200,
        blank=True,
        help_text=_("ANSM decision or manufacturer instruction that sets the frequency."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cmdb:maintenanceplan_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, list] = {}
        by_model = bool(self.manufacturer or self.model)
        if by_model and self.device_class:
            errors["device_class"] = [_("A plan applies to a model or to a class, not both.")]
        elif not by_model and not self.device_class:
            errors["model"] = [_("Give the manufacturer and model, or a device class.")]
        elif by_model and not (self.manufacturer and self.model):
            errors["model" if self.manufacturer else "manufacturer"] = [
                _("Give both the manufacturer and the model.")
            ]
        if bool(self.responsible_team_id) == bool(self.responsible_supplier_id):
            errors["responsible_team"] = [
                _("Choose who is responsible: a team or a supplier (one of them).")
            ]
        if errors:
            raise ValidationError(errors)


class WorkOrder(AuditedModel):
    scope_path = "device__establishment"
    scope_allows_shared = True

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Result(models.TextChoices):
        COMPLIANT = "compliant", _("Compliant")
        RESERVATIONS = "reservations", _("Compliant with reservations")
        NON_COMPLIANT = "non_compliant", _("Non-compliant")

    device = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("device"),
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    plan = models.ForeignKey(
        MaintenancePlan,
        verbose_name=_("plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MaintenanceKind.choices)
    due_date = models.DateField(_("due date"), db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    description = models.TextField(_("description"), blank=True)
    performed_on = models.DateField(_("performed on"), null=True, blank=True)
    performed_by = models.CharField(_("performed by"), max_length=200, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    stopped_on = models.DateField(_("device stopped on"), null=True, blank=True)
    restarted_on = models.DateField(_("device restarted on"), null=True, blank=True)
    report = models.TextField(_("report"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_work_orders",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signature = models.CharField(
        _("signature"),
        max_length=64,
        blank=True,
        help_text=_("Digest of the signed record, to detect later edits."),
    )

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "plan", "due_date"],
                condition=Q(plan__isnull=False),
                name="cmdb_workorder_once_per_due_date",
            )
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="cmdb_wo_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.device} ({self.due_date})"

    def get_absolute_url(self) -> str:
        return reverse("cmdb:workorder_detail", args=[self.pk])

    def clean(self) -> None:
        if self.stopped_on and self.restarted_on and self.restarted_on < self.stopped_on:
            raise ValidationError(
                {"restarted_on": _("The device cannot restart before it stopped.")}
            )


class VigilanceReport(AuditedModel):
    """A matériovigilance declaration about one device (R5212-22)."""

    scope_path = "device__establishment"
    scope_allows_shared = True

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being written")
        REPORTED = "reported", _("Reported to ANSM")
        CLOSED = "closed", _("Closed")

    device = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("device"),
        on_delete=models.PROTECT,
        related_name="vigilance_reports",
    )
    incident_date = models.DateField(_("incident date"))
    description = models.TextField(_("what happened"))
    patient_harm = models.BooleanField(_("patient harmed"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    ansm_reference = models.CharField(_("ANSM reference"), max_length=64, blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    actions = models.TextField(_("actions taken"), blank=True)

    class Meta:
        verbose_name = _("device vigilance report")
        verbose_name_plural = _("device vigilance reports")
        ordering = ["-incident_date", "pk"]

    def __str__(self) -> str:
        ref = self.ansm_reference or _("not yet reported")
        return f"{self.device} — {self.incident_date} ({ref})"

    def get_absolute_url(self) -> str:
        return reverse("cmdb:vigilancereport_detail", args=[self.pk])

    def clean(self) -> None:
        if self.status == self.Status.REPORTED and not (self.ansm_reference and self.reported_on):
            raise ValidationError(
                {"ansm_reference": _("Give the ANSM reference and date once reported.")}
            )
