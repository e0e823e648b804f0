"""Contract fixtures shared by the contracts and usage tests: one supplier,
a contract of establishment A, one of the whole GHT and one of B, built
through the services (validated and audited as in the product)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from caducee.cmdb.models import Contract, Supplier
from caducee.cmdb.services.contracts import create_contract, create_supplier, set_commitment
from caducee.core import roles

__all__ = ["agent_a", "contracts", "manager_a", "manager_ght"]

#: A valid SIRET (Luhn key), as printed on an invoice.
SIRET = "732 829 320 00074"


@dataclass
class Contracts:
    supplier: Supplier
    contract_a: Contract
    contract_ght: Contract
    contract_b: Contract


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def make_contract(actor, supplier, reference, establishment, **fields) -> Contract:
    values = {
        "title": f"Maintenance {reference}",
        "kind": Contract.Kind.MAINTENANCE,
        "start_date": days(-300),
        "end_date": days(400),
        "notice_days": 90,
        "support_hours": Contract.SupportHours.BUSINESS,
        **fields,
    }
    return create_contract(
        Contract(supplier=supplier, reference=reference, establishment=establishment, **values),
        actor=actor,
    )


@pytest.fixture
def contracts(ght, admin_user) -> Contracts:
    supplier = create_supplier(
        Supplier(name="Éditeur Santé", siret="73282932000074", support_phone="0800 000 000"),
        actor=admin_user,
    )
    contract_a = make_contract(admin_user, supplier, "MAINT-A", ght.a, penalty_cap=5000)
    contract_ght = make_contract(
        admin_user,
        supplier,
        "DPI-GHT",
        None,
        kind=Contract.Kind.SUPPORT,
        support_hours=Contract.SupportHours.ALWAYS,
    )
    contract_b = make_contract(admin_user, supplier, "MAINT-B", ght.b)
    set_commitment(
        contract_ght,
        actor=admin_user,
        priority=1,
        response_minutes=30,
        resolution_minutes=240,
        penalty_per_hour=150,
    )
    return Contracts(supplier, contract_a, contract_ght, contract_b)


@pytest.fixture
def agent_a(ght, make_user):
    return make_user(roles.DESK_AGENT, establishments=[ght.a])


@pytest.fixture
def manager_a(ght, make_user):
    """A DSI manager of establishment A only."""
    return make_user(roles.DSI_MANAGER, establishments=[ght.a])


@pytest.fixture
def manager_ght(ght, make_user):
    return make_user(roles.DSI_MANAGER, whole_ght=True)
