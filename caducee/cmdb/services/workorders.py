"""Work orders: created by hand (corrective), rescheduled, signed, cancelled.

Rule (Code de la santé publique R5212-28, REFERENCE.md "Medical devices"):
the register of a device records every operation — who did it and for which
employer, the date, the stop and restart dates on non-conformity, the nature
and the result — and is kept five years after the device leaves service.
Hence:

* an order is completed once, by a signature: the signing user, the time and
  a SHA-256 digest of the signed fields (``signature_digest``). A signed order
  is never edited nor signed again. The digest is also written in the
  hash-chained audit trail (event ``cmdb.work_order_signed``), so a later
  edit of the row shows both against the digest and against the trail;
* an order is never deleted, only cancelled with a reason (kept in its
  ``report``, the register's "result" column for a cancelled line);
* a non-compliant result needs the date the device was stopped: a stopped
  device without a restart date goes ``out_of_service`` (which the impact
  analysis counts as down); a restart date puts it back in production.

How the signer proves who they are is the edge's concern (the page asks for
the password again, the API trusts the personal token): see
``caducee.cmdb.views.workorders``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.cmdb.models import ConfigurationItem, LifecycleStatus, WorkOrder
from caducee.cmdb.services.items import change_status
from caducee.cmdb.services.maintenance import NOT_MAINTAINED
from caducee.cmdb.types import CIType
from caducee.core import context
from caducee.core.services import audit
from caducee.core.services import objects as object_services
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied
from caducee.core.services.scoping import can, establishment_allowed

#: The fields a signature covers, in the register's order.
SIGNED_FIELDS = (
    "id",
    "device_id",
    "plan_id",
    "kind",
    "due_date",
    "performed_on",
    "performed_by",
    "employer",
    "result",
    "report",
    "stopped_on",
    "restarted_on",
    "signed_by_id",
    "signed_at",
)
#: Fields only ``complete_work_order`` and ``cancel_work_order`` may set.
COMPLETION_FIELDS = (
    "status",
    "performed_on",
    "performed_by",
    "employer",
    "result",
    "stopped_on",
    "restarted_on",
    "report",
    "signed_by",
    "signed_at",
    "signature",
)


def signature_digest(order: WorkOrder) -> str:
    payload = {name: audit.to_jsonable(getattr(order, name)) for name in SIGNED_FIELDS}
    return hashlib.sha256(audit.canonical(payload)).hexdigest()


def signature_is_valid(order: WorkOrder) -> bool:
    """Whether the signed fields are still those that were signed."""
    return bool(order.signature) and hmac.compare_digest(order.signature, signature_digest(order))


def _require_change(actor: Any, order: WorkOrder) -> None:
    """Refuse before looking at the input: who may act comes first."""
    if not can(actor, WorkOrder, "change"):
        raise PermissionDenied(_("You are not allowed to do this."))
    if not establishment_allowed(actor, order.audit_establishment_id()):
        raise PermissionDenied(_("This establishment is outside your scope."))


def _refuse_closed(order: WorkOrder) -> None:
    if order.status == WorkOrder.Status.DONE or order.signed_at or order.signature:
        raise Conflict(
            _("This work order is signed: a signed record cannot be changed."), code="signed"
        )
    if order.status == WorkOrder.Status.CANCELLED:
        raise Conflict(_("This work order is cancelled."), code="cancelled")


def _check_device(device: ConfigurationItem | None) -> None:
    if device is None:
        return
    if device.ci_type != CIType.MEDICAL_DEVICE:
        raise DomainError(_("Work orders are for medical devices."), field="device")
    if device.status in NOT_MAINTAINED:
        raise DomainError(_("This device is not in service."), field="device")


def create_work_order(
    order: WorkOrder, *, actor: Any, m2m: dict[str, Any] | None = None
) -> WorkOrder:
    """An order made by hand (corrective maintenance, a check after a repair).

    It belongs to no plan, starts planned and carries no completion data.
    """
    order.plan = None
    for name in COMPLETION_FIELDS:
        field = WorkOrder._meta.get_field(name)
        setattr(order, field.attname, field.get_default())
    _check_device(order.device if order.device_id else None)
    return object_services.create_object(order, actor=actor)


def update_work_order(
    order: WorkOrder, *, actor: Any, m2m: dict[str, Any] | None = None
) -> WorkOrder:
    """Reschedule or describe a planned order. A generated order keeps its
    device, plan and kind (the schedule depends on them)."""
    original = WorkOrder.objects.filter(pk=order.pk).first()
    if original is None:
        raise DomainError(_("This record no longer exists."), code="not_found")
    _require_change(actor, original)
    _refuse_closed(original)
    for name in COMPLETION_FIELDS:
        attname = WorkOrder._meta.get_field(name).attname
        if getattr(order, attname) != getattr(original, attname):
            raise DomainError(_("Complete or cancel the work order instead."), field=name)
    if original.plan_id:
        for name in ("device", "plan", "kind"):
            attname = WorkOrder._meta.get_field(name).attname
            if getattr(order, attname) != getattr(original, attname):
                raise DomainError(
                    _("An order generated from a plan keeps its device, plan and kind."),
                    field=name,
                )
    elif order.device_id != original.device_id:
        _check_device(order.device)
    return object_services.update_object(order, actor=actor)


def _completion_errors(
    *,
    today: dt.date,
    performed_on: dt.date | None,
    performed_by: str,
    employer: str,
    result: str,
    report: str,
    stopped_on: dt.date | None,
    restarted_on: dt.date | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    required = _("This field is required.")
    if performed_on is None:
        errors["performed_on"] = [required]
    elif performed_on > today:
        errors["performed_on"] = [_("The operation cannot be dated in the future.")]
    if not performed_by:
        errors["performed_by"] = [required]
    if not employer:
        errors["employer"] = [_("Give the employer of the person who did the work.")]
    if result not in WorkOrder.Result.values:
        errors["result"] = [required if not result else _("Unknown result.")]
    elif result != WorkOrder.Result.COMPLIANT and not report:
        errors["report"] = [_("Describe the reservations or the non-conformity.")]
    if result == WorkOrder.Result.NON_COMPLIANT and stopped_on is None:
        errors["stopped_on"] = [_("A non-compliant device is stopped: give the date.")]
    if stopped_on and stopped_on > today:
        errors["stopped_on"] = [_("The stop cannot be dated in the future.")]
    if restarted_on:
        if stopped_on is None:
            errors["restarted_on"] = [_("A device restarts only after it stopped.")]
        elif restarted_on < stopped_on:
            errors["restarted_on"] = [_("The device cannot restart before it stopped.")]
        elif restarted_on > today:
            errors["restarted_on"] = [_("The restart cannot be dated in the future.")]
    return errors


def _apply_device_status(order: WorkOrder, actor: Any) -> None:
    device = ConfigurationItem.objects.get(pk=order.device_id)
    if device.status in NOT_MAINTAINED:
        return
    if order.restarted_on:
        if device.status in (LifecycleStatus.OUT_OF_SERVICE, LifecycleStatus.IN_MAINTENANCE):
            target = LifecycleStatus.IN_PRODUCTION
            reason = _("Restarted on %(date)s (work order #%(id)s).")
        else:
            return
    elif order.stopped_on:
        target = LifecycleStatus.OUT_OF_SERVICE
        reason = _("Stopped on %(date)s (work order #%(id)s).")
    else:
        return
    date = order.restarted_on or order.stopped_on
    try:
        change_status(
            device,
            actor=actor,
            status=target,
            reason=reason % {"date": date.isoformat(), "id": order.pk},
        )
    except ValidationError as exc:
        raise DomainError(
            _("The device record is invalid; correct it before signing: %(errors)s")
            % {"errors": "; ".join(exc.messages)}
        ) from exc


def complete_work_order(
    order: WorkOrder,
    *,
    actor: Any,
    performed_on: dt.date | None,
    performed_by: str,
    employer: str,
    result: str,
    report: str,
    stopped_on: dt.date | None = None,
    restarted_on: dt.date | None = None,
) -> WorkOrder:
    """Record the operation and sign it as ``actor``; all or nothing."""
    performed_by, employer = (performed_by or "").strip(), (employer or "").strip()
    report, result = (report or "").strip(), (result or "").strip()
    with transaction.atomic():
        locked = WorkOrder.objects.select_for_update().filter(pk=order.pk).first()
        if locked is None:
            raise DomainError(_("This record no longer exists."), code="not_found")
        _require_change(actor, locked)
        _refuse_closed(locked)
        errors = _completion_errors(
            today=timezone.localdate(),
            performed_on=performed_on,
            performed_by=performed_by,
            employer=employer,
            result=result,
            report=report,
            stopped_on=stopped_on,
            restarted_on=restarted_on,
        )
        if errors:
            raise ValidationError(errors)
        locked.performed_on = performed_on
        locked.performed_by = performed_by
        locked.employer = employer
        locked.result = result
        locked.report = report
        locked.stopped_on = stopped_on
        locked.restarted_on = restarted_on
        locked.status = WorkOrder.Status.DONE
        locked.signed_by = actor
        locked.signed_at = timezone.now().replace(microsecond=0)
        locked.signature = signature_digest(locked)
        object_services.update_object(locked, actor=actor)
        with context.acting_as(actor):
            audit.record_event(
                "cmdb.work_order_signed",
                locked,
                data={"result": result, "signature": locked.signature},
            )
        _apply_device_status(locked, actor)
    order.refresh_from_db()
    return order


def cancel_work_order(order: WorkOrder, *, actor: Any, reason: str) -> WorkOrder:
    """Cancel a planned order; it stays in the register with its reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the work order is cancelled."), field="reason")
    with transaction.atomic():
        locked = WorkOrder.objects.select_for_update().filter(pk=order.pk).first()
        if locked is None:
            raise DomainError(_("This record no longer exists."), code="not_found")
        _require_change(actor, locked)
        _refuse_closed(locked)
        locked.status = WorkOrder.Status.CANCELLED
        locked.report = reason
        object_services.update_object(locked, actor=actor)
        with context.acting_as(actor):
            audit.record_event("cmdb.work_order_cancelled", locked, data={"reason": reason})
    order.refresh_from_db()
    return order
