"""Maintenance plans and the work orders generated from them, as the
biomedical team relies on them: which devices a plan covers, when each order
falls due, that the nightly run never creates an order twice, and that the
nightly task is the same service run by the system."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from caducee.cmdb.models import MaintenancePlan, WorkOrder
from caducee.cmdb.services import maintenance
from caducee.cmdb.services.items import update_item
from caducee.cmdb.services.maintenance import (
    add_months,
    create_plan,
    devices_for_plan,
    generate_work_orders,
    plans_for_device,
)
from caducee.cmdb.services.workorders import cancel_work_order, complete_work_order
from caducee.cmdb.tasks.maintenance import generate_maintenance_work_orders
from caducee.cmdb.tests.biomed_data import *  # noqa: F403  (fixtures)
from caducee.cmdb.tests.biomed_data import ecg_plan, open_order
from caducee.core.models import AuditEvent
from caducee.core.services.errors import PermissionDenied

pytestmark = pytest.mark.django_db

D = dt.date


def complete(order, actor, performed_on, **fields):
    values = {
        "performed_by": "Luc Petit",
        "employer": "CH de Valmont",
        "result": WorkOrder.Result.COMPLIANT,
        "report": "",
        **fields,
    }
    return complete_work_order(order, actor=actor, performed_on=performed_on, **values)


# --- which devices a plan covers ----------------------------------------------
def test_plan_by_model_covers_that_model_whatever_the_capitals(biomed, ght, admin_user):
    plan = ecg_plan(admin_user, biomed.team)
    assert set(devices_for_plan(plan)) == {biomed.ecg, biomed.ecg_b}
    local = ecg_plan(admin_user, biomed.team, establishment=ght.a, name="ECG Valmont")
    assert list(devices_for_plan(local)) == [biomed.ecg]
    assert set(plans_for_device(biomed.ecg)) == {plan, local}
    assert list(plans_for_device(biomed.ecg_b)) == [plan]


def test_plan_by_class_covers_the_class_but_not_retired_devices(biomed, admin_user):
    iib = create_plan(
        MaintenancePlan(
            name="CQI classe IIb",
            kind="internal_qc",
            device_class="IIb",
            frequency_months=6,
            responsible_team=biomed.team,
        ),
        actor=admin_user,
    )
    assert set(devices_for_plan(iib)) == {biomed.ecg, biomed.ecg_b, biomed.pump}
    iii = create_plan(
        MaintenancePlan(
            name="CQE classe III",
            kind="external_qc",
            device_class="III",
            frequency_months=12,
            responsible_team=biomed.team,
        ),
        actor=admin_user,
    )
    assert not devices_for_plan(iii).exists()  # the only class III device is retired
    assert list(plans_for_device(biomed.pump)) == [iib]


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"manufacturer": "Philips", "model": "MX450", "device_class": "IIb"}, "device_class"),
        ({}, "model"),
        ({"manufacturer": "Philips"}, "model"),
    ],
)
def test_plan_needs_a_model_or_a_class(biomed, admin_user, fields, error_field):
    plan = MaintenancePlan(
        name="x", kind="preventive", frequency_months=12, responsible_team=biomed.team, **fields
    )
    with pytest.raises(ValidationError) as info:
        create_plan(plan, actor=admin_user)
    assert error_field in info.value.message_dict
    assert not MaintenancePlan.objects.exists()


def test_plan_needs_exactly_one_responsible(biomed, admin_user):
    plan = MaintenancePlan(name="x", kind="preventive", device_class="IIa", frequency_months=12)
    with pytest.raises(ValidationError) as info:
        create_plan(plan, actor=admin_user)
    assert "responsible_team" in info.value.message_dict


def test_agent_cannot_create_a_plan(biomed, desk_agent_a):
    with pytest.raises(PermissionDenied):
        ecg_plan(desk_agent_a, biomed.team)


def test_add_months_keeps_the_end_of_month():
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2023, 11, 30), 3) == D(2024, 2, 29)
    assert add_months(D(2024, 12, 15), 12) == D(2025, 12, 15)


# --- generation ---------------------------------------------------------------
def test_order_created_lead_days_before_due_date(biomed, admin_user):
    plan = ecg_plan(admin_user, biomed.team)
    # First use 2024-01-15 + 12 months = 2025-01-15, created 60 days ahead (2024-11-16).
    assert generate_work_orders(today=D(2024, 11, 15)) == 0
    assert generate_work_orders(today=D(2024, 11, 16)) == 1
    order = open_order(biomed.ecg, plan)
    assert order.due_date == D(2025, 1, 15)
    assert order.kind == "preventive"
    # The B monitor has no first use nor purchase date: due 12 months from "today".
    assert not WorkOrder.objects.filter(device=biomed.ecg_b).exists()


def test_generation_is_idempotent_and_audited_as_the_system(biomed, admin_user):
    ecg_plan(admin_user, biomed.team)
    assert generate_work_orders(today=D(2024, 12, 1)) == 1
    assert generate_work_orders(today=D(2024, 12, 1)) == 0
    # Across the due date the order is still open: no second one.
    assert generate_work_orders(today=D(2025, 3, 1)) == 0
    assert WorkOrder.objects.count() == 1
    created = AuditEvent.objects.get(object_type="cmdb.workorder", action="create")
    assert created.actor_id is None and created.source == "task"
    summaries = AuditEvent.objects.filter(event="cmdb.work_orders_generated").order_by("seq")
    assert [e.data["created"] for e in summaries] == [1, 0, 0]
    assert summaries[0].data["today"] == "2024-12-01"


def test_next_due_date_runs_from_the_completion(biomed, engineer_a, admin_user):
    plan = ecg_plan(admin_user, biomed.team)
    generate_work_orders(today=D(2024, 12, 1))
    complete(open_order(biomed.ecg, plan), engineer_a, D(2025, 2, 10))
    # 2025-02-10 + 12 months = 2026-02-10, created from 2025-12-12 on.
    assert generate_work_orders(today=D(2025, 12, 11)) == 0
    assert generate_work_orders(today=D(2025, 12, 12)) == 1
    assert open_order(biomed.ecg, plan).due_date == D(2026, 2, 10)


def test_a_cancelled_occurrence_is_skipped_not_made_up(biomed, engineer_a, admin_user):
    plan = ecg_plan(admin_user, biomed.team)
    generate_work_orders(today=D(2024, 12, 1))
    cancel_work_order(open_order(biomed.ecg, plan), actor=engineer_a, reason="Device on loan")
    # Two years later, the next occurrence is the next one from today, not an overdue one.
    assert generate_work_orders(today=D(2026, 12, 1)) == 1
    assert open_order(biomed.ecg, plan).due_date == D(2027, 1, 15)


def test_without_first_use_the_purchase_date_starts_the_schedule(biomed, admin_user):
    plan = create_plan(
        MaintenancePlan(
            name="Pompes Infusomat",
            kind="preventive",
            manufacturer="B. Braun",
            model="Infusomat Space",
            frequency_months=24,
            lead_days=30,
            responsible_team=biomed.team,
        ),
        actor=admin_user,
    )
    assert generate_work_orders(today=D(2025, 5, 1)) == 0
    assert generate_work_orders(today=D(2025, 5, 2)) == 1  # 2023-06-01 + 24 months - 30 days
    assert open_order(biomed.pump, plan).due_date == D(2025, 6, 1)


def test_no_order_for_inactive_plans_or_devices_out_of_the_inventory(biomed, admin_user):
    plan = ecg_plan(admin_user, biomed.team, is_active=False)
    assert generate_work_orders(today=D(2030, 1, 1)) == 0
    plan.is_active = True
    maintenance.update_plan(plan, actor=admin_user)
    biomed.ecg.status = "disposed"
    update_item(biomed.ecg, actor=admin_user)
    biomed.ecg_b.status = "retired"
    update_item(biomed.ecg_b, actor=admin_user)
    assert generate_work_orders(today=D(2030, 1, 1)) == 0


def test_a_concurrent_run_that_created_the_order_first_is_no_error(biomed, admin_user, monkeypatch):
    plan = ecg_plan(admin_user, biomed.team, establishment=biomed.ecg.establishment)
    generate_work_orders(today=D(2024, 12, 1))
    # Another worker saved the order after this run read the register.
    monkeypatch.setattr(maintenance, "plan_history", lambda plan: {})
    assert generate_work_orders(today=D(2024, 12, 1)) == 0
    assert WorkOrder.objects.filter(plan=plan).count() == 1
    last = AuditEvent.objects.filter(event="cmdb.work_orders_generated").latest("seq")
    assert last.data["existing"] == 1


def test_generation_by_hand_reaches_only_the_users_establishments(
    biomed, engineer_b, desk_agent_a, admin_user
):
    ecg_plan(admin_user, biomed.team)
    biomed.ecg_b.purchase_date = D(2024, 1, 1)
    update_item(biomed.ecg_b, actor=admin_user)
    with pytest.raises(PermissionDenied):
        generate_work_orders(today=D(2030, 1, 1), actor=desk_agent_a)
    assert generate_work_orders(today=D(2030, 1, 1), actor=engineer_b) == 1
    assert WorkOrder.objects.get().device == biomed.ecg_b
    event = AuditEvent.objects.get(object_type="cmdb.workorder", action="create")
    assert event.actor_id == engineer_b.pk


# --- the nightly task --------------------------------------------------------
def test_nightly_task_creates_due_orders_once(biomed, admin_user):
    today = timezone.localdate()
    biomed.ecg.attributes = {
        **biomed.ecg.attributes,
        "first_use_date": (today - dt.timedelta(days=400)).isoformat(),
    }
    update_item(biomed.ecg, actor=admin_user)
    ecg_plan(admin_user, biomed.team, establishment=biomed.ecg.establishment)
    generate_maintenance_work_orders()
    assert WorkOrder.objects.count() == 1
    generate_maintenance_work_orders()
    assert WorkOrder.objects.count() == 1
    assert WorkOrder.objects.get().due_date == add_months(today - dt.timedelta(days=400), 12)
