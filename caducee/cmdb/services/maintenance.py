"""Biomedical maintenance plans and the work orders generated from them.

Rule (Code de la santé publique R5212-25 to R5212-35, REFERENCE.md "Medical
devices"): a device subject to maintenance or quality control is maintained
at the frequency set by its manufacturer or an ANSM decision. A plan states
that frequency for one manufacturer and model, or for a whole device class,
in one establishment or the whole GHT; ``devices_for_plan`` is the one place
that says which devices it covers.

Scheduling (``generate_work_orders``, run every night by
``caducee.cmdb.tasks.maintenance``): for each active plan and covered device,
the next due date is

* the last completion date (``performed_on``) + the frequency: the interval
  runs from the work actually done, as the register shows it;
* after a cancelled occurrence that is later than any completion, the
  cancelled due date + the frequency, moved forward by whole periods until it
  is not in the past: a skipped occurrence is not made up, the schedule goes
  on;
* with no order yet, the device's first use date (``attributes.first_use_date``,
  the date the register starts from), else its purchase date, else today,
  + the frequency. A device used for years with no order in the register
  gets an overdue order: the register has no proof of its maintenance.

The order is created ``lead_days`` before its due date. Never two orders for
one (device, plan, due date) — a database constraint backs the check, so two
workers running at once create one order and the second meets the constraint
and moves on — and never a new one while an order of the same plan and device
is still open. The run is idempotent and can be repeated or interrupted: each
order is saved on its own (audited as the system's work by ``AuditedModel``)
and one summary event closes the run.

Completion, signature and cancellation are in ``caducee.cmdb.services.workorders``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from caducee.cmdb.models import (
    ConfigurationItem,
    LifecycleStatus,
    MaintenancePlan,
    WorkOrder,
)
from caducee.cmdb.types import CIType
from caducee.core import context
from caducee.core.services import audit
from caducee.core.services import objects as object_services
from caducee.core.services.errors import PermissionDenied
from caducee.core.services.scoping import can

logger = logging.getLogger(__name__)

#: A device in these states is not maintained: not delivered yet, or gone.
NOT_MAINTAINED = (LifecycleStatus.ORDERED, LifecycleStatus.RETIRED, LifecycleStatus.DISPOSED)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; the 31st becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- plans ---------------------------------------------------------------------


def create_plan(
    plan: MaintenancePlan, *, actor: Any, m2m: dict[str, Any] | None = None
) -> MaintenancePlan:
    """A new plan; ``MaintenancePlan.clean`` checks model-or-class and who is responsible."""
    plan.manufacturer = plan.manufacturer.strip()
    plan.model = plan.model.strip()
    return object_services.create_object(plan, actor=actor, m2m=m2m)


def update_plan(
    plan: MaintenancePlan, *, actor: Any, m2m: dict[str, Any] | None = None
) -> MaintenancePlan:
    """Save a changed plan; its existing orders keep their dates, the next
    run of the generator uses the new frequency."""
    plan.manufacturer = plan.manufacturer.strip()
    plan.model = plan.model.strip()
    return object_services.update_object(plan, actor=actor, m2m=m2m)


def medical_devices() -> QuerySet[ConfigurationItem]:
    return ConfigurationItem.objects.filter(ci_type=CIType.MEDICAL_DEVICE)


def devices_for_plan(plan: MaintenancePlan) -> QuerySet[ConfigurationItem]:
    """The medical devices a plan covers (unscoped: callers restrict for a user).

    By model: same manufacturer and model, case aside (inventories differ in
    capitals). By class: ``attributes.device_class``. A plan of one
    establishment covers that establishment's devices; a GHT plan covers all.
    Devices ordered, retired or disposed are not maintained.
    """
    devices = medical_devices().exclude(status__in=NOT_MAINTAINED)
    if plan.device_class:
        devices = devices.filter(attributes__device_class=plan.device_class)
    else:
        devices = devices.filter(
            manufacturer__iexact=plan.manufacturer.strip(), model__iexact=plan.model.strip()
        )
    if plan.establishment_id:
        devices = devices.filter(establishment_id=plan.establishment_id)
    return devices


def plans_for_device(device: ConfigurationItem) -> QuerySet[MaintenancePlan]:
    """The plans that cover ``device`` (the inverse of ``devices_for_plan``)."""
    if device.ci_type != CIType.MEDICAL_DEVICE or device.status in NOT_MAINTAINED:
        return MaintenancePlan.objects.none()
    match = Q(manufacturer__iexact=device.manufacturer.strip(), model__iexact=device.model.strip())
    if not (device.manufacturer.strip() and device.model.strip()):
        match = Q(pk__in=[])
    device_class = (device.attributes or {}).get("device_class")
    if device_class:
        match |= Q(device_class=device_class)
    where = Q(establishment__isnull=True)
    if device.establishment_id:
        where |= Q(establishment_id=device.establishment_id)
    return MaintenancePlan.objects.filter(match, where)


# --- scheduling ----------------------------------------------------------------


@dataclass(frozen=True)
class History:
    """What the register says about one device under one plan."""

    open_orders: int = 0
    last_done: dt.date | None = None
    last_cancelled: dt.date | None = None


def plan_history(plan: MaintenancePlan) -> dict[int, History]:
    """Per device id, its orders of ``plan`` summed up in one grouped query."""
    rows = (
        WorkOrder.objects.filter(plan=plan)
        .order_by()
        .values("device_id")
        .annotate(
            open_orders=Count("pk", filter=Q(status=WorkOrder.Status.PLANNED)),
            last_done=Max("performed_on", filter=Q(status=WorkOrder.Status.DONE)),
            last_cancelled=Max("due_date", filter=Q(status=WorkOrder.Status.CANCELLED)),
        )
    )
    return {
        row["device_id"]: History(row["open_orders"], row["last_done"], row["last_cancelled"])
        for row in rows
    }


def first_use_date(device: ConfigurationItem) -> dt.date | None:
    raw = (device.attributes or {}).get("first_use_date")
    try:
        return dt.date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def next_due_date(
    plan: MaintenancePlan,
    device: ConfigurationItem,
    history: History | None,
    *,
    today: dt.date,
) -> dt.date | None:
    """The due date of the next order, or None while one is still open."""
    history = history or History()
    if history.open_orders:
        return None
    months = plan.frequency_months
    done, cancelled = history.last_done, history.last_cancelled
    if done and (not cancelled or done >= cancelled):
        return add_months(done, months)
    if cancelled:
        due, step = add_months(cancelled, months), 1
        while due < today:
            step += 1
            due = add_months(cancelled, months * step)
        return due
    start = first_use_date(device) or device.purchase_date or today
    return add_months(start, months)


def next_due_for_device(
    plan: MaintenancePlan, device: ConfigurationItem, *, today: dt.date
) -> dt.date | None:
    """``next_due_date`` for one device (pages; the generator batches)."""
    history = plan_history_for_device(plan, device)
    return next_due_date(plan, device, history, today=today)


def plan_history_for_device(plan: MaintenancePlan, device: ConfigurationItem) -> History:
    orders = WorkOrder.objects.filter(plan=plan, device=device).order_by()
    row = orders.aggregate(
        open_orders=Count("pk", filter=Q(status=WorkOrder.Status.PLANNED)),
        last_done=Max("performed_on", filter=Q(status=WorkOrder.Status.DONE)),
        last_cancelled=Max("due_date", filter=Q(status=WorkOrder.Status.CANCELLED)),
    )
    return History(row["open_orders"] or 0, row["last_done"], row["last_cancelled"])


def _create_order(plan: MaintenancePlan, device: ConfigurationItem, due: dt.date) -> bool:
    """Save one generated order; False when another run made it first."""
    try:
        with transaction.atomic():
            WorkOrder(
                device=device,
                plan=plan,
                kind=plan.kind,
                due_date=due,
                description=plan.name,
            ).save()
    except IntegrityError:
        logger.info("work order for %s / %s on %s exists already", device.pk, plan.pk, due)
        return False
    return True


def generate_work_orders(*, today: dt.date, actor: Any = None) -> int:
    """Create the work orders that fall due within each plan's lead time.

    ``actor`` None is the nightly task (the system); a user running it by
    hand needs the permission to add work orders and only reaches the
    devices of their establishments. Returns the number of orders created.
    """
    establishment_ids = None
    if actor is not None:
        if not can(actor, WorkOrder, "add"):
            raise PermissionDenied(_("You are not allowed to do this."))
        establishment_ids = actor.establishment_ids()
    created = conflicts = 0
    plans = list(MaintenancePlan.objects.filter(is_active=True).order_by("pk"))
    source = "task" if actor is None else None
    with context.acting_as(actor, source=source):
        for plan in plans:
            devices = devices_for_plan(plan).only(
                "pk", "name", "establishment_id", "purchase_date", "attributes"
            )
            if establishment_ids is not None:
                devices = devices.filter(establishment_id__in=establishment_ids)
            history = plan_history(plan)
            horizon = today + dt.timedelta(days=plan.lead_days)
            for device in devices.order_by("pk"):
                due = next_due_date(plan, device, history.get(device.pk), today=today)
                if due is None or due > horizon:
                    continue
                if _create_order(plan, device, due):
                    created += 1
                else:
                    conflicts += 1
        audit.record_event(
            "cmdb.work_orders_generated",
            obj_type="cmdb.workorder",
            obj_repr=_("Maintenance work orders"),
            data={"today": today, "plans": len(plans), "created": created, "existing": conflicts},
        )
    return created
