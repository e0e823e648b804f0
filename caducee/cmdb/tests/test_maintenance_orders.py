"""Work orders as the register needs them: signed once by the person who did
or checked the work, never edited afterwards, a non-compliant device taken
out of service (and seen as down) until a restart date, cancelled but never
deleted, and only by those whose role and establishment allow it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from caducee.cmdb.models import ConfigurationItem, LifecycleStatus, WorkOrder
from caducee.cmdb.services.maintenance import generate_work_orders
from caducee.cmdb.services.workorders import (
    cancel_work_order,
    complete_work_order,
    create_work_order,
    signature_digest,
    signature_is_valid,
    update_work_order,
)
from caducee.cmdb.tests.biomed_data import *  # noqa: F403  (fixtures)
from caducee.cmdb.tests.biomed_data import ecg_plan, open_order
from caducee.core.models import AuditEvent
from caducee.core.services.errors import Conflict, DomainError, PermissionDenied

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def order(biomed, admin_user) -> WorkOrder:
    plan = ecg_plan(admin_user, biomed.team)
    generate_work_orders(today=D(2024, 12, 1))
    return open_order(biomed.ecg, plan)


def sign(order, actor, **fields):
    values = {
        "performed_on": D(2025, 1, 10),
        "performed_by": "Luc Petit",
        "employer": "CH de Valmont",
        "result": WorkOrder.Result.COMPLIANT,
        "report": "Batteries changed, alarms checked.",
        **fields,
    }
    return complete_work_order(order, actor=actor, **values)


def device(item) -> ConfigurationItem:
    return ConfigurationItem.objects.get(pk=item.pk)


def test_completion_is_signed_by_the_user_with_a_digest(order, engineer_a):
    signed = sign(order, engineer_a)
    assert signed.status == WorkOrder.Status.DONE
    assert signed.signed_by == engineer_a and signed.signed_at is not None
    assert len(signed.signature) == 64 and signed.signature == signature_digest(signed)
    assert signature_is_valid(signed)
    event = AuditEvent.objects.get(event="cmdb.work_order_signed")
    assert event.actor_id == engineer_a.pk
    assert event.data["signature"] == signed.signature


def test_an_edit_behind_the_signature_is_detected(order, engineer_a):
    signed = sign(order, engineer_a)
    WorkOrder.objects.filter(pk=signed.pk).update(result=WorkOrder.Result.NON_COMPLIANT)
    signed.refresh_from_db()
    assert not signature_is_valid(signed)


def test_a_signed_order_cannot_be_edited_nor_signed_again(order, engineer_a, admin_user):
    sign(order, engineer_a)
    order.refresh_from_db()
    order.description = "Changed afterwards"
    with pytest.raises(Conflict) as info:
        update_work_order(order, actor=admin_user)
    assert info.value.code == "signed"
    with pytest.raises(Conflict):
        sign(WorkOrder.objects.get(pk=order.pk), admin_user, employer="Another")
    with pytest.raises(Conflict):
        cancel_work_order(order, actor=admin_user, reason="Too late")
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert fresh.signed_by == engineer_a and fresh.employer == "CH de Valmont"
    assert signature_is_valid(fresh)


def test_missing_register_fields_are_field_errors_and_nothing_is_written(order, engineer_a):
    with pytest.raises(ValidationError) as info:
        sign(order, engineer_a, performed_by=" ", employer="", performed_on=D(2999, 1, 1))
    assert {"performed_by", "employer", "performed_on"} <= set(info.value.message_dict)
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert fresh.status == WorkOrder.Status.PLANNED and not fresh.signature


def test_non_compliant_needs_the_stop_date_and_a_report(order, engineer_a):
    with pytest.raises(ValidationError) as info:
        sign(order, engineer_a, result=WorkOrder.Result.NON_COMPLIANT, report="")
    assert {"stopped_on", "report"} <= set(info.value.message_dict)
    assert device(order.device).status == LifecycleStatus.IN_PRODUCTION


def test_non_compliant_device_goes_out_of_service_until_restarted(order, engineer_a, biomed):
    sign(
        order,
        engineer_a,
        result=WorkOrder.Result.NON_COMPLIANT,
        report="SpO2 module out of tolerance",
        stopped_on=D(2025, 1, 10),
    )
    ecg = device(biomed.ecg)
    assert ecg.status == LifecycleStatus.OUT_OF_SERVICE
    assert ecg.is_down  # the impact analysis counts it as down
    status_event = AuditEvent.objects.get(event="cmdb.status_changed", object_id=str(ecg.pk))
    assert status_event.data["to"] == "out_of_service"
    # The repair, made by hand, restarts it.
    repair = create_work_order(
        WorkOrder(device=ecg, kind="corrective", due_date=D(2025, 1, 12)), actor=engineer_a
    )
    with pytest.raises(ValidationError) as info:
        sign(repair, engineer_a, stopped_on=D(2025, 1, 10), restarted_on=D(2025, 1, 9))
    assert "restarted_on" in info.value.message_dict
    sign(repair, engineer_a, stopped_on=D(2025, 1, 10), restarted_on=D(2025, 1, 14))
    assert device(ecg).status == LifecycleStatus.IN_PRODUCTION


def test_a_restart_needs_a_stop(order, engineer_a):
    with pytest.raises(ValidationError) as info:
        sign(order, engineer_a, restarted_on=D(2025, 1, 11))
    assert "restarted_on" in info.value.message_dict


def test_cancel_needs_a_reason_and_keeps_the_order(order, engineer_a):
    with pytest.raises(DomainError) as info:
        cancel_work_order(order, actor=engineer_a, reason="  ")
    assert info.value.field == "reason"
    cancel_work_order(order, actor=engineer_a, reason="Device sent back to the manufacturer")
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.CANCELLED
    assert order.report == "Device sent back to the manufacturer"
    assert AuditEvent.objects.filter(event="cmdb.work_order_cancelled").count() == 1
    with pytest.raises(Conflict):
        cancel_work_order(order, actor=engineer_a, reason="again")


def test_agent_and_other_establishment_cannot_complete(order, desk_agent_a, engineer_b):
    with pytest.raises(PermissionDenied):
        sign(order, desk_agent_a)
    with pytest.raises(PermissionDenied):
        sign(order, engineer_b)
    with pytest.raises(PermissionDenied):
        cancel_work_order(order, actor=engineer_b, reason="not mine")
    assert WorkOrder.objects.get(pk=order.pk).status == WorkOrder.Status.PLANNED


def test_hand_made_orders_are_for_medical_devices_without_plan(biomed, engineer_a):
    with pytest.raises(DomainError) as info:
        create_work_order(
            WorkOrder(device=biomed.workstation, kind="corrective", due_date=D(2025, 1, 1)),
            actor=engineer_a,
        )
    assert info.value.field == "device"
    with pytest.raises(DomainError):
        create_work_order(
            WorkOrder(device=biomed.defib, kind="corrective", due_date=D(2025, 1, 1)),
            actor=engineer_a,
        )
    made = create_work_order(
        WorkOrder(
            device=biomed.pump,
            kind="corrective",
            due_date=D(2025, 1, 1),
            status=WorkOrder.Status.DONE,  # ignored: a new order is planned
            signature="forged",
        ),
        actor=engineer_a,
    )
    assert made.status == WorkOrder.Status.PLANNED and made.signature == "" and made.plan is None


def test_a_generated_order_keeps_its_device_but_may_be_rescheduled(order, biomed, engineer_a):
    order.device = biomed.pump
    with pytest.raises(DomainError) as info:
        update_work_order(order, actor=engineer_a)
    assert info.value.field == "device"
    order = WorkOrder.objects.get(pk=order.pk)
    order.due_date = D(2025, 2, 1)
    update_work_order(order, actor=engineer_a)
    assert WorkOrder.objects.get(pk=order.pk).due_date == D(2025, 2, 1)
    order.status = WorkOrder.Status.DONE
    with pytest.raises(DomainError) as info:
        update_work_order(order, actor=engineer_a)
    assert info.value.field == "status"
