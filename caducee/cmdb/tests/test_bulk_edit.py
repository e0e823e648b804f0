"""Bulk edit of items, as an agent does it from the list: tick rows (or take
every item matching the filter), see what will change, apply — all items or
none, only items of the agent's scope, one audit event per item."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caducee.cmdb.models import ConfigurationItem
from caducee.cmdb.tests import items_data
from caducee.cmdb.tests.items_data import field_block
from caducee.core.models import AuditEvent
from caducee.org.models import Team

pytestmark = pytest.mark.django_db

# Shared fixtures: pytest finds them as attributes of this module.
agent_a = items_data.agent_a
agent_b = items_data.agent_b
auditor_a = items_data.auditor_a
engineer_ght = items_data.engineer_ght
shared = items_data.shared

LIST = reverse("cmdb:configurationitem_list")
BULK = reverse("cmdb:configurationitem_bulk_edit")
API_BULK = reverse("configurationitem-bulk-update")


@pytest.fixture
def team_a(ght, admin_user):
    from caducee.core.context import acting_as

    with acting_as(admin_user):
        return Team.objects.create(code="poste-a", name="Poste de travail A", establishment=ght.a)


def statuses(*items) -> set[str]:
    return {ConfigurationItem.objects.get(pk=item.pk).status for item in items}


def test_list_offers_row_selection_to_those_who_may_change(client, cmdb, agent_a, auditor_a):
    client.force_login(agent_a)
    html = client.get(LIST).content.decode()
    assert f'name="pk" value="{cmdb.workstation.pk}"' in html
    assert f'action="{BULK}"' in html and 'name="select_all"' in html
    client.force_login(auditor_a)
    html = client.get(LIST).content.decode()
    assert 'name="pk"' not in html and 'name="select_all"' not in html


def test_selected_rows_are_updated_and_audited(client, cmdb, agent_a, team_a):
    client.force_login(agent_a)
    chosen = [cmdb.workstation, cmdb.printer]
    pks = [item.pk for item in chosen]
    page = client.post(BULK, {"pk": pks, "query": "ci_type=workstation"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 selected items" in html and "pc-rea-01" in html and "prn-rea-01" in html
    response = client.post(
        BULK,
        {
            "pk": pks,
            "query": "ci_type=workstation",
            "apply": "1",
            "status": "in_maintenance",
            "owner_group": team_a.pk,
            "holds_health_data": "true",
        },
    )
    assert response.status_code == 302
    assert response.url == f"{LIST}?ci_type=workstation"
    for item in chosen:
        item.refresh_from_db()
        assert item.status == "in_maintenance"
        assert item.owner_group == team_a and item.holds_health_data is True
        event = AuditEvent.objects.filter(
            object_type="cmdb.configurationitem", object_id=str(item.pk)
        ).latest("seq")
        assert event.actor_id == agent_a.pk and "status" in event.changes
    cmdb.ecg.refresh_from_db()
    assert cmdb.ecg.status == "in_production"  # not selected, not touched


def test_one_refusal_cancels_the_whole_edit_and_names_the_item(client, ght, cmdb, engineer_ght):
    """Moving items to B fails for those in a room of A: nothing moves."""
    client.force_login(engineer_ght)
    pks = [cmdb.core.pk, cmdb.workstation.pk, cmdb.access.pk]
    response = client.post(
        BULK, {"pk": pks, "apply": "1", "establishment": ght.b.pk, "status": "in_stock"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "pc-rea-01" in html and "another establishment" in html
    for item in (cmdb.core, cmdb.workstation, cmdb.access):
        item.refresh_from_db()
        assert item.establishment == ght.a and item.status == "in_production"


def test_items_outside_the_scope_refuse_the_edit(client, ght, cmdb, agent_a):
    client.force_login(agent_a)
    response = client.post(
        BULK,
        {"pk": [cmdb.workstation.pk, cmdb.workstation_b.pk], "apply": "1", "status": "retired"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "1 selected item cannot be changed by you" in html
    assert "pc-urg-01" not in html  # B's item is not named
    assert statuses(cmdb.workstation, cmdb.workstation_b) == {"in_production"}


def test_ght_wide_item_needs_the_whole_ght(client, cmdb, shared, agent_a):
    client.force_login(agent_a)
    response = client.post(
        BULK, {"pk": [cmdb.printer.pk, shared.pk], "apply": "1", "status": "retired"}
    )
    assert response.status_code == 400
    assert "fw-dc-ght" in response.content.decode()
    assert statuses(cmdb.printer, shared) == {"in_production"}


def test_all_matching_the_filter_asks_for_the_count(client, cmdb, shared, agent_a):
    client.force_login(agent_a)
    query = "ci_type=network_device"
    page = client.post(BULK, {"select_all": "1", "query": query})
    html = page.content.decode()
    assert page.status_code == 200
    assert "All 2 items matching the filter" in html  # A's two switches, not B's
    assert "1 matching item shared by the whole GHT is left out" in html  # the firewall
    assert 'name="confirm_count" value="2"' in html
    stale = client.post(
        BULK,
        {"select_all": "1", "query": query, "confirm_count": "5", "apply": "1", "criticality": "3"},
    )
    assert stale.status_code == 400
    assert "now matches 2 items" in stale.content.decode()
    done = client.post(
        BULK,
        {"select_all": "1", "query": query, "confirm_count": "2", "apply": "1", "criticality": "3"},
    )
    assert done.status_code == 302
    criticalities = set(
        ConfigurationItem.objects.filter(ci_type="network_device").values_list(
            "name", "criticality"
        )
    )
    assert criticalities == {
        ("sw-core-a", 3),
        ("sw-acc-rea", 3),
        ("sw-core-b", 2),
        ("fw-dc-ght", 2),
    }


def test_form_errors(client, ght, cmdb, agent_a):
    client.force_login(agent_a)
    nothing = client.post(BULK, {"pk": [cmdb.printer.pk], "apply": "1"})
    assert nothing.status_code == 400
    assert "Choose at least one field to change." in nothing.content.decode()
    both = client.post(
        BULK,
        {"pk": [cmdb.printer.pk], "apply": "1", "room": ght.room_a.pk, "clear": ["room"]},
    )
    assert both.status_code == 400
    assert "Either set this field or clear it" in field_block(both.content.decode(), "room")
    empty = client.post(BULK, {"apply": "1", "status": "retired"})
    assert empty.status_code == 400
    assert "Select at least one item" in empty.content.decode()
    assert statuses(cmdb.printer) == {"in_production"}


def test_clear_a_field(client, ght, cmdb, agent_a):
    client.force_login(agent_a)
    response = client.post(
        BULK, {"pk": [cmdb.printer.pk, cmdb.workstation.pk], "apply": "1", "clear": ["room"]}
    )
    assert response.status_code == 302
    assert set(
        ConfigurationItem.objects.filter(pk__in=[cmdb.printer.pk, cmdb.workstation.pk]).values_list(
            "room", flat=True
        )
    ) == {None}


def test_readers_may_not_bulk_edit(client, cmdb, auditor_a):
    client.force_login(auditor_a)
    response = client.post(BULK, {"pk": [cmdb.printer.pk], "apply": "1", "status": "retired"})
    assert response.status_code == 403
    assert statuses(cmdb.printer) == {"in_production"}


# --- API -------------------------------------------------------------------------
def test_api_bulk_update(client, cmdb, agent_a, agent_b, auditor_a):
    client.force_login(agent_a)
    ok = client.post(
        API_BULK,
        {"ids": [cmdb.printer.pk, cmdb.phone.pk], "changes": {"status": "in_stock"}},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json() == {"updated": 2}
    assert statuses(cmdb.printer, cmdb.phone) == {"in_stock"}
    bad_value = client.post(
        API_BULK,
        {"ids": [cmdb.printer.pk], "changes": {"status": "exploded", "name": "x"}},
        content_type="application/json",
    )
    assert bad_value.status_code == 400
    assert "changes" in bad_value.json()["error"]["fields"]
    client.force_login(agent_b)
    foreign = client.post(
        API_BULK,
        {"ids": [cmdb.printer.pk], "changes": {"status": "retired"}},
        content_type="application/json",
    )
    assert foreign.status_code == 400
    assert foreign.json()["error"]["fields"] == {"ids": [foreign.json()["error"]["message"]]}
    client.force_login(auditor_a)
    refused = client.post(
        API_BULK,
        {"ids": [cmdb.printer.pk], "changes": {"status": "retired"}},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert statuses(cmdb.printer) == {"in_stock"}


def test_api_bulk_update_is_all_or_nothing(client, ght, cmdb, engineer_ght):
    client.force_login(engineer_ght)
    response = client.post(
        API_BULK,
        {
            "ids": [cmdb.core.pk, cmdb.workstation.pk],
            "changes": {"establishment": ght.b.pk, "status": "retired"},
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "pc-rea-01" in response.json()["error"]["message"]
    assert statuses(cmdb.core, cmdb.workstation) == {"in_production"}
