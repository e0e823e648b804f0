"""The contracts API as a script or the desk uses it: scoped suppliers and
contracts with their commitments, commitments written through their own
endpoint, field-level 400s, a person's equipment, the expiring report."""

import pytest
from django.urls import reverse

from caducee.cmdb.models import Contract, ContractCommitment, Supplier
from caducee.cmdb.tests.contract_data import *  # noqa: F403  (fixtures)
from caducee.cmdb.tests.contract_data import days, make_contract

pytestmark = pytest.mark.django_db


def error(response, status):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["status"] == status and body["message"]
    return body


def test_contracts_are_scoped_and_embed_their_commitments(client, contracts, agent_a):
    client.force_login(agent_a)
    body = client.get(reverse("contract-list")).json()
    assert {row["reference"] for row in body["results"]} == {"MAINT-A", "DPI-GHT"}
    ght = next(row for row in body["results"] if row["reference"] == "DPI-GHT")
    assert ght["establishment"] is None and ght["state"] == "active"
    assert ght["commitments"] == [
        {
            "id": ght["commitments"][0]["id"],
            "priority": 1,
            "response_minutes": 30,
            "resolution_minutes": 240,
            "penalty_per_hour": "150.00",
            "response": "30 min",
            "resolution": "4 h",
        }
    ]
    url = reverse("contract-detail", args=[contracts.contract_b.pk])
    assert client.get(url).status_code == 404
    # The shared FilterSet: GHT-wide contracts only.
    body = client.get(reverse("contract-list"), {"establishment": "null"}).json()
    assert [row["reference"] for row in body["results"]] == ["DPI-GHT"]
    # Commitments of B's contracts are not listed either.
    listed = client.get(reverse("contractcommitment-list")).json()["results"]
    assert {row["contract"] for row in listed} == {contracts.contract_ght.pk}


def test_contract_dates_and_supplier_siret_give_field_errors(client, contracts, manager_ght):
    client.force_login(manager_ght)
    payload = {
        "supplier": contracts.supplier.pk,
        "reference": "API-1",
        "title": "Scanners",
        "kind": "maintenance",
        "start_date": "2026-01-01",
        "end_date": "2025-01-01",
        "support_hours": "business",
    }
    body = error(client.post(reverse("contract-list"), payload), 400)
    assert "end_date" in body["fields"]
    body = error(client.post(reverse("contract-list"), {**payload, "kind": "gift"}), 400)
    assert "kind" in body["fields"]
    body = error(
        client.post(reverse("contract-list"), {**payload, "reference": "MAINT-A", "end_date": ""}),
        400,
    )
    assert "end_date" in body["fields"]
    assert not Contract.objects.filter(reference="API-1").exists()
    response = client.post(reverse("contract-list"), {**payload, "end_date": "2027-01-01"})
    assert response.status_code == 201, response.content

    body = error(client.post(reverse("supplier-list"), {"name": "X", "siret": "123"}), 400)
    assert "siret" in body["fields"]
    response = client.post(reverse("supplier-list"), {"name": "X", "siret": "356 000 000 00048"})
    assert response.status_code == 201
    assert response.json()["siret"] == "35600000000048"


def test_commitments_written_through_their_endpoint(client, contracts, manager_ght):
    client.force_login(manager_ght)
    url = reverse("contractcommitment-list")
    contract = contracts.contract_ght.pk
    base = {"contract": contract, "priority": 2, "response_minutes": 60}
    body = error(client.post(url, {**base, "resolution_minutes": 30}), 400)
    assert "resolution_minutes" in body["fields"]
    body = error(client.post(url, {**base, "priority": 7, "resolution_minutes": 90}), 400)
    assert "priority" in body["fields"]
    body = error(client.post(url, {**base, "response_minutes": "soon"}), 400)
    assert "response_minutes" in body["fields"]
    body = error(client.post(url, {**base, "priority": 1, "resolution_minutes": 90}), 400)
    assert body["fields"]  # P1 exists: change it instead
    body = error(client.post(url, {**base, "contract": 999999, "resolution_minutes": 90}), 400)
    assert "contract" in body["fields"]
    assert not ContractCommitment.objects.filter(priority=2).exists()

    response = client.post(url, {**base, "resolution_minutes": 480, "penalty_per_hour": "75"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["resolution"] == "8 h"
    detail = reverse("contractcommitment-detail", args=[created["id"]])
    body = error(client.patch(detail, {"priority": 3}, content_type="application/json"), 400)
    assert "priority" in body["fields"]
    body = error(
        client.patch(detail, {"resolution_minutes": 10}, content_type="application/json"), 400
    )
    assert "resolution_minutes" in body["fields"]
    response = client.patch(detail, {"resolution_minutes": 600}, content_type="application/json")
    assert response.status_code == 200 and response.json()["resolution"] == "10 h"
    assert client.delete(detail).status_code == 204
    assert list(contracts.contract_ght.commitments.values_list("priority", flat=True)) == [1]


def test_commitments_of_ght_wide_contract_refused_to_a_manager_of_a(client, contracts, manager_a):
    client.force_login(manager_a)
    payload = {
        "contract": contracts.contract_ght.pk,
        "priority": 2,
        "response_minutes": 60,
        "resolution_minutes": 120,
    }
    error(client.post(reverse("contractcommitment-list"), payload), 403)
    payload["contract"] = contracts.contract_b.pk  # not even visible
    body = error(client.post(reverse("contractcommitment-list"), payload), 400)
    assert "contract" in body["fields"]
    payload["contract"] = contracts.contract_a.pk
    assert client.post(reverse("contractcommitment-list"), payload).status_code == 201


def test_agent_cannot_write_contracts(client, contracts, agent_a):
    client.force_login(agent_a)
    error(client.post(reverse("supplier-list"), {"name": "Y"}), 403)
    assert not Supplier.objects.filter(name="Y").exists()


def test_person_usage_endpoint(client, ght, cmdb, agent_a):
    client.force_login(agent_a)
    body = client.get(reverse("cmdb-person-usage", args=[ght.nurse_a.pk])).json()
    assert [w["name"] for w in body["workstations"]] == ["pc-rea-01"]
    assert [(p["name"], p["number"]) for p in body["phones"]] == [("dect-rea-01", "4101")]
    assert [p["name"] for p in body["printers"]] == ["prn-rea-01"]
    assert body["printers_near"] == "room"
    assert [a["name"] for a in body["applications"]] == ["DPI"]
    assert body["care_units"][0]["applications"] == [cmdb.ehr.pk]
    assert body["room"]["id"] == ght.room_a.pk
    response = client.get(reverse("cmdb-person-usage", args=[ght.clerk_b.pk]))
    assert error(response, 404)
    assert error(client.get(reverse("cmdb-person-usage", args=[999999])), 404)


def test_expiring_endpoint(client, ght, contracts, agent_a, admin_user):
    make_contract(
        admin_user, contracts.supplier, "PRN-60", ght.a, end_date=days(60), notice_days=30
    )
    client.force_login(agent_a)
    url = reverse("cmdb-expiring")
    body = error(client.get(url, {"days": "45"}), 400)
    assert "days" in body["fields"]
    body = client.get(url, {"days": "90"}).json()
    assert body["days"] == 90
    assert [c["reference"] for c in body["contracts"]] == ["PRN-60"]
    assert body["contracts"][0]["days_left"] == 60
    assert body["items"]["count"] == 0
    assert client.get(url, {"days": "30"}).json()["contracts"] == []
    client.logout()
    error(client.get(url), 401)
