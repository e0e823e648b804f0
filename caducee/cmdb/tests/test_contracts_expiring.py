"""The "Expiring warranties and contracts" report as a DSI manager uses it:
which contracts end within the horizon, which passed their notice deadline
without a renewal, which warranties end — scoped, counted, exportable."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from caducee.cmdb.models import Contract, LifecycleStatus
from caducee.cmdb.services.expiring import expiring_report, parse_days
from caducee.cmdb.tests.conftest import make_item
from caducee.cmdb.tests.contract_data import *  # noqa: F403  (fixtures)
from caducee.cmdb.tests.contract_data import days, make_contract
from caducee.cmdb.types import CIType

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The report's reasons and type labels are read in English here."""
    with translation.override("en"):
        yield


@pytest.fixture
def expiring(ght, contracts, admin_user):
    """Contracts and warranties around today, in A, B and the whole GHT."""
    supplier = contracts.supplier
    soon = make_contract(
        admin_user,
        supplier,
        "PRN-60",
        ght.a,
        start_date=days(-700),
        end_date=days(60),
        notice_days=30,
    )
    # Ends in 200 days but had to be renegotiated 20 days ago (notice 220 days).
    late = make_contract(
        admin_user,
        supplier,
        "LATE-200",
        ght.a,
        start_date=days(-500),
        end_date=days(200),
        notice_days=220,
    )
    # Same situation, but a renewal contract was signed: nothing to do.
    renewed = make_contract(
        admin_user,
        supplier,
        "RENEWED-200",
        None,
        kind=Contract.Kind.HOSTING,
        start_date=days(-500),
        end_date=days(200),
        notice_days=220,
    )
    make_contract(
        admin_user,
        supplier,
        "RENEWAL-2",
        None,
        kind=Contract.Kind.HOSTING,
        start_date=days(201),
        end_date=days(1300),
    )
    b_soon = make_contract(
        admin_user, supplier, "B-20", ght.b, start_date=days(-300), end_date=days(20)
    )
    make_contract(admin_user, supplier, "ENDED", ght.a, start_date=days(-800), end_date=days(-1))
    items = {
        "pc-a-w50": make_item(
            admin_user, "pc-a-w50", CIType.WORKSTATION, ght.a, warranty_end=days(50)
        ),
        "prn-a-w80": make_item(
            admin_user, "prn-a-w80", CIType.PRINTER, ght.a, warranty_end=days(80)
        ),
        "pc-a-w200": make_item(
            admin_user, "pc-a-w200", CIType.WORKSTATION, ght.a, warranty_end=days(200)
        ),
        "pc-a-gone": make_item(
            admin_user,
            "pc-a-gone",
            CIType.WORKSTATION,
            ght.a,
            warranty_end=days(10),
            status=LifecycleStatus.DISPOSED,
        ),
        "pc-b-w10": make_item(
            admin_user, "pc-b-w10", CIType.WORKSTATION, ght.b, warranty_end=days(10)
        ),
    }
    return {"soon": soon, "late": late, "renewed": renewed, "b_soon": b_soon, "items": items}


def refs(report) -> set[str]:
    return {row.contract.reference for row in report.contracts}


def test_contract_ending_in_60_days_shows_at_90_not_at_30(expiring, admin_user):
    assert "PRN-60" in refs(expiring_report(user=admin_user, days=90))
    assert "PRN-60" not in refs(expiring_report(user=admin_user, days=30))


def test_notice_deadline_passed_without_renewal_is_listed_at_any_horizon(expiring, admin_user):
    report = expiring_report(user=admin_user, days=30)
    row = next(r for r in report.contracts if r.contract.reference == "LATE-200")
    assert row.notice_passed and not row.ends_within
    assert "without renewal" in " ".join(row.reasons)
    # The renewed one is not a worry until it really ends, and then shows its successor.
    assert "RENEWED-200" not in refs(report)
    year = expiring_report(user=admin_user, days=365)
    renewed = next(r for r in year.contracts if r.contract.reference == "RENEWED-200")
    assert renewed.renewed_by.reference == "RENEWAL-2"
    assert "ENDED" not in refs(year)  # already over: the contract list shows expired ones


def test_warranties_ending_counted_by_establishment_and_type(expiring, ght, admin_user):
    report = expiring_report(user=admin_user, days=90)
    names = {item.name for item in report.items}
    assert names == {"pc-a-w50", "prn-a-w80", "pc-b-w10"}  # not the disposed one, not w200
    assert report.item_count == 3
    assert dict(report.by_establishment) == {ght.a.name: 2, ght.b.name: 1}
    assert dict(report.by_type) == {"Workstation": 2, "Printer": 1}


def test_report_is_scoped(expiring, agent_a):
    report = expiring_report(user=agent_a, days=90)
    assert "B-20" not in refs(report)
    assert "PRN-60" in refs(report)
    assert {item.name for item in report.items} == {"pc-a-w50", "prn-a-w80"}


def test_horizon_values():
    assert parse_days(None) == 90
    assert parse_days("180") == 180
    for wrong in ("45", "abc", "-30"):
        with pytest.raises(ValueError):
            parse_days(wrong)


def test_expiring_page_and_exports(client, expiring, agent_a):
    client.force_login(agent_a)
    url = reverse("cmdb:expiring")
    html = client.get(url).content.decode()
    assert "PRN-60" in html and "LATE-200" in html and "pc-a-w50" in html
    assert "B-20" not in html and "pc-b-w10" not in html
    html = client.get(url, {"days": "30"}).content.decode()
    assert "PRN-60" not in html and "pc-a-w50" not in html and "LATE-200" in html
    assert client.get(url, {"days": "45"}).status_code == 400

    response = client.get(url, {"days": "90", "table": "items", "export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert {row[0] for row in rows[1:]} == {"pc-a-w50", "prn-a-w80"}

    response = client.get(url, {"days": "90", "table": "contracts", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    listed = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any("PRN-60" in str(value) for value in listed)
    assert not any("B-20" in str(value) for value in listed)


def test_expiring_page_needs_the_cmdb(client, ght, make_user):
    from caducee.core import roles

    client.force_login(make_user(roles.REQUESTER, establishments=[ght.a]))
    assert client.get(reverse("cmdb:expiring")).status_code == 403
