"""The biomedical API as a script uses it: plans validated field by field,
the devices a plan covers, work orders scoped, completed and cancelled
through their actions with the one error format (400 on bad input, 409 on a
signed or cancelled order), never deleted."""

import datetime as dt

import pytest
from django.urls import reverse

from caducee.cmdb.models import WorkOrder
from caducee.cmdb.services.maintenance import generate_work_orders
from caducee.cmdb.tests.biomed_data import *  # noqa: F403  (fixtures)
from caducee.cmdb.tests.biomed_data import ecg_plan, open_order

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def order(biomed, admin_user) -> WorkOrder:
    plan = ecg_plan(admin_user, biomed.team)
    generate_work_orders(today=D(2024, 12, 1))
    return open_order(biomed.ecg, plan)


def error(response, status):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["status"] == status and body["message"]
    return body


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


SIGNED = {
    "performed_on": "2025-01-10",
    "performed_by": "Luc Petit",
    "employer": "CH de Valmont",
    "result": "compliant",
    "sign": True,
}


def test_plan_errors_are_field_errors(client, biomed, engineer_a, ght):
    client.force_login(engineer_a)
    url = reverse("maintenanceplan-list")
    body = error(
        post(
            client,
            url,
            {
                "name": "Both",
                "kind": "preventive",
                "establishment": ght.a.pk,
                "manufacturer": "Philips",
                "model": "MX450",
                "device_class": "IIb",
                "frequency_months": 0,
                "responsible_team": biomed.team.pk,
            },
        ),
        400,
    )
    assert "frequency_months" in body["fields"]
    body = error(
        post(
            client,
            url,
            {
                "name": "Both",
                "kind": "preventive",
                "establishment": ght.a.pk,
                "manufacturer": "Philips",
                "model": "MX450",
                "device_class": "IIb",
                "frequency_months": 12,
                "responsible_team": biomed.team.pk,
            },
        ),
        400,
    )
    assert "device_class" in body["fields"]
    response = post(
        client,
        url,
        {
            "name": "MX450 Valmont",
            "kind": "preventive",
            "establishment": ght.a.pk,
            "manufacturer": "Philips",
            "model": "IntelliVue MX450",
            "frequency_months": 12,
            "responsible_team": biomed.team.pk,
        },
    )
    assert response.status_code == 201, response.content
    devices = client.get(reverse("maintenanceplan-devices", args=[response.json()["id"]]))
    assert [d["name"] for d in devices.json()["results"]] == ["Moniteur ECG rea-01"]
    assert devices.json()["results"][0]["next_due"] == "2025-01-15"


def test_work_orders_are_scoped(client, order, engineer_b, engineer_a):
    client.force_login(engineer_b)
    assert client.get(reverse("workorder-list")).json()["count"] == 0
    error(client.get(reverse("workorder-detail", args=[order.pk])), 404)
    error(post(client, reverse("workorder-complete", args=[order.pk]), SIGNED), 404)
    client.force_login(engineer_a)
    listed = client.get(reverse("workorder-list"), {"period": "overdue"}).json()
    assert [row["id"] for row in listed["results"]] == [order.pk]


def test_complete_action_signs_and_then_refuses(client, order, engineer_a):
    client.force_login(engineer_a)
    url = reverse("workorder-complete", args=[order.pk])
    body = error(post(client, url, {**SIGNED, "sign": False}), 400)
    assert "sign" in body["fields"]
    body = error(post(client, url, {**SIGNED, "result": "non_compliant", "report": ""}), 400)
    assert {"stopped_on", "report"} <= set(body["fields"])
    body = error(post(client, url, {"result": "maybe"}), 400)
    assert {"performed_on", "performed_by", "employer", "result", "sign"} <= set(body["fields"])
    assert WorkOrder.objects.get(pk=order.pk).status == WorkOrder.Status.PLANNED
    response = post(client, url, SIGNED)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "done" and data["signed_by"] == engineer_a.pk
    assert data["signature_valid"] is True and len(data["signature"]) == 64
    assert error(post(client, url, SIGNED), 409)["code"] == "signed"
    patch = client.patch(
        reverse("workorder-detail", args=[order.pk]),
        {"description": "after"},
        content_type="application/json",
    )
    assert error(patch, 409)["code"] == "signed"
    assert error(client.delete(reverse("workorder-detail", args=[order.pk])), 405)


def test_completion_fields_are_read_only_on_the_order(client, order, engineer_a):
    client.force_login(engineer_a)
    response = client.patch(
        reverse("workorder-detail", args=[order.pk]),
        {"status": "done", "signature": "f" * 64, "due_date": "2025-02-01"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert fresh.status == "planned" and fresh.signature == ""
    assert fresh.due_date == D(2025, 2, 1)


def test_cancel_action(client, order, engineer_a):
    client.force_login(engineer_a)
    url = reverse("workorder-cancel", args=[order.pk])
    assert "reason" in error(post(client, url, {}), 400)["fields"]
    assert "reason" in error(post(client, url, {"reason": "   "}), 400)["fields"]
    response = post(client, url, {"reason": "Device on loan"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert error(post(client, url, {"reason": "again"}), 409)["code"] == "cancelled"
    assert error(post(client, reverse("workorder-complete", args=[order.pk]), SIGNED), 409)


def test_agent_cannot_complete(client, order, desk_agent_a):
    client.force_login(desk_agent_a)
    assert client.get(reverse("workorder-detail", args=[order.pk])).status_code == 200
    error(post(client, reverse("workorder-complete", args=[order.pk]), SIGNED), 403)
    error(post(client, reverse("workorder-cancel", args=[order.pk]), {"reason": "x"}), 403)


def test_corrective_order_needs_a_medical_device(client, biomed, engineer_a):
    client.force_login(engineer_a)
    url = reverse("workorder-list")
    payload = {"device": biomed.workstation.pk, "kind": "corrective", "due_date": "2025-03-01"}
    assert "device" in error(post(client, url, payload), 400)["fields"]
    payload["device"] = biomed.ecg_b.pk  # another establishment's device: "does not exist"
    assert "device" in error(post(client, url, payload), 400)["fields"]
    payload["device"] = biomed.pump.pk
    response = post(client, url, payload)
    assert response.status_code == 201, response.content
    assert response.json()["plan"] is None and response.json()["status"] == "planned"


def test_a_plan_with_orders_cannot_be_deleted(client, order, engineer_a, admin_user):
    url = reverse("maintenanceplan-detail", args=[order.plan_id])
    client.force_login(engineer_a)  # a plan of the whole GHT is not A's to change
    assert error(client.delete(url), 403)
    client.force_login(admin_user)
    assert error(client.delete(url), 409)["code"] == "protected"
    response = client.patch(url, {"is_active": False}, content_type="application/json")
    assert response.status_code == 200 and response.json()["is_active"] is False
