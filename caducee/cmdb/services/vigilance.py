"""Device vigilance (matériovigilance) reports.

Rule (Code de la santé publique R5212-22, REFERENCE.md "Medical devices"):
an incident, or a risk of incident, involving a medical device is reported
to ANSM without delay. A report is written (draft), then declared with the
reference ANSM gives it (``report_to_ansm``), then closed once the actions
taken are recorded. A report is a regulatory record: it is never deleted,
and once closed it is not edited.

A report with patient harm that is not closed marks its device: the item's
maintenance tab, the work order lists and the vigilance list show it
(``devices_with_open_harm``), so nobody plans routine work on that device
without seeing it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.cmdb.models import ConfigurationItem, VigilanceReport
from caducee.cmdb.types import CIType
from caducee.core import context
from caducee.core.services import audit
from caducee.core.services import objects as object_services
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.core.services.scoping import can, establishment_allowed

#: Set only through ``report_to_ansm`` and ``close_vigilance_report``.
WORKFLOW_FIELDS = ("status", "ansm_reference", "reported_on")


def open_harm_reports() -> QuerySet[VigilanceReport]:
    return VigilanceReport.objects.filter(patient_harm=True).exclude(
        status=VigilanceReport.Status.CLOSED
    )


def devices_with_open_harm(device_field: str = "pk") -> Exists:
    """An ``Exists`` to annotate a queryset whose ``device_field`` is a device."""
    return Exists(open_harm_reports().filter(device_id=OuterRef(device_field)))


def _check_report(report: VigilanceReport) -> None:
    errors: dict[str, list[str]] = {}
    device = report.device if report.device_id else None
    if device is not None and device.ci_type != CIType.MEDICAL_DEVICE:
        errors["device"] = [_("Device vigilance concerns medical devices.")]
    if report.incident_date and report.incident_date > timezone.localdate():
        errors["incident_date"] = [_("The incident cannot be dated in the future.")]
    if errors:
        raise ValidationError(errors)


def _require_change(actor: Any, report: VigilanceReport) -> None:
    if not can(actor, VigilanceReport, "change"):
        raise PermissionDenied(_("You are not allowed to do this."))
    if not establishment_allowed(actor, report.audit_establishment_id()):
        raise PermissionDenied(_("This establishment is outside your scope."))


def create_vigilance_report(
    report: VigilanceReport, *, actor: Any, m2m: dict[str, Any] | None = None
) -> VigilanceReport:
    """A new report, always a draft: declaring it is ``report_to_ansm``."""
    report.status = VigilanceReport.Status.DRAFT
    report.ansm_reference = ""
    report.reported_on = None
    _check_report(report)
    return object_services.create_object(report, actor=actor)


def update_vigilance_report(
    report: VigilanceReport, *, actor: Any, m2m: dict[str, Any] | None = None
) -> VigilanceReport:
    """Correct a report not yet closed; the device is fixed once declared."""
    original = VigilanceReport.objects.filter(pk=report.pk).first()
    if original is None:
        raise DomainError(_("This record no longer exists."), code="not_found")
    _require_change(actor, original)
    if original.status == VigilanceReport.Status.CLOSED:
        raise Conflict(_("This report is closed."), code="closed")
    for name in WORKFLOW_FIELDS:
        if getattr(report, name) != getattr(original, name):
            raise DomainError(_("Use the report and close actions for this."), field=name)
    if original.status != VigilanceReport.Status.DRAFT and report.device_id != original.device_id:
        raise DomainError(_("A declared report keeps its device."), field="device")
    _check_report(report)
    return object_services.update_object(report, actor=actor)


def report_to_ansm(
    report: VigilanceReport, *, actor: Any, reference: str, reported_on: dt.date | None
) -> VigilanceReport:
    """Record the declaration to ANSM with the reference it gave."""
    reference = (reference or "").strip()
    with transaction.atomic():
        locked = VigilanceReport.objects.select_for_update().filter(pk=report.pk).first()
        if locked is None:
            raise DomainError(_("This record no longer exists."), code="not_found")
        _require_change(actor, locked)
        if locked.status != VigilanceReport.Status.DRAFT:
            raise Conflict(_("This report has already been declared."), code="reported")
        errors: dict[str, list[str]] = {}
        if not reference:
            errors["reference"] = [_("Give the reference ANSM gave the declaration.")]
        elif len(reference) > VigilanceReport._meta.get_field("ansm_reference").max_length:
            errors["reference"] = [_("This reference is too long.")]
        if reported_on is None:
            errors["reported_on"] = [_("This field is required.")]
        elif reported_on > timezone.localdate():
            errors["reported_on"] = [_("The declaration cannot be dated in the future.")]
        elif reported_on < locked.incident_date:
            errors["reported_on"] = [_("The declaration cannot precede the incident.")]
        if errors:
            raise ValidationError(errors)
        locked.status = VigilanceReport.Status.REPORTED
        locked.ansm_reference = reference
        locked.reported_on = reported_on
        object_services.update_object(locked, actor=actor)
        with context.acting_as(actor):
            audit.record_event(
                "cmdb.vigilance_reported",
                locked,
                data={"reference": reference, "reported_on": reported_on},
            )
    report.refresh_from_db()
    return report


def close_vigilance_report(
    report: VigilanceReport, *, actor: Any, actions: str = ""
) -> VigilanceReport:
    """Close a report once the actions taken are written down."""
    actions = (actions or "").strip()
    with transaction.atomic():
        locked = VigilanceReport.objects.select_for_update().filter(pk=report.pk).first()
        if locked is None:
            raise DomainError(_("This record no longer exists."), code="not_found")
        _require_change(actor, locked)
        if locked.status == VigilanceReport.Status.CLOSED:
            raise Conflict(_("This report is closed."), code="closed")
        if actions:
            locked.actions = actions
        if not locked.actions.strip():
            raise DomainError(_("Write down the actions taken before closing."), field="actions")
        locked.status = VigilanceReport.Status.CLOSED
        object_services.update_object(locked, actor=actor)
        with context.acting_as(actor):
            audit.record_event("cmdb.vigilance_closed", locked)
    report.refresh_from_db()
    return report


def harm_alert(device: ConfigurationItem) -> QuerySet[VigilanceReport]:
    """The open reports with patient harm about ``device``."""
    return open_harm_reports().filter(device=device)
