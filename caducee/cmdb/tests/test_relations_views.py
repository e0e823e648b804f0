"""Relations as an engineer records them: the item's Relations tab (what it
depends on, what depends on it), adding a relation from there by typing the
other item, refused type pairs shown next to the field, deleting, the
relation list with its filters, and the software pages — all scoped."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caducee.cmdb.models import Relation, RelationKind
from caducee.cmdb.services.items import create_item
from caducee.cmdb.tests import items_data
from caducee.cmdb.tests.items_data import field_block
from caducee.core.models import AuditEvent

pytestmark = pytest.mark.django_db

# Shared fixtures: pytest finds them as attributes of this module.
agent_a = items_data.agent_a
agent_b = items_data.agent_b
engineer_a = items_data.engineer_a
software = items_data.software

ADD = reverse("cmdb:relation_add")
LIST = reverse("cmdb:relation_list")


def tab_url(item) -> str:
    return reverse("cmdb:configurationitem_relations", args=[item.pk])


def test_relations_tab_lists_both_directions(client, cmdb, agent_a):
    client.force_login(agent_a)
    response = client.get(tab_url(cmdb.access))
    assert response.status_code == 200
    html = response.content.decode()
    assert [r.target for r in response.context["outgoing"]] == [cmdb.core]
    assert {r.source for r in response.context["incoming"]} == {
        cmdb.workstation,
        cmdb.printer,
        cmdb.ecg,
    }
    assert "connected to" in html and "Moniteur ECG rea-01" in html
    active = [tab for tab in response.context["tabs"] if tab["active"]]
    assert [tab["key"] for tab in active] == ["relations"]
    assert "Add a relation" not in html  # desk agents read relations only


def test_relations_tab_shows_care_units_and_offers_add_to_engineers(client, cmdb, engineer_a):
    client.force_login(engineer_a)
    html = client.get(tab_url(cmdb.ehr)).content.decode()
    assert "Réanimation" in html and "Life-critical" in html
    assert f"{ADD}?source={cmdb.ehr.pk}&amp;next=" in html
    assert f"{ADD}?target={cmdb.ehr.pk}&amp;next=" in html


def test_tab_out_of_scope_is_not_found(client, cmdb, agent_a):
    client.force_login(agent_a)
    assert client.get(tab_url(cmdb.core_b)).status_code == 404


def test_add_form_is_prefilled_with_the_item(client, cmdb, engineer_a):
    client.force_login(engineer_a)
    response = client.get(ADD, {"source": cmdb.printer.pk})
    html = response.content.decode()
    assert f'value="prn-rea-01 (#{cmdb.printer.pk})"' in field_block(html, "source")
    assert 'list="source-suggestions"' in html and '<datalist id="source-suggestions">' in html


def test_add_relation_by_typing_the_target_and_return_to_the_tab(client, cmdb, engineer_a):
    client.force_login(engineer_a)
    response = client.post(
        f"{ADD}?next={tab_url(cmdb.printer)}",
        {
            "source": f"prn-rea-01 (#{cmdb.printer.pk})",
            "kind": RelationKind.DEPENDS_ON,
            "target": "SRV-DPI-01",  # its hostname, in any case
            "notes": "print server",
        },
    )
    assert response.status_code == 302
    assert response.url == tab_url(cmdb.printer)
    relation = Relation.objects.get(source=cmdb.printer, kind=RelationKind.DEPENDS_ON)
    assert relation.target == cmdb.server and relation.notes == "print server"
    assert AuditEvent.objects.filter(
        object_type="cmdb.relation", object_id=str(relation.pk), actor_id=engineer_a.pk
    ).exists()


def test_illegal_type_pair_is_a_field_error_and_saves_nothing(client, cmdb, engineer_a):
    client.force_login(engineer_a)
    before = Relation.objects.count()
    response = client.post(
        ADD,
        {"source": f"#{cmdb.core.pk}", "kind": RelationKind.RUNS_ON, "target": "prn-rea-01"},
    )
    assert response.status_code == 400
    block = field_block(response.content.decode(), "target")
    assert "cannot be" in block and "field-error" in block
    assert Relation.objects.count() == before


def test_used_by_needs_a_care_unit_and_self_loops_are_refused(client, ght, cmdb, engineer_a):
    client.force_login(engineer_a)
    missing = client.post(ADD, {"source": "DPI", "kind": RelationKind.USED_BY})
    assert missing.status_code == 400
    assert "care unit" in field_block(missing.content.decode(), "target")
    loop = client.post(
        ADD, {"source": "sw-acc-rea", "kind": RelationKind.CONNECTED_TO, "target": "sw-acc-rea"}
    )
    assert loop.status_code == 400
    assert "cannot be related to itself" in field_block(loop.content.decode(), "target")
    ok = client.post(
        ADD, {"source": "DPI", "kind": RelationKind.USED_BY, "care_unit": ght.admin_a.pk}
    )
    assert ok.status_code == 302
    assert Relation.objects.filter(source=cmdb.ehr, care_unit=ght.admin_a).exists()


def test_duplicate_relation_is_explained(client, cmdb, engineer_a):
    client.force_login(engineer_a)
    response = client.post(
        ADD, {"source": "prn-rea-01", "kind": RelationKind.CONNECTED_TO, "target": "sw-acc-rea"}
    )
    assert response.status_code == 400
    assert "This relation is already recorded." in response.content.decode()


def test_item_reference_errors(client, ght, cmdb, engineer_a, admin_user):
    from caducee.cmdb.models import ConfigurationItem
    from caducee.cmdb.types import CIType

    create_item(
        ConfigurationItem(name="DPI", ci_type=CIType.APPLICATION, establishment=ght.a),
        actor=admin_user,
    )
    client.force_login(engineer_a)
    response = client.post(
        ADD, {"source": "DPI", "kind": RelationKind.DEPENDS_ON, "target": "pc-urg-01"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Several items match" in field_block(html, "source")
    # B's workstation is not in the engineer's scope: unknown, not revealed.
    assert "No item of your scope matches" in field_block(html, "target")


def test_delete_relation_from_the_tab(client, cmdb, engineer_a):
    client.force_login(engineer_a)
    relation = Relation.objects.get(source=cmdb.printer, target=cmdb.access)
    html = client.get(tab_url(cmdb.access)).content.decode()
    delete_url = reverse("cmdb:relation_delete", args=[relation.pk])
    assert delete_url in html
    response = client.post(f"{delete_url}?next={tab_url(cmdb.access)}")
    assert response.status_code == 302 and response.url == tab_url(cmdb.access)
    assert not Relation.objects.filter(pk=relation.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="cmdb.relation", object_id=str(relation.pk), action="delete"
    ).exists()


def test_next_must_stay_on_the_site(client, cmdb, engineer_a):
    client.force_login(engineer_a)
    relation = Relation.objects.get(source=cmdb.printer, target=cmdb.access)
    url = reverse("cmdb:relation_delete", args=[relation.pk])
    response = client.post(f"{url}?next=https://evil.example/")
    assert response.status_code == 302 and response.url == LIST


def test_edit_relation_kind_is_validated(client, cmdb, engineer_a):
    client.force_login(engineer_a)
    relation = Relation.objects.get(source=cmdb.ehr, target=cmdb.database)
    url = reverse("cmdb:relation_edit", args=[relation.pk])
    bad = client.post(
        url, {"source": f"#{cmdb.ehr.pk}", "kind": RelationKind.CONNECTED_TO, "target": "db-dpi"}
    )
    assert bad.status_code == 400
    relation.refresh_from_db()
    assert relation.kind == RelationKind.DEPENDS_ON


def test_relation_list_scoped_and_filtered(client, ght, cmdb, agent_a, agent_b):
    client.force_login(agent_b)
    seen = {str(r.record) for r in client.get(LIST).context["table"].paginated_rows}
    assert seen == {"pc-urg-01 connected to sw-core-b", "pc-urg-01 used by 1001 Urgences"}
    client.force_login(agent_a)

    def rows(query):
        response = client.get(LIST, query)
        assert response.status_code == 200
        return {str(r.record) for r in response.context["table"].paginated_rows}

    assert rows({"target_type": "care_unit", "q": "réanimation"}) == {
        "DPI used by 4101 Réanimation",
        "pc-rea-01 used by 4101 Réanimation",
        "Moniteur ECG rea-01 used by 4101 Réanimation",
    }
    assert rows({"kind": "runs_on"}) == {"db-dpi runs on srv-dpi-01", "DPI runs on srv-dpi-01"}
    assert rows({"source_type": "server"}) == {"srv-dpi-01 hosted in vmc-a"}
    assert rows({"target": cmdb.core.pk}) == {
        "sw-acc-rea connected to sw-core-a",
        "vmc-a connected to sw-core-a",
    }
    assert rows({"target_type": "network_device", "q": "pc-urg"}) == set()
    export = client.get(LIST, {"kind": "hosted_in", "export": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "srv-dpi-01;Server;hosted in;vmc-a;Virtualisation cluster" in text


# --- Software ------------------------------------------------------------------
def test_software_counts_and_installations_are_scoped(client, cmdb, software, agent_a):
    client.force_login(agent_a)
    response = client.get(reverse("cmdb:software_list"), {"q": "firefox"})
    rows = {r.record.name: r.record.installation_count for r in response.context["table"].rows}
    assert rows == {"Mozilla Firefox": 1}  # A's workstation, not B's
    detail = client.get(reverse("cmdb:software_detail", args=[software["firefox"].pk]))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "pc-rea-01" in html and "pc-urg-01" not in html and "128.0" in html


def test_software_list_filters_by_publisher(client, cmdb, software, agent_a):
    client.force_login(agent_a)
    response = client.get(reverse("cmdb:software_list"), {"publisher": "santé"})
    assert [r.record.name for r in response.context["table"].rows] == ["Client DPI"]
