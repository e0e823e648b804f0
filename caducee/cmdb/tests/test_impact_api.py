"""The impact API as the service desk and scripts call it: complete totals,
lists scoped to the caller, clear 4xx on bad input."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from caducee.cmdb.api.impact import ImpactSerializer
from caducee.cmdb.models import ConfigurationItem, LifecycleStatus, RelationKind
from caducee.cmdb.services.items import change_status
from caducee.cmdb.tests.conftest import make_item, relate
from caducee.cmdb.types import CIType
from caducee.core import roles

pytestmark = pytest.mark.django_db

URL = "/api/cmdb/impact/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def agent_a(ght, make_user):
    return make_user(roles.DESK_AGENT, establishments=[ght.a])


@pytest.fixture
def agent_b(ght, make_user):
    return make_user(roles.DESK_AGENT, establishments=[ght.b])


@pytest.fixture
def shared_mail(cmdb, ght, admin_user):
    """A GHT-wide messaging application used in both establishments; establishment
    A's EHR depends on it."""
    mail = make_item(admin_user, "Messagerie sécurisée", CIType.APPLICATION, None)
    relate(admin_user, mail, RelationKind.USED_BY, care_unit=ght.icu_a)
    relate(admin_user, mail, RelationKind.USED_BY, care_unit=ght.er_b)
    relate(admin_user, cmdb.ehr, RelationKind.DEPENDS_ON, mail)
    return mail


def test_agent_sees_the_core_switch_reach_the_icu(cmdb, ght, agent_a):
    response = client_for(agent_a).post(URL, {"items": [cmdb.core.pk]}, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    summary = data["summary"]
    assert summary["highest_criticality"] == 4
    assert summary["highest_criticality_label"] == "Life-critical"
    assert summary["patient_safety"] is True
    assert summary["people"] == 2
    assert summary["affected"] == 8
    assert summary["affected_by_type"]["workstation"] == 1
    units = data["care_units"]
    assert [(u["name"], u["life_critical"], u["people"]) for u in units] == [
        ("Réanimation", True, 2),
        ("Médecine interne", False, 1),
    ]
    assert units[0]["url"] == f"http://testserver/org/careunits/{ght.icu_a.pk}/"
    assert {row["name"] for row in data["affected"]} >= {"DPI", "Moniteur ECG rea-01"}
    ehr = next(row for row in data["affected"] if row["name"] == "DPI")
    assert (ehr["depth"], ehr["via_name"]) == (3, "srv-dpi-01")
    assert [row["name"] for row in data["applications"]] == ["DPI"]
    assert data["roots"][0]["name"] == "sw-core-a"
    assert data["hidden"] == dict.fromkeys(
        ["roots", "affected", "applications", "care_units", "upstream"], 0
    )
    documented = ImpactSerializer(data=data)
    assert documented.is_valid(), documented.errors  # the schema says what is sent
    assert set(documented.validated_data) == set(data)


def test_totals_stay_complete_but_lists_are_scoped(cmdb, ght, agent_b, shared_mail):
    response = client_for(agent_b).get(f"{URL}{shared_mail.pk}/")
    assert response.status_code == 200, response.content
    data = response.json()
    # Priority needs everything reached: the ICU of establishment A counts…
    assert data["summary"]["care_units"] == 3
    assert data["summary"]["people"] == 3
    assert data["summary"]["affected"] == 1
    # …but an agent of establishment B reads only B's unit and no A item.
    assert [u["name"] for u in data["care_units"]] == ["Urgences"]
    assert data["affected"] == []
    assert data["hidden"]["care_units"] == 2
    assert data["hidden"]["affected"] == 1
    assert data["hidden"]["applications"] == 1
    assert "DPI" not in response.content.decode()


def test_upstream_chain_lists_root_cause_candidates(cmdb, agent_a):
    response = client_for(agent_a).get(f"{URL}{cmdb.workstation.pk}/")
    upstream = [(row["name"], row["depth"]) for row in response.json()["upstream"]]
    assert upstream == [("sw-acc-rea", 1), ("sw-core-a", 2)]


def test_out_of_service_items_join_the_roots_when_asked(cmdb, agent_a, admin_user):
    change_status(cmdb.printer, actor=admin_user, status=LifecycleStatus.OUT_OF_SERVICE)
    client = client_for(agent_a)
    data = client.get(f"{URL}{cmdb.phone.pk}/?include_out_of_service=true").json()
    assert {row["name"] for row in data["roots"]} == {"dect-rea-01", "prn-rea-01"}
    assert all(row["out_of_service"] for row in data["roots"] if row["name"] == "prn-rea-01")
    data = client.post(URL, {"items": [], "include_out_of_service": True}, format="json").json()
    assert [row["name"] for row in data["roots"]] == ["prn-rea-01"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"items": []},
        {"items": "12"},
        {"items": ["abc"]},
        {"items": [0]},
        {"items": [1], "include_out_of_service": "perhaps"},
        {"items": list(range(1, 1100))},
    ],
)
def test_bad_bodies_get_a_field_error(cmdb, agent_a, body):
    response = client_for(agent_a).post(URL, body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) <= {"items", "include_out_of_service"} and error["fields"]


def test_unknown_and_foreign_items_get_the_same_400(cmdb, agent_b):
    client = client_for(agent_b)
    foreign = client.post(URL, {"items": [cmdb.core.pk]}, format="json")
    unknown = client.post(URL, {"items": [987654]}, format="json")
    assert foreign.status_code == unknown.status_code == 400
    assert str(cmdb.core.pk) in foreign.json()["error"]["fields"]["items"][0]
    assert "outside your establishments" in unknown.json()["error"]["fields"]["items"][0]


def test_per_item_route_answers_404_outside_the_scope(cmdb, agent_b):
    client = client_for(agent_b)
    assert client.get(f"{URL}{cmdb.core.pk}/").status_code == 404
    assert client.get(f"{URL}987654/").status_code == 404
    response = client.get(f"{URL}{cmdb.core_b.pk}/?include_out_of_service=perhaps")
    assert response.status_code == 400
    assert "include_out_of_service" in response.json()["error"]["fields"]


def test_roles_without_the_cmdb_and_anonymous_callers_are_refused(cmdb, ght, make_user):
    requester = make_user(roles.REQUESTER, establishments=[ght.a])
    response = client_for(requester).post(URL, {"items": [cmdb.core.pk]}, format="json")
    assert response.status_code == 403
    assert APIClient().post(URL, {"items": [cmdb.core.pk]}, format="json").status_code in (
        401,
        403,
    )


def test_session_callers_need_the_csrf_token(cmdb, agent_a):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(agent_a)
    assert client.post(URL, {"items": [cmdb.core.pk]}, format="json").status_code == 403


def test_the_schema_documents_both_routes(admin_user):
    response = client_for(admin_user).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "post" in paths["/api/cmdb/impact/"]
    assert "get" in paths["/api/cmdb/impact/{id}/"]


def test_the_answer_is_the_same_for_a_whole_ght_reader(cmdb, make_user):
    dsi = make_user(roles.DSI_MANAGER, whole_ght=True)
    data = client_for(dsi).post(URL, {"items": [cmdb.core.pk]}, format="json").json()
    assert len(data["affected"]) == data["summary"]["affected"] == 8
    assert ConfigurationItem.objects.count() == 12
