"""The CMDB API as a script uses it: items filtered with the list's filters
and scoped (another establishment's item is a 404), typed attributes checked
by the type's schema with ``attributes.<name>`` field errors, the type fixed
after creation, relations with their type rules, software titles."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caducee.cmdb.models import ConfigurationItem, Relation
from caducee.cmdb.services.items import create_item
from caducee.cmdb.tests import items_data
from caducee.cmdb.types import CIType
from caducee.core.models import AuditEvent
from caducee.core.services.tokens import create_token

pytestmark = pytest.mark.django_db

# Shared fixtures: pytest finds them as attributes of this module.
agent_a = items_data.agent_a
agent_b = items_data.agent_b
engineer_a = items_data.engineer_a
shared = items_data.shared
software = items_data.software

ITEMS = reverse("configurationitem-list")
RELATIONS = reverse("relation-list")
SOFTWARE = reverse("software-list")


def item_url(item) -> str:
    return reverse("configurationitem-detail", args=[item.pk])


def error(response, status):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["status"] == status and body["message"]
    return body


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


@pytest.fixture
def api(client, engineer_a):
    """A script of A's systems team, authenticated by its API token."""
    _token, key = create_token(actor=engineer_a, name="inventory script")
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    return client


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


# --- Read, filters, scope -------------------------------------------------------
def test_list_is_scoped_and_filtered(client, cmdb, shared, agent_a, agent_b):
    client.force_login(agent_b)
    assert names(client.get(ITEMS)) == {"pc-urg-01", "sw-core-b", "fw-dc-ght"}
    client.force_login(agent_a)
    assert "pc-urg-01" not in names(client.get(ITEMS))
    assert names(client.get(ITEMS, {"ci_type": "network_device"})) == {
        "sw-core-a",
        "sw-acc-rea",
        "fw-dc-ght",
    }
    assert names(client.get(ITEMS, {"establishment": "shared"})) == {"fw-dc-ght"}
    assert names(client.get(ITEMS, {"patient_safety_critical": "true"})) == {"Moniteur ECG rea-01"}
    assert names(client.get(ITEMS, {"q": "SN-PC"})) == {"pc-rea-01"}
    assert names(client.get(ITEMS, {"ci_type": ["printer", "phone"]})) == {
        "prn-rea-01",
        "dect-rea-01",
    }
    bad = error(client.get(ITEMS, {"status": "melted"}), 400)
    assert "status" in bad["fields"]


def test_item_body(client, cmdb, software, agent_a):
    client.force_login(agent_a)
    body = client.get(item_url(cmdb.workstation)).json()
    assert (
        body["ci_type"] == "workstation"
        and body["establishment"] == cmdb.workstation.establishment_id
    )
    assert body["attributes"] == {"os_family": "windows", "usage": "shared"}
    assert body["software_count"] == 2
    assert body["interfaces"][0]["name"] == "eth0"
    assert body["url"].endswith(cmdb.workstation.get_absolute_url())
    listed = client.get(ITEMS, {"q": "pc-rea-01"}).json()["results"][0]
    assert listed["software_count"] == 2


def test_other_establishment_item_is_not_found(api, cmdb):
    assert error(api.get(item_url(cmdb.workstation_b)), 404)
    assert error(patch(api, item_url(cmdb.workstation_b), {"notes": "x"}), 404)
    assert api.delete(item_url(cmdb.workstation_b)).status_code in (403, 404)
    cmdb.workstation_b.refresh_from_db()
    assert cmdb.workstation_b.notes == ""


def test_list_query_count_is_flat(client, ght, cmdb, agent_a, admin_user):
    client.force_login(agent_a)

    def count() -> int:
        client.get(ITEMS)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(ITEMS).status_code == 200
        return len(queries)

    before = count()
    for index in range(30):
        create_item(
            ConfigurationItem(name=f"prn-{index:02d}", ci_type=CIType.PRINTER, establishment=ght.a),
            actor=admin_user,
        )
    assert count() == before


