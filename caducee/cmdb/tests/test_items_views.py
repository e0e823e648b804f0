"""The configuration item pages as the DSI uses them: a list scoped to the
user's establishments (GHT-wide items visible to all) with filters and
exports, an item page with the type's attributes and its software, and
create/edit forms built from the type whose errors sit next to their field
and save nothing."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from caducee.cmdb.models import ConfigurationItem
from caducee.cmdb.services.items import create_item
from caducee.cmdb.tests import items_data
from caducee.cmdb.tests.items_data import field_block
from caducee.cmdb.types import CIType
from caducee.core.context import acting_as
from caducee.core.models import AuditEvent
from caducee.org.models import Building, Floor, Room, Site

pytestmark = pytest.mark.django_db

# Shared fixtures: pytest finds them as attributes of this module.
agent_a = items_data.agent_a
agent_b = items_data.agent_b
auditor_a = items_data.auditor_a
engineer_a = items_data.engineer_a
engineer_ght = items_data.engineer_ght
shared = items_data.shared
software = items_data.software

LIST = reverse("cmdb:configurationitem_list")
ADD = reverse("cmdb:configurationitem_add")


def names(response) -> set[str]:
    return {row.record.name for row in response.context["table"].paginated_rows}


# --- List, scoping, filters ---------------------------------------------------------
def test_agent_sees_own_establishment_and_ght_wide_items_only(client, cmdb, shared, agent_a):
    client.force_login(agent_a)
    response = client.get(LIST)
    assert response.status_code == 200
    seen = names(response)
    assert {"sw-core-a", "pc-rea-01", "Moniteur ECG rea-01", "fw-dc-ght"} <= seen
    assert "pc-urg-01" not in seen and "sw-core-b" not in seen
    html = response.content.decode()
    assert "CH 3R" not in html  # not even as a filter choice
    assert "Shared (whole GHT)" in html


def test_other_establishment_sees_its_items_and_the_shared_ones(client, cmdb, shared, agent_b):
    client.force_login(agent_b)
    assert names(client.get(LIST)) == {"pc-urg-01", "sw-core-b", "fw-dc-ght"}


def test_out_of_scope_item_page_is_not_found(client, cmdb, agent_a):
    client.force_login(agent_a)
    assert client.get(cmdb.workstation_b.get_absolute_url()).status_code == 404
    assert client.get(cmdb.workstation.get_absolute_url()).status_code == 200


FILTER_CASES = [
    ({"ci_type": "workstation"}, {"pc-rea-01"}),
    ({"ci_type": ["printer", "phone"]}, {"prn-rea-01", "dect-rea-01"}),
    ({"patient_safety_critical": "true"}, {"Moniteur ECG rea-01"}),
    ({"holds_health_data": "true"}, {"Moniteur ECG rea-01", "DPI"}),
    ({"establishment": "shared"}, {"fw-dc-ght"}),
    ({"criticality": "4"}, {"sw-core-a"}),
    ({"q": "SN-ECG"}, {"Moniteur ECG rea-01"}),
    ({"q": "intellivue philips"}, {"Moniteur ECG rea-01"}),
    ({"q": "00-1A-2B-3C-4D-01"}, {"pc-rea-01"}),  # MAC typed with dashes
    ({"q": "10.0.0"}, {"fw-dc-ght"}),  # IP address
    ({"q": "srv-dpi"}, {"srv-dpi-01"}),  # hostname
    ({"ci_type": "network_device", "establishment": "shared"}, {"fw-dc-ght"}),
]


def test_list_filters(client, cmdb, shared, agent_a):
    client.force_login(agent_a)
    for query, expected in FILTER_CASES:
        response = client.get(LIST, query)
        assert response.status_code == 200
        assert names(response) == expected, query


def test_status_filter_and_shared_status(client, cmdb, admin_user):
    cmdb.printer.status = "in_stock"
    with acting_as(admin_user):
        cmdb.printer.save()
    client.force_login(admin_user)
    assert names(client.get(LIST, {"status": "in_stock"})) == {"prn-rea-01"}
    assert "prn-rea-01" not in names(client.get(LIST, {"status": "in_production"}))


def test_site_filter_uses_the_room_or_the_establishment(client, ght, cmdb, admin_user):
    """A has a second site: items in its rooms are there; items without a room
    count in every site of their establishment; rooms elsewhere do not."""
    with acting_as(admin_user):
        annex = Site.objects.create(establishment=ght.a, code="ANX", name="Annexe")
        floor = Floor.objects.create(
            building=Building.objects.create(site=annex, code="B", name="Pavillon B"), level=0
        )
        room = Room.objects.create(floor=floor, code="001", name="Local technique")
    create_item(
        ConfigurationItem(
            name="prn-annexe", ci_type=CIType.PRINTER, establishment=ght.a, room=room
        ),
        actor=admin_user,
    )
    client.force_login(admin_user)
    at_annex = names(client.get(LIST, {"site": annex.pk}))
    assert "prn-annexe" in at_annex
    assert "sw-core-a" in at_annex  # no room: somewhere in A
    assert "pc-rea-01" not in at_annex  # in a room of the main site
    assert "pc-urg-01" not in at_annex  # B
    main_site = ght.room_a.floor.building.site
    at_main = names(client.get(LIST, {"site": main_site.pk}))
    assert "pc-rea-01" in at_main and "prn-annexe" not in at_main


def test_foreign_filter_choice_is_refused_not_leaked(client, ght, cmdb, agent_a):
    client.force_login(agent_a)
    response = client.get(LIST, {"establishment": ght.b.pk})
    assert response.status_code == 200
    assert names(response) == set()
    assert "Select a valid choice" in response.content.decode()


def test_htmx_filter_gets_the_results_partial(client, cmdb, admin_user):
    client.force_login(admin_user)
    response = client.get(
        LIST, {"q": "ecg"}, headers={"hx-request": "true", "hx-target": "results"}
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="results"' in html
    assert "Moniteur ECG rea-01" in html and "pc-rea-01" not in html


def test_csv_export_is_filtered_and_scoped(client, cmdb, shared, agent_a):
    client.force_login(agent_a)
    response = client.get(LIST, {"ci_type": "network_device", "export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    header = lines[0].split(";")
    assert header[:3] == ["Name", "Type", "Status"]
    assert "Asset tag" in header and "Select" not in header  # export columns only
    body = "\n".join(lines[1:])
    assert "sw-core-a" in body and "fw-dc-ght" in body and "Shared (whole GHT)" in body
    assert "sw-core-b" not in body and "pc-rea-01" not in body


def test_xlsx_export_has_the_identification_columns(client, cmdb, admin_user):
    client.force_login(admin_user)
    response = client.get(LIST, {"q": "ecg", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    record = dict(zip(header, rows[1], strict=True))
    assert len(rows) == 2
    assert record["Name"] == "Moniteur ECG rea-01"
    assert record["Manufacturer"] == "Philips"
    assert record["Type"] == "Medical device" and record["Criticality"] == "Medium"
    assert record["Flags"] == "Patient safety, HDS"
    assert record["Asset tag"] in (None, "")  # empty, not a dash, in a spreadsheet


def _count_list_queries(client, url) -> int:
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(
    client, ght, cmdb, agent_a, admin_user, django_assert_max_num_queries
):
    client.force_login(agent_a)
    url = f"{LIST}?per_page=100"

    def add(n):
        for i in range(n):
            create_item(
                ConfigurationItem(
                    name=f"pc-bulk-{ConfigurationItem.objects.count():03d}-{i}",
                    ci_type=CIType.WORKSTATION,
                    establishment=ght.a,
                    room=ght.room_a,
                    hostname=f"pc-bulk-{ConfigurationItem.objects.count()}",
                ),
                actor=admin_user,
            )

    small = _count_list_queries(client, url)
    add(50)
    large = _count_list_queries(client, url)
    assert large == small
    with django_assert_max_num_queries(20):
        client.get(url)


# --- Item page -------------------------------------------------------------------
def test_item_page_shows_type_attributes_identity_software_and_tabs(
    client, cmdb, software, agent_a
):
    client.force_login(agent_a)
    response = client.get(cmdb.workstation.get_absolute_url())
    html = response.content.decode()
    assert "Workstation attributes" in html
    assert "Operating system family" in html and "Windows" in html
    assert "Shared (unit workstation)" in html  # a choice shown by its label
    assert "Hostname" in html and "Claire MARTIN" in html  # identity columns
    assert "Mozilla Firefox" in html and "Client DPI" in html and "eth0" in html
    tabs = {tab["key"]: tab["url"] for tab in response.context["tabs"]}
    assert tabs["relations"] == reverse(
        "cmdb:configurationitem_relations", args=[cmdb.workstation.pk]
    )
    assert "history" in tabs and "detail" in tabs


def test_item_page_of_application_has_no_software_or_hostname(client, cmdb, agent_a):
    client.force_login(agent_a)
    html = client.get(cmdb.ehr.get_absolute_url()).content.decode()
    assert "Application attributes" in html and "Éditeur Santé" in html
    assert "Installed software" not in html
    assert "Hostname" not in html


def test_ght_wide_item_page_says_shared(client, shared, agent_b):
    client.force_login(agent_b)
    html = client.get(shared.get_absolute_url()).content.decode()
    assert "Shared (whole GHT)" in html and "Firewall" in html


# --- Create and edit ---------------------------------------------------------------
def test_add_starts_with_the_type_picker(client, ght, engineer_a):
    client.force_login(engineer_a)
    response = client.get(ADD)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="?ci_type={CIType.MEDICAL_DEVICE}"' in html and "Medical device" in html
    assert client.get(ADD, {"ci_type": "spaceship"}).status_code == 400


def test_form_fields_follow_the_type(client, ght, engineer_a):
    client.force_login(engineer_a)
    server = client.get(ADD, {"ci_type": "server"}).context["form"]
    assert "attributes.server_kind" in server.fields and "attributes.ram_mb" in server.fields
    assert "attributes.port_count" not in server.fields
    assert "hostname" in server.fields and "assigned_to" not in server.fields
    application = client.get(ADD, {"ci_type": "application"}).context["form"]
    assert "hostname" not in application.fields and "attributes.publisher" in application.fields
    assert "ci_type" not in application.fields


VALID = {
    CIType.WORKSTATION: {"attributes.os_family": "linux", "attributes.ram_mb": "16384"},
    CIType.PRINTER: {"attributes.printer_kind": "wristband", "attributes.color": "false"},
    CIType.SERVER: {"attributes.server_kind": "physical", "attributes.cpu_cores": "32"},
    CIType.CLUSTER: {"attributes.hypervisor": "vSphere 8", "attributes.node_count": "4"},
    CIType.NETWORK_DEVICE: {"attributes.network_role": "access", "attributes.vlans": "10,20"},
    CIType.APPLICATION: {"attributes.publisher": "Dedalus", "attributes.hosting": "hds"},
    CIType.DATABASE: {"attributes.engine": "oracle", "attributes.size_gb": "250"},
    CIType.PHONE: {"attributes.phone_kind": "dect", "attributes.number": "4102"},
    CIType.MEDICAL_DEVICE: {
        "attributes.device_class": "IIb",
        "attributes.gmdn_code": "47768",
        "attributes.first_use_date": "2023-04-01",
        "attributes.network_connected": "true",
    },
    CIType.OTHER: {},
}


def base_data(ght, name, **extra):
    return {
        "name": name,
        "status": "in_production",
        "establishment": ght.a.pk,
        "criticality": "2",
        **extra,
    }


@pytest.mark.parametrize("ci_type", CIType.values)
def test_create_each_type(client, ght, engineer_a, ci_type):
    client.force_login(engineer_a)
    data = base_data(ght, f"new-{ci_type}", **VALID[ci_type])
    response = client.post(f"{ADD}?ci_type={ci_type}", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item = ConfigurationItem.objects.get(name=f"new-{ci_type}")
    assert item.ci_type == ci_type and item.establishment == ght.a
    assert response.url == item.get_absolute_url()
    assert set(item.attributes) == {key.split(".", 1)[1] for key in VALID[ci_type]}
    assert AuditEvent.objects.filter(
        object_type="cmdb.configurationitem", object_id=str(item.pk), action="create"
    ).exists()


def test_created_attributes_are_typed(client, ght, engineer_a):
    client.force_login(engineer_a)
    client.post(
        f"{ADD}?ci_type=medical_device",
        base_data(ght, "Pousse-seringue 12", **VALID[CIType.MEDICAL_DEVICE]),
    )
    item = ConfigurationItem.objects.get(name="Pousse-seringue 12")
    assert item.attributes == {
        "device_class": "IIb",
        "gmdn_code": "47768",
        "first_use_date": "2023-04-01",
        "network_connected": True,
    }


def test_attribute_errors_sit_next_to_their_field_and_nothing_is_saved(client, ght, engineer_a):
    client.force_login(engineer_a)
    data = base_data(
        ght,
        "srv-bad",
        **{"attributes.ram_mb": "lots", "attributes.os_family": "beos"},
    )
    response = client.post(f"{ADD}?ci_type=server", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a whole number." in field_block(html, "attributes.ram_mb")
    assert "This field is required." in field_block(html, "attributes.server_kind")
    assert "field-error" in field_block(html, "attributes.os_family")
    assert field_block(html, "attributes.ram_mb").count("field-error") == 1
    assert not ConfigurationItem.objects.filter(name="srv-bad").exists()


def test_schema_only_rules_reach_their_field(client, ght, engineer_a):
    """The VLAN pattern is known to the type schema only (model clean)."""
    client.force_login(engineer_a)
    data = base_data(
        ght, "sw-bad", **{"attributes.network_role": "access", "attributes.vlans": "10, abc"}
    )
    response = client.post(f"{ADD}?ci_type=network_device", data)
    assert response.status_code == 400
    block = field_block(response.content.decode(), "attributes.vlans")
    assert "VLAN numbers separated by commas" in block and "field-error" in block
    assert not ConfigurationItem.objects.filter(name="sw-bad").exists()


def test_common_field_errors_and_scope(client, ght, engineer_a):
    client.force_login(engineer_a)
    data = base_data(
        ght,
        "pc-bad",
        room=ght.room_a.pk,
        mac_address="zz",
        purchase_date="2024-05-01",
        warranty_end="2023-01-01",
    )
    response = client.post(f"{ADD}?ci_type=workstation", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "12 hexadecimal digits" in field_block(html, "mac_address")
    assert "cannot end before the purchase" in field_block(html, "warranty_end")
    other = client.post(
        f"{ADD}?ci_type=workstation", base_data(ght, "pc-b", establishment=ght.b.pk)
    )
    assert other.status_code == 400
    assert "field-error" in field_block(other.content.decode(), "establishment")
    assert not ConfigurationItem.objects.filter(name__in=["pc-bad", "pc-b"]).exists()


def test_duplicate_asset_tag_is_shown_next_to_the_field(client, ght, cmdb, engineer_a):
    client.force_login(engineer_a)
    url = reverse("cmdb:configurationitem_edit", args=[cmdb.printer.pk])
    client.post(url, base_data(ght, "prn-rea-01", asset_tag="INV-42"))
    response = client.post(f"{ADD}?ci_type=printer", base_data(ght, "prn-2", asset_tag="INV-42"))
    assert response.status_code == 400
    block = field_block(response.content.decode(), "asset_tag")
    assert "Another item already has this asset tag." in block
    assert client.post(url, base_data(ght, "prn-rea-01", asset_tag="INV-42")).status_code == 302


def test_reader_cannot_add(client, ght, agent_a):
    client.force_login(agent_a)  # desk agents correct items but do not create them
    assert client.get(ADD).status_code == 403
    assert client.post(f"{ADD}?ci_type=printer", base_data(ght, "x")).status_code == 403


def test_edit_keeps_the_type_and_updates_attributes(client, ght, cmdb, engineer_a):
    client.force_login(engineer_a)
    url = reverse("cmdb:configurationitem_edit", args=[cmdb.server.pk])
    form = client.get(url).context["form"]
    assert form.initial["attributes.server_kind"] == "virtual"
    data = base_data(
        ght,
        "srv-dpi-01",
        hostname="SRV-DPI-01",
        **{"attributes.server_kind": "virtual", "attributes.ram_mb": "65536"},
    )
    response = client.post(f"{url}?ci_type=printer", {**data, "ci_type": "printer"})
    assert response.status_code == 302
    cmdb.server.refresh_from_db()
    assert cmdb.server.ci_type == CIType.SERVER
    assert cmdb.server.attributes == {"server_kind": "virtual", "ram_mb": 65536}
    assert cmdb.server.hostname == "srv-dpi-01"
    event = AuditEvent.objects.filter(
        object_type="cmdb.configurationitem", object_id=str(cmdb.server.pk), action="update"
    ).latest("seq")
    assert event.actor_id == engineer_a.pk


def test_edit_out_of_scope_is_not_found(client, cmdb, engineer_a):
    client.force_login(engineer_a)
    url = reverse("cmdb:configurationitem_edit", args=[cmdb.workstation_b.pk])
    assert client.get(url).status_code == 404


def test_ght_wide_item_cannot_be_changed_by_a_local_engineer(client, shared, engineer_a):
    client.force_login(engineer_a)
    url = reverse("cmdb:configurationitem_edit", args=[shared.pk])
    data = {
        "name": "fw-renamed",
        "status": "in_production",
        "establishment": "",
        "criticality": "3",
        "attributes.network_role": "firewall",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "outside your scope" in response.content.decode()
    shared.refresh_from_db()
    assert shared.name == "fw-dc-ght"


def test_delete_item(client, ght, admin_user):
    item = create_item(
        ConfigurationItem(name="old-printer", ci_type=CIType.PRINTER, establishment=ght.a),
        actor=admin_user,
    )
    client.force_login(admin_user)
    response = client.post(reverse("cmdb:configurationitem_delete", args=[item.pk]))
    assert response.status_code == 302
    assert not ConfigurationItem.objects.filter(pk=item.pk).exists()


def test_item_suggestions_are_scoped(client, cmdb, agent_a):
    client.force_login(agent_a)
    url = reverse("cmdb:configurationitem_suggest")
    html = client.get(url, {"q": "pc-"}).content.decode()
    assert f"pc-rea-01 (#{cmdb.workstation.pk})" in html
    assert "pc-urg-01" not in html
    assert client.get(url, {"source": "sw-core"}).content.decode().count("<option") == 1
