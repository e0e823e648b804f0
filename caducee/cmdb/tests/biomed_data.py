"""Biomedical fixtures shared by the maintenance and vigilance tests.

On the small GHT (``ght``): an ECG monitor Philips IntelliVue MX450, class
IIb, in use since 2024-01-15 in establishment A, the same model in B, an
infusion pump (class IIb) in A, a retired defibrillator (class III) in A, a
workstation (not a medical device), the biomedical team of A, and the people
who meet these pages — a biomedical engineer of each establishment and a
desk agent of A. Built through the services, without the network graph of
the ``cmdb`` fixture that these tests do not need.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from caducee.cmdb.models import ConfigurationItem, LifecycleStatus, MaintenancePlan, WorkOrder
from caducee.cmdb.services.maintenance import create_plan
from caducee.cmdb.tests.conftest import make_item
from caducee.cmdb.types import CIType
from caducee.core import roles
from caducee.core.context import acting_as
from caducee.org.models import Team

__all__ = ["biomed", "desk_agent_a", "engineer_a", "engineer_b"]

PASSWORD = "correct-horse-battery"  # make_user's password
FIRST_USE = dt.date(2024, 1, 15)


@dataclass
class Biomed:
    team: Team
    ecg: ConfigurationItem
    ecg_b: ConfigurationItem
    pump: ConfigurationItem
    defib: ConfigurationItem
    workstation: ConfigurationItem


@pytest.fixture
def biomed(ght, admin_user) -> Biomed:
    actor = admin_user
    with acting_as(actor, source="test"):
        team = Team.objects.create(code="biomed-a", name="Biomédical Valmont", establishment=ght.a)
    ecg = make_item(
        actor,
        "Moniteur ECG rea-01",
        CIType.MEDICAL_DEVICE,
        ght.a,
        manufacturer="Philips",
        model="IntelliVue MX450",
        serial_number="SN-ECG-0001",
        room=ght.room_a,
        patient_safety_critical=True,
        attributes={"device_class": "IIb", "first_use_date": FIRST_USE.isoformat()},
    )
    ecg_b = make_item(
        actor,
        "Moniteur ECG urg-01",
        CIType.MEDICAL_DEVICE,
        ght.b,
        manufacturer="PHILIPS",
        model="intellivue mx450",
        serial_number="SN-ECG-B-01",
        attributes={"device_class": "IIb"},
    )
    pump = make_item(
        actor,
        "Pompe perfusion rea-03",
        CIType.MEDICAL_DEVICE,
        ght.a,
        manufacturer="B. Braun",
        model="Infusomat Space",
        serial_number="SN-PUMP-03",
        purchase_date=dt.date(2023, 6, 1),
        attributes={"device_class": "IIb"},
    )
    defib = make_item(
        actor,
        "Défibrillateur rea-01",
        CIType.MEDICAL_DEVICE,
        ght.a,
        manufacturer="Zoll",
        model="R Series",
        status=LifecycleStatus.RETIRED,
        attributes={"device_class": "III"},
    )
    workstation = make_item(actor, "pc-rea-01", CIType.WORKSTATION, ght.a, hostname="pc-rea-01")
    return Biomed(team, ecg, ecg_b, pump, defib, workstation)


@pytest.fixture
def engineer_a(ght, make_user):
    return make_user(roles.BIOMEDICAL_ENGINEER, establishments=[ght.a])


@pytest.fixture
def engineer_b(ght, make_user):
    return make_user(roles.BIOMEDICAL_ENGINEER, establishments=[ght.b])


@pytest.fixture
def desk_agent_a(ght, make_user):
    return make_user(roles.DESK_AGENT, establishments=[ght.a])


def ecg_plan(actor, team, establishment=None, **fields) -> MaintenancePlan:
    """Yearly preventive maintenance of the IntelliVue MX450, 60 days ahead."""
    values = {
        "name": "Maintenance préventive IntelliVue MX450",
        "kind": "preventive",
        "manufacturer": "Philips",
        "model": "IntelliVue MX450",
        "frequency_months": 12,
        "lead_days": 60,
        "responsible_team": team,
        "establishment": establishment,
        **fields,
    }
    return create_plan(MaintenancePlan(**values), actor=actor)


def open_order(device, plan=None) -> WorkOrder:
    return WorkOrder.objects.get(device=device, plan=plan, status=WorkOrder.Status.PLANNED)
