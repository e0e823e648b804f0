"""Suppliers, contracts and their commitments as a DSI manager and a desk
agent meet them: dates and SIRET checked, one commitment per priority with the
resolution never before the response, the P1–P5 grid saved all or nothing,
establishment scoping with GHT-wide contracts, the item's Contracts tab."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from caducee.cmdb.models import ConfigurationItem, Contract, ContractCommitment, Supplier
from caducee.cmdb.services.contracts import (
    CommitmentTerms,
    delete_supplier,
    remove_commitment,
    set_commitment,
    set_commitments,
    update_contract,
)
from caducee.cmdb.tests.conftest import make_item
from caducee.cmdb.tests.contract_data import *  # noqa: F403  (fixtures)
from caducee.cmdb.tests.contract_data import SIRET, days, make_contract
from caducee.cmdb.types import CIType
from caducee.core.models import AuditEvent
from caducee.core.services.errors import Conflict, PermissionDenied

pytestmark = pytest.mark.django_db


def field_errors(html: str, name: str) -> list[str]:
    """Error messages shown in the ``.field`` block of input ``name``."""
    for block in re.findall(r'<(?:div|td) class="field[^"]*">.*?</(?:div|td)>', html, flags=re.S):
        if f'name="{name}"' in block:
            return re.findall(r'class="field-error"[^>]*>([^<]*)<', block)
    raise AssertionError(f"no field {name}")


# --- Services -------------------------------------------------------------------------
def test_contract_cannot_end_before_it_starts(contracts, admin_user):
    contract = contracts.contract_a
    contract.end_date = contract.start_date - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        update_contract(contract, actor=admin_user)
    assert "end_date" in exc.value.message_dict
    contract.refresh_from_db()
    assert contract.end_date > contract.start_date


def test_one_commitment_per_priority_replaced_not_duplicated(contracts, manager_ght):
    contract = contracts.contract_ght
    set_commitment(
        contract, actor=manager_ght, priority=1, response_minutes=15, resolution_minutes=120
    )
    assert contract.commitments.count() == 1
    p1 = contract.commitments.get()
    assert (p1.response_minutes, p1.resolution_minutes) == (15, 120)
    events = AuditEvent.objects.filter(object_type="cmdb.contractcommitment", object_id=p1.pk)
    assert events.count() == 2  # created by the fixture, then changed
    # The database refuses a second row for the same priority, whatever the path.
    with pytest.raises(ValidationError):
        ContractCommitment(
            contract=contract, priority=1, response_minutes=1, resolution_minutes=2
        ).full_clean()


def test_resolution_may_not_come_before_response(contracts, manager_ght):
    with pytest.raises(ValidationError) as exc:
        set_commitment(
            contracts.contract_ght,
            actor=manager_ght,
            priority=2,
            response_minutes=240,
            resolution_minutes=60,
        )
    assert "resolution_minutes" in exc.value.message_dict
    assert not contracts.contract_ght.commitments.filter(priority=2).exists()


def test_priority_outside_p1_p5_is_refused(contracts, manager_ght):
    from caducee.core.services.errors import DomainError

    with pytest.raises(DomainError) as exc:
        set_commitment(
            contracts.contract_ght,
            actor=manager_ght,
            priority=6,
            response_minutes=1,
            resolution_minutes=2,
        )
    assert exc.value.field == "priority"


def test_grid_is_all_or_nothing(contracts, manager_ght):
    contract = contracts.contract_ght
    with pytest.raises(ValidationError) as exc:
        set_commitments(
            contract,
            actor=manager_ght,
            terms={
                1: None,  # would remove P1
                2: CommitmentTerms(60, 480, Decimal("50")),
                3: CommitmentTerms(240, 120),  # resolution before response
            },
        )
    assert "P3.resolution_minutes" in exc.value.message_dict
    assert list(contract.commitments.values_list("priority", flat=True)) == [1]


def test_ght_wide_contract_terms_need_the_whole_ght(contracts, manager_a, manager_ght):
    with pytest.raises(PermissionDenied):
        set_commitment(
            contracts.contract_ght,
            actor=manager_a,
            priority=2,
            response_minutes=60,
            resolution_minutes=120,
        )
    with pytest.raises(PermissionDenied):
        remove_commitment(contracts.contract_ght, actor=manager_a, priority=1)
    # Their own establishment's contract is theirs to change.
    set_commitment(
        contracts.contract_a,
        actor=manager_a,
        priority=2,
        response_minutes=60,
        resolution_minutes=90,
    )
    assert remove_commitment(contracts.contract_ght, actor=manager_ght, priority=1) is True
    assert remove_commitment(contracts.contract_ght, actor=manager_ght, priority=1) is False


def test_deleting_a_contract_releases_its_items_in_their_history(
    client, ght, contracts, manager_ght, admin_user
):
    item = make_item(
        admin_user, "pc-a-77", CIType.WORKSTATION, ght.a, contract=contracts.contract_a
    )
    client.force_login(manager_ght)
    response = client.post(reverse("cmdb:contract_delete", args=[contracts.contract_a.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.contract_id is None
    event = AuditEvent.objects.get(
        object_type="cmdb.configurationitem", object_id=item.pk, event="cmdb.contract_released"
    )
    assert event.data["reference"] == "MAINT-A"
    assert event.actor_id == manager_ght.pk


def test_supplier_with_contracts_cannot_be_deleted(contracts, admin_user):
    with pytest.raises(Conflict):
        delete_supplier(contracts.supplier, actor=admin_user)
    assert Supplier.objects.filter(pk=contracts.supplier.pk).exists()


# --- Pages ----------------------------------------------------------------------------
def test_supplier_form_checks_the_siret(client, ght, manager_ght):
    client.force_login(manager_ght)
    url = reverse("cmdb:supplier_add")
    response = client.post(url, {"name": "Biomed SA", "siret": "73282932000075"})
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "siret")
    assert not Supplier.objects.filter(name="Biomed SA").exists()
    response = client.post(url, {"name": "Biomed SA", "siret": SIRET})
    assert response.status_code == 302
    assert Supplier.objects.get(name="Biomed SA").siret == "73282932000074"


def test_contract_form_shows_date_error_next_to_the_field(client, ght, contracts, manager_a):
    client.force_login(manager_a)
    data = {
        "supplier": contracts.supplier.pk,
        "reference": "NEW-1",
        "title": "Imprimantes",
        "kind": "maintenance",
        "establishment": "",
        "start_date": "2025-06-01",
        "end_date": "2025-01-01",
        "notice_days": "90",
        "support_hours": "business",
    }
    response = client.post(reverse("cmdb:contract_add"), data)
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "end_date")
    # A manager of A alone may not sign for the whole GHT either.
    response = client.post(reverse("cmdb:contract_add"), {**data, "end_date": "2026-06-01"})
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "establishment")
    assert not Contract.objects.filter(reference="NEW-1").exists()
    response = client.post(
        reverse("cmdb:contract_add"), {**data, "end_date": "2026-06-01", "establishment": ght.a.pk}
    )
    assert response.status_code == 302
    assert Contract.objects.get(reference="NEW-1").establishment_id == ght.a.pk


def test_agent_of_a_sees_a_and_ght_wide_contracts_not_b(client, contracts, agent_a):
    client.force_login(agent_a)
    html = client.get(reverse("cmdb:contract_list")).content.decode()
    assert "MAINT-A" in html and "DPI-GHT" in html
    assert "MAINT-B" not in html
    assert client.get(contracts.contract_b.get_absolute_url()).status_code == 404
    assert client.get(contracts.contract_ght.get_absolute_url()).status_code == 200
    # The supplier's page counts and lists only what the agent may see.
    html = client.get(contracts.supplier.get_absolute_url()).content.decode()
    assert "MAINT-A" in html and "MAINT-B" not in html
    listed = client.get(reverse("cmdb:supplier_list")).content.decode()
    assert re.search(r'data-label="Contracts">\s*2\s*<', listed)


def test_contract_list_filters(client, contracts, admin_user):
    make_contract(
        admin_user,
        contracts.supplier,
        "OLD-1",
        contracts.contract_a.establishment,
        start_date=days(-800),
        end_date=days(-10),
    )
    make_contract(
        admin_user, contracts.supplier, "SOON-1", None, start_date=days(-300), end_date=days(20)
    )
    client.force_login(admin_user)
    url = reverse("cmdb:contract_list")

    def refs(**params):
        html = client.get(url, params).content.decode()
        return {r for r in ("MAINT-A", "DPI-GHT", "MAINT-B", "OLD-1", "SOON-1") if r in html}

    assert refs(establishment="null") == {"DPI-GHT", "SOON-1"}
    assert refs(state="expired") == {"OLD-1"}
    assert refs(state="active") == {"MAINT-A", "DPI-GHT", "MAINT-B", "SOON-1"}
    assert refs(expiring_within=30) == {"SOON-1"}
    assert refs(kind="support") == {"DPI-GHT"}
    assert refs(q="old") == {"OLD-1"}
    export = client.get(url, {"state": "expired", "export": "csv"})
    assert "OLD-1" in b"".join(export.streaming_content).decode()


def test_contract_page_shows_terms_and_scoped_covered_items(
    client, ght, contracts, agent_a, admin_user
):
    ght_contract = contracts.contract_ght
    for name, establishment in (("pc-a-1", ght.a), ("pc-a-2", ght.a), ("pc-b-1", ght.b)):
        make_item(
            admin_user,
            name,
            CIType.WORKSTATION,
            establishment,
            contract=ght_contract,
        )
    client.force_login(agent_a)
    html = client.get(ght_contract.get_absolute_url()).content.decode()
    assert "30 min" in html and "4 h" in html and "150" in html  # P1 terms, human-readable
    assert "24/7" in html
    assert "pc-a-1" in html and "pc-a-2" in html
    assert "pc-b-1" not in html
    assert re.search(r"Covered items <span class=\"badge\">2</span>", html)
    assert "Edit commitments" not in html  # an agent reads, does not change terms


def test_commitment_grid_saves_human_durations(client, contracts, manager_ght):
    contract = contracts.contract_ght
    client.force_login(manager_ght)
    url = reverse("cmdb:contract_commitments", args=[contract.pk])
    page = client.get(url).content.decode()
    assert 'value="30 min"' in page and 'value="4 h"' in page
    data = {
        "terms-TOTAL_FORMS": "5",
        "terms-INITIAL_FORMS": "5",
        "terms-MIN_NUM_FORMS": "0",
        "terms-MAX_NUM_FORMS": "5",
    }
    rows = {1: ("", "", ""), 2: ("1 h", "8h", "80"), 3: ("4 h", "1 h 30", "")}
    for index, priority in enumerate(range(1, 6)):
        response_time, resolution_time, penalty = rows.get(priority, ("", "", ""))
        data |= {
            f"terms-{index}-priority": str(priority),
            f"terms-{index}-response_minutes": response_time,
            f"terms-{index}-resolution_minutes": resolution_time,
            f"terms-{index}-penalty_per_hour": penalty,
        }
    # P3: resolution before response → shown in the P3 row, nothing saved.
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert field_errors(html, "terms-2-resolution_minutes")
    assert list(contract.commitments.values_list("priority", flat=True)) == [1]
    # Not a duration → the message says what to type.
    response = client.post(url, {**data, "terms-2-response_minutes": "soon"})
    assert "Enter a duration" in " ".join(
        field_errors(response.content.decode(), "terms-2-response_minutes")
    )

    data["terms-2-resolution_minutes"] = "1 j"  # days are not accepted: hours say it exactly
    assert client.post(url, data).status_code == 400
    data["terms-2-resolution_minutes"] = "12 h"
    response = client.post(url, data)
    assert response.status_code == 302
    saved = {c.priority: c for c in contract.commitments.all()}
    assert set(saved) == {2, 3}  # the emptied P1 row removed its commitment
    assert (saved[2].response_minutes, saved[2].resolution_minutes) == (60, 480)
    assert saved[2].penalty_per_hour == Decimal("80")
    assert (saved[3].response_minutes, saved[3].resolution_minutes) == (240, 720)
    html = client.get(contract.get_absolute_url()).content.decode()
    assert "12 h" in html and "8 h" in html


def test_commitment_grid_is_refused_to_readers_and_out_of_scope(
    client, contracts, agent_a, manager_a
):
    url = reverse("cmdb:contract_commitments", args=[contracts.contract_ght.pk])
    client.force_login(agent_a)
    assert client.get(url).status_code == 403
    client.force_login(manager_a)
    assert client.get(url).status_code == 403  # GHT-wide terms need the whole GHT
    b_url = reverse("cmdb:contract_commitments", args=[contracts.contract_b.pk])
    assert client.get(b_url).status_code == 404


def test_item_contracts_tab(client, ght, contracts, agent_a, admin_user):
    item = make_item(
        admin_user,
        "ecg-rea-02",
        CIType.MEDICAL_DEVICE,
        ght.a,
        attributes={"device_class": "IIb"},
        supplier=contracts.supplier,
        contract=contracts.contract_ght,
        purchase_date=days(-700),
        warranty_end=days(45),
    )
    client.force_login(agent_a)
    html = client.get(reverse("cmdb:configurationitem_contracts", args=[item.pk])).content.decode()
    assert "Éditeur Santé" in html and "0800 000 000" in html
    assert "DPI-GHT" in html and "30 min" in html and "4 h" in html
    assert "Warranty ends in 45 days" in html
    item.warranty_end = days(-3)
    ConfigurationItem.objects.filter(pk=item.pk).update(warranty_end=days(-3), contract=None)
    html = client.get(reverse("cmdb:configurationitem_contracts", args=[item.pk])).content.decode()
    assert "Warranty expired 3 days ago" in html
    assert "Not covered by a contract." in html
    # An item of B is not found at all for the agent of A.
    other = make_item(admin_user, "pc-b-9", CIType.WORKSTATION, ght.b)
    assert (
        client.get(reverse("cmdb:configurationitem_contracts", args=[other.pk])).status_code == 404
    )


def test_edit_and_delete_buttons_only_where_the_save_would_be_accepted(
    client, contracts, manager_a, manager_ght
):
    """A manager of A reads the GHT-wide contract but may not rewrite it: no
    Edit/Delete there (the service would refuse the save), both on A's own."""

    def buttons(contract) -> tuple[bool, bool]:
        html = client.get(contract.get_absolute_url()).content.decode()
        return (
            reverse("cmdb:contract_edit", args=[contract.pk]) in html,
            reverse("cmdb:contract_delete", args=[contract.pk]) in html,
        )

    client.force_login(manager_a)
    assert buttons(contracts.contract_ght) == (False, False)
    assert buttons(contracts.contract_a) == (True, True)
    client.force_login(manager_ght)
    assert buttons(contracts.contract_ght) == (True, True)
