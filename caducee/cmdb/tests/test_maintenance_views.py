"""The biomedical pages as an engineer of establishment A uses them: plans
with the devices they cover, the due and overdue lists, signing an order
with the password, the device's maintenance tab and printable register —
and what a desk agent or an engineer of B may not do."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caducee.cmdb.models import LifecycleStatus, MaintenancePlan, WorkOrder
from caducee.cmdb.services.maintenance import generate_work_orders
from caducee.cmdb.services.workorders import complete_work_order, create_work_order
from caducee.cmdb.tests.biomed_data import *  # noqa: F403  (fixtures)
from caducee.cmdb.tests.biomed_data import PASSWORD, ecg_plan, open_order

pytestmark = pytest.mark.django_db

D = dt.date


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def orders(biomed, engineer_a, admin_user):
    """An overdue order in A (ECG), one due in 10 days in A (pump), one in B."""
    overdue = create_work_order(
        WorkOrder(device=biomed.ecg, kind="preventive", due_date=days(-5)), actor=admin_user
    )
    due = create_work_order(
        WorkOrder(device=biomed.pump, kind="internal_qc", due_date=days(10)), actor=admin_user
    )
    other = create_work_order(
        WorkOrder(device=biomed.ecg_b, kind="corrective", due_date=days(-3)), actor=admin_user
    )
    return overdue, due, other


def listed(response) -> str:
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


# --- plans ----------------------------------------------------------------------
def test_plan_page_counts_and_lists_the_devices_covered(client, biomed, engineer_a, admin_user):
    plan = ecg_plan(admin_user, biomed.team)
    client.force_login(engineer_a)
    page = listed(client.get(plan.get_absolute_url()))
    assert "Devices covered" in page
    assert "Moniteur ECG rea-01" in page
    assert "Moniteur ECG urg-01" not in page  # B's monitor: outside A's scope
    assert "01/15/2025" in page  # its next due date
    assert "Maintenance préventive IntelliVue MX450" in listed(
        client.get(reverse("cmdb:maintenanceplan_list"))
    )


def test_plan_form_shows_the_rule_next_to_the_field(client, biomed, engineer_a, ght):
    client.force_login(engineer_a)
    response = client.post(
        reverse("cmdb:maintenanceplan_add"),
        {
            "name": "Plan sans cible",
            "kind": "preventive",
            "establishment": ght.a.pk,
            "frequency_months": 12,
            "lead_days": 60,
            "responsible_team": biomed.team.pk,
        },
    )
    assert response.status_code == 400
    assert "Give the manufacturer and model, or a device class." in response.content.decode()
    assert not MaintenancePlan.objects.exists()
    response = client.post(
        reverse("cmdb:maintenanceplan_add"),
        {
            "name": "CQI IIb Valmont",
            "kind": "internal_qc",
            "establishment": ght.a.pk,
            "device_class": "IIb",
            "frequency_months": 6,
            "lead_days": 30,
            "responsible_team": biomed.team.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert MaintenancePlan.objects.get().device_class == "IIb"


# --- lists ----------------------------------------------------------------------
def test_overdue_and_due_lists(client, orders, engineer_a):
    client.force_login(engineer_a)
    page = listed(client.get(reverse("cmdb:workorder_overdue")))
    assert "Overdue work orders" in page
    assert "Moniteur ECG rea-01" in page and "Pompe perfusion rea-03" not in page
    page = listed(client.get(reverse("cmdb:workorder_due")))
    assert "Pompe perfusion rea-03" in page and "Moniteur ECG rea-01" not in page
    page = listed(client.get(reverse("cmdb:workorder_list"), {"period": "overdue"}))
    assert "Moniteur ECG rea-01" in page and "Pompe perfusion rea-03" not in page
    page = listed(client.get(reverse("cmdb:workorder_list"), {"kind": "internal_qc"}))
    assert "Pompe perfusion rea-03" in page and "Moniteur ECG rea-01" not in page


def test_lists_filter_by_class_model_and_responsible(client, biomed, engineer_a, admin_user):
    plan = ecg_plan(admin_user, biomed.team)
    generate_work_orders(today=D(2024, 12, 1))
    create_work_order(
        WorkOrder(device=biomed.pump, kind="corrective", due_date=D(2025, 1, 1)), actor=admin_user
    )
    client.force_login(engineer_a)
    url = reverse("cmdb:workorder_list")
    page = listed(client.get(url, {"responsible_team": biomed.team.pk}))
    assert "Moniteur ECG rea-01" in page and "Pompe perfusion" not in page
    page = listed(client.get(url, {"device_model": "infusomat"}))
    assert "Pompe perfusion" in page and "Moniteur ECG" not in page
    page = listed(client.get(url, {"device_class": "IIb", "plan": plan.pk}))
    assert "Moniteur ECG rea-01" in page and "Pompe perfusion" not in page


def test_engineer_of_b_sees_only_bs_orders(client, orders, engineer_b):
    overdue = orders[0]
    client.force_login(engineer_b)
    page = listed(client.get(reverse("cmdb:workorder_list")))
    assert "Moniteur ECG urg-01" in page
    assert "Moniteur ECG rea-01" not in page and "Pompe perfusion" not in page
    assert client.get(overdue.get_absolute_url()).status_code == 404
    assert client.post(reverse("cmdb:workorder_complete", args=[overdue.pk])).status_code == 404


# --- signing --------------------------------------------------------------------
def completion(password=PASSWORD, **fields):
    return {
        "performed_on": "2025-01-10",
        "performed_by": "Luc Petit",
        "employer": "CH de Valmont",
        "result": "compliant",
        "report": "",
        "confirm": "on",
        "password": password,
        **fields,
    }


def test_signing_asks_for_the_password(client, orders, engineer_a):
    overdue = orders[0]
    client.force_login(engineer_a)
    page = listed(client.get(overdue.get_absolute_url()))
    assert "Record and sign the operation" in page and "This work order is overdue." in page
    url = reverse("cmdb:workorder_complete", args=[overdue.pk])
    response = client.post(url, completion(password="wrong-password-1"))
    assert response.status_code == 400
    assert "This password is not correct." in response.content.decode()
    response = client.post(url, completion(confirm=""))
    assert response.status_code == 400
    assert WorkOrder.objects.get(pk=overdue.pk).status == WorkOrder.Status.PLANNED
    response = client.post(url, completion())
    assert response.status_code == 302
    signed = WorkOrder.objects.get(pk=overdue.pk)
    assert signed.status == WorkOrder.Status.DONE and signed.signed_by == engineer_a
    page = listed(client.get(signed.get_absolute_url()))
    assert "The record is as signed." in page and signed.signature in page
    assert "Record and sign the operation" not in page


def test_service_errors_show_next_to_the_field(client, orders, engineer_a):
    overdue = orders[0]
    client.force_login(engineer_a)
    url = reverse("cmdb:workorder_complete", args=[overdue.pk])
    response = client.post(url, completion(result="non_compliant", report="Alarm fault"))
    assert response.status_code == 400
    assert "A non-compliant device is stopped: give the date." in response.content.decode()
    response = client.post(
        url, completion(result="non_compliant", report="Alarm fault", stopped_on="2025-01-10")
    )
    assert response.status_code == 302
    overdue.device.refresh_from_db()
    assert overdue.device.status == LifecycleStatus.OUT_OF_SERVICE


def test_a_signed_order_cannot_be_edited_from_the_pages(client, orders, engineer_a):
    overdue = orders[0]
    complete_work_order(
        overdue,
        actor=engineer_a,
        performed_on=D(2025, 1, 10),
        performed_by="Luc Petit",
        employer="CH de Valmont",
        result="compliant",
        report="",
    )
    client.force_login(engineer_a)
    edit = reverse("cmdb:workorder_edit", args=[overdue.pk])
    response = client.get(edit, follow=True)
    assert "This work order is closed: it cannot be edited." in response.content.decode()
    response = client.post(
        edit, {"device": overdue.device_id, "kind": "preventive", "due_date": "2030-01-01"}
    )
    assert response.status_code == 400
    assert "a signed record cannot be changed" in response.content.decode()
    response = client.post(
        reverse("cmdb:workorder_complete", args=[overdue.pk]), completion(employer="Other")
    )
    assert response.status_code == 409
    assert WorkOrder.objects.get(pk=overdue.pk).employer == "CH de Valmont"


def test_desk_agent_reads_but_cannot_sign_or_cancel(client, orders, desk_agent_a):
    overdue = orders[0]
    client.force_login(desk_agent_a)
    page = listed(client.get(overdue.get_absolute_url()))
    assert "Record and sign the operation" not in page
    response = client.post(reverse("cmdb:workorder_complete", args=[overdue.pk]), completion())
    assert response.status_code == 403
    response = client.post(reverse("cmdb:workorder_cancel", args=[overdue.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert WorkOrder.objects.get(pk=overdue.pk).status == WorkOrder.Status.PLANNED


def test_cancel_from_the_page(client, orders, engineer_a):
    due = orders[1]
    client.force_login(engineer_a)
    url = reverse("cmdb:workorder_cancel", args=[due.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Pump replaced"}).status_code == 302
    assert WorkOrder.objects.get(pk=due.pk).status == WorkOrder.Status.CANCELLED


def test_corrective_order_made_from_the_device(client, biomed, engineer_a):
    client.force_login(engineer_a)
    url = reverse("cmdb:workorder_add")
    form = client.get(url, {"device": biomed.pump.pk, "kind": "corrective"})
    assert form.status_code == 200
    response = client.post(
        url, {"device": biomed.pump.pk, "kind": "corrective", "due_date": "2025-03-01"}
    )
    assert response.status_code == 302
    assert WorkOrder.objects.get().plan is None


def test_generate_now_from_the_page(client, biomed, engineer_a, desk_agent_a, admin_user):
    plan = ecg_plan(admin_user, biomed.team)
    url = reverse("cmdb:workorder_generate")
    client.force_login(desk_agent_a)
    assert client.post(url).status_code == 403
    client.force_login(engineer_a)
    assert client.get(url).status_code == 200
    response = client.post(url, follow=True)
    assert "1 work order(s) created from the plans." in response.content.decode()
    assert open_order(biomed.ecg, plan).due_date == D(2025, 1, 15)


# --- the device's tab and register ---------------------------------------------
def test_maintenance_tab_shows_plans_orders_register_and_reports(
    client, biomed, engineer_a, admin_user
):
    plan = ecg_plan(admin_user, biomed.team)
    generate_work_orders(today=D(2024, 12, 1))
    order = open_order(biomed.ecg, plan)
    complete_work_order(
        order,
        actor=engineer_a,
        performed_on=D(2025, 1, 10),
        performed_by="Luc Petit",
        employer="Philips Healthcare",
        result="reservations",
        report="Printer module noisy",
    )
    client.force_login(engineer_a)
    page = listed(client.get(reverse("cmdb:configurationitem_maintenance", args=[biomed.ecg.pk])))
    assert "Maintenance préventive IntelliVue MX450" in page
    assert "01/10/2026" in page  # next due under the plan
    assert "Philips Healthcare" in page and "Printer module noisy" in page
    assert "Compliant with reservations" in page
    register = listed(client.get(reverse("cmdb:configurationitem_register", args=[biomed.ecg.pk])))
    assert "SN-ECG-0001" in register and "01/15/2024" in register  # serial, first use
    assert "Philips Healthcare" in register and order.signature[:16] in register


def test_tab_of_a_device_out_of_scope_is_a_404(client, biomed, engineer_b):
    client.force_login(engineer_b)
    url = reverse("cmdb:configurationitem_maintenance", args=[biomed.ecg.pk])
    assert client.get(url).status_code == 404
    url = reverse("cmdb:configurationitem_register", args=[biomed.ecg.pk])
    assert client.get(url).status_code == 404


def test_list_costs_the_same_queries_for_more_rows(client, biomed, engineer_a, admin_user):
    plan = ecg_plan(admin_user, biomed.team, establishment=biomed.ecg.establishment)
    generate_work_orders(today=D(2024, 12, 1))
    client.force_login(engineer_a)
    url = reverse("cmdb:workorder_list")
    client.get(url)  # warm caches (permissions, establishments)
    with CaptureQueriesContext(connection) as few:
        listed(client.get(url))
    for n in range(8):
        create_work_order(
            WorkOrder(device=biomed.pump, kind="corrective", due_date=D(2025, 1, n + 1)),
            actor=admin_user,
        )
    assert plan.work_orders.count() == 1
    with CaptureQueriesContext(connection) as many:
        page = listed(client.get(url))
    assert page.count("Pompe perfusion rea-03") == 8
    assert len(many.captured_queries) == len(few.captured_queries)