# --- Create, validate, update -------------------------------------------------------
def test_create_server(api, ght, engineer_a):
    response = post(
        api,
        ITEMS,
        {
            "name": "srv-pacs-01",
            "ci_type": "server",
            "establishment": ght.a.pk,
            "hostname": "SRV-PACS-01",
            "mac_address": "00-50-56-AA-BB-CC",
            "attributes": {"server_kind": "virtual", "ram_mb": "32768", "os_family": "linux"},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["attributes"] == {"server_kind": "virtual", "ram_mb": 32768, "os_family": "linux"}
    assert body["hostname"] == "srv-pacs-01" and body["mac_address"] == "00:50:56:aa:bb:cc"
    assert AuditEvent.objects.filter(
        object_type="cmdb.configurationitem",
        object_id=str(body["id"]),
        action="create",
        actor_id=engineer_a.pk,
    ).exists()


def test_attribute_errors_are_keyed_by_attribute_and_nothing_is_saved(api, ght):
    response = post(
        api,
        ITEMS,
        {
            "name": "srv-bad",
            "ci_type": "server",
            "establishment": ght.a.pk,
            "attributes": {"ram_mb": "lots", "colour": True},
        },
    )
    fields = error(response, 400)["fields"]
    assert set(fields) == {"attributes.ram_mb", "attributes.colour", "attributes.server_kind"}
    assert fields["attributes.ram_mb"] == ["Enter a whole number."]
    assert not ConfigurationItem.objects.filter(name="srv-bad").exists()
    not_a_dict = post(
        api, ITEMS, {"name": "x", "ci_type": "printer", "establishment": ght.a.pk, "attributes": []}
    )
    assert "attributes" in error(not_a_dict, 400)["fields"]


def test_bad_common_fields_are_400(api, ght, cmdb):
    missing = post(api, ITEMS, {"name": "x", "establishment": ght.a.pk})
    assert "ci_type" in error(missing, 400)["fields"]
    unknown = post(api, ITEMS, {"name": "x", "ci_type": "toaster", "establishment": ght.a.pk})
    assert "ci_type" in error(unknown, 400)["fields"]
    foreign = post(api, ITEMS, {"name": "x", "ci_type": "printer", "establishment": ght.b.pk})
    assert "establishment" in error(foreign, 400)["fields"]
    room = post(
        api,
        ITEMS,
        {"name": "x", "ci_type": "printer", "establishment": ght.a.pk, "room": ght.room_b.pk},
    )
    assert "room" in error(room, 400)["fields"]
    dates = post(
        api,
        ITEMS,
        {
            "name": "x",
            "ci_type": "printer",
            "establishment": ght.a.pk,
            "purchase_date": "2024-01-01",
            "warranty_end": "2020-01-01",
        },
    )
    assert "warranty_end" in error(dates, 400)["fields"]
    shared_item = post(api, ITEMS, {"name": "x", "ci_type": "printer", "establishment": None})
    assert error(shared_item, 403)["fields"] == {
        "establishment": ["This establishment is outside your scope."]
    }
    assert not ConfigurationItem.objects.filter(name="x").exists()


def test_duplicate_asset_tag_is_a_400(api, ght):
    first = {"name": "a", "ci_type": "printer", "establishment": ght.a.pk, "asset_tag": "INV-1"}
    assert post(api, ITEMS, first).status_code == 201
    response = post(api, ITEMS, {**first, "name": "b"})
    assert error(response, 400)["fields"] == {
        "asset_tag": ["Another item already has this asset tag."]
    }
    assert ConfigurationItem.objects.filter(asset_tag="INV-1").count() == 1


def test_type_is_fixed_after_creation(api, cmdb):
    changed = patch(api, item_url(cmdb.server), {"ci_type": "printer"})
    assert "ci_type" in error(changed, 400)["fields"]
    same = patch(api, item_url(cmdb.server), {"ci_type": "server", "notes": "same type"})
    assert same.status_code == 200
    cmdb.server.refresh_from_db()
    assert cmdb.server.ci_type == "server" and cmdb.server.notes == "same type"


def test_patch_merges_attributes_and_null_removes_one(api, cmdb):
    response = patch(api, item_url(cmdb.server), {"attributes": {"ram_mb": 65536}})
    assert response.status_code == 200, response.content
    assert response.json()["attributes"] == {"server_kind": "virtual", "ram_mb": 65536}
    removed = patch(api, item_url(cmdb.server), {"attributes": {"ram_mb": None}})
    assert removed.json()["attributes"] == {"server_kind": "virtual"}
    wrong = patch(api, item_url(cmdb.server), {"attributes": {"server_kind": "cardboard"}})
    assert "attributes.server_kind" in error(wrong, 400)["fields"]
    cmdb.server.refresh_from_db()
    assert cmdb.server.attributes == {"server_kind": "virtual"}


def test_put_replaces_the_item(api, ght, cmdb):
    body = api.get(item_url(cmdb.printer)).json()
    body.update({"name": "prn-rea-02", "attributes": {"printer_kind": "label"}})
    for key in ("interfaces", "software_count", "url", "id", "created_at", "updated_at"):
        body.pop(key)
    response = api.put(item_url(cmdb.printer), body, content_type="application/json")
    assert response.status_code == 200, response.content
    cmdb.printer.refresh_from_db()
    assert cmdb.printer.name == "prn-rea-02"
    assert cmdb.printer.attributes == {"printer_kind": "label"}


def test_delete_needs_the_permission(api, client, cmdb, admin_user):
    assert error(api.delete(item_url(cmdb.printer)), 403)
    client.force_login(admin_user)
    client.defaults.pop("HTTP_AUTHORIZATION", None)
    assert client.delete(item_url(cmdb.printer)).status_code == 204
    assert not ConfigurationItem.objects.filter(pk=cmdb.printer.pk).exists()


def test_history(api, cmdb):
    patch(api, item_url(cmdb.printer), {"notes": "toner changed"})
    events = api.get(reverse("configurationitem-history", args=[cmdb.printer.pk])).json()
    assert events["results"][0]["action"] == "update"


# --- Relations and software -----------------------------------------------------
def test_relations_api(api, ght, cmdb):
    illegal = post(
        api, RELATIONS, {"source": cmdb.core.pk, "kind": "runs_on", "target": cmdb.printer.pk}
    )
    assert "target" in error(illegal, 400)["fields"]
    foreign = post(
        api,
        RELATIONS,
        {"source": cmdb.printer.pk, "kind": "connected_to", "target": cmdb.core_b.pk},
    )
    assert "target" in error(foreign, 400)["fields"]  # B's switch is out of scope
    created = post(
        api,
        RELATIONS,
        {"source": cmdb.printer.pk, "kind": "used_by", "care_unit": ght.ward_a.pk},
    )
    assert created.status_code == 201, created.content
    assert created.json()["target_name"].endswith("Médecine interne")
    again = post(
        api,
        RELATIONS,
        {"source": cmdb.printer.pk, "kind": "used_by", "care_unit": ght.ward_a.pk},
    )
    assert error(again, 400)["fields"] == {
        "non_field_errors": ["This relation is already recorded."]
    }
    assert Relation.objects.filter(source=cmdb.printer, kind="used_by").count() == 1
    listed = api.get(RELATIONS, {"item": cmdb.access.pk, "kind": "connected_to"}).json()
    assert listed["count"] == 4
    assert {row["source_name"] for row in listed["results"]} >= {"pc-rea-01", "sw-acc-rea"}
    relation_url = reverse("relation-detail", args=[created.json()["id"]])
    assert api.delete(relation_url).status_code == 204
    assert not Relation.objects.filter(pk=created.json()["id"]).exists()


def test_relations_of_another_establishment_are_hidden(api, cmdb):
    relation = Relation.objects.get(source=cmdb.workstation_b, kind="connected_to")
    assert error(api.get(reverse("relation-detail", args=[relation.pk])), 404)
    assert api.get(RELATIONS, {"source": cmdb.workstation_b.pk}).json()["count"] == 0


def test_software_api_counts_installations_in_scope(client, cmdb, software, agent_a):
    client.force_login(agent_a)
    rows = {row["name"]: row for row in client.get(SOFTWARE).json()["results"]}
    assert rows["Mozilla Firefox"]["installation_count"] == 1
    assert rows["Client DPI"]["installation_count"] == 1
    only = client.get(SOFTWARE, {"publisher": "mozilla"}).json()["results"]
    assert [row["name"] for row in only] == ["Mozilla Firefox"]
    assert client.post(SOFTWARE, {"name": "x"}).status_code in (403, 405)  # read-only


def test_schema_lists_the_cmdb_endpoints(client, admin_user):
    client.force_login(admin_user)
    schema = client.get(reverse("api-schema")).content
    assert b"/api/cmdb/items/" in schema and b"/api/cmdb/items/bulk-update/" in schema
    assert b"/api/cmdb/relations/" in schema and b"/api/cmdb/software/" in schema
