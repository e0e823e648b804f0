"""Personas and helpers shared by the item, relation, bulk-edit and API tests.

On top of the ``cmdb`` fixture: a GHT-wide item (the shared data centre's
firewall, no establishment), a few software titles installed on A's and B's
workstations, and users by role and establishment.
"""

from __future__ import annotations

import re

import pytest

from caducee.cmdb.models import ConfigurationItem, InstalledSoftware, NetworkInterface, Software
from caducee.cmdb.services.items import create_item
from caducee.cmdb.types import CIType
from caducee.core import roles

__all__ = [
    "agent_a",
    "agent_b",
    "auditor_a",
    "engineer_a",
    "engineer_ght",
    "field_block",
    "shared",
    "software",
]


@pytest.fixture
def agent_a(ght, make_user):
    """Level-1 agent of A: reads, and may correct items (no creation)."""
    return make_user(roles.DESK_AGENT, establishments=[ght.a])


@pytest.fixture
def agent_b(ght, make_user):
    return make_user(roles.DESK_AGENT, establishments=[ght.b])


@pytest.fixture
def engineer_a(ght, make_user):
    """Systems engineer of A: creates items and relations in A."""
    return make_user(roles.SUPPORT_ENGINEER, establishments=[ght.a])


@pytest.fixture
def engineer_ght(ght, make_user):
    return make_user(roles.SUPPORT_ENGINEER, whole_ght=True)


@pytest.fixture
def auditor_a(ght, make_user):
    return make_user(roles.AUDITOR, establishments=[ght.a])


@pytest.fixture
def shared(cmdb, admin_user) -> ConfigurationItem:
    """The GHT data centre's firewall: no establishment, everyone's."""
    return create_item(
        ConfigurationItem(
            name="fw-dc-ght",
            ci_type=CIType.NETWORK_DEVICE,
            establishment=None,
            hostname="fw-dc-ght",
            ip_address="10.0.0.1",
            attributes={"network_role": "firewall"},
        ),
        actor=admin_user,
    )


@pytest.fixture
def software(cmdb):
    """Firefox on both workstations (A and B), the EHR client on A's only;
    A's workstation has one network interface."""
    firefox = Software.objects.create(name="Mozilla Firefox", publisher="Mozilla")
    client = Software.objects.create(name="Client DPI", publisher="Éditeur Santé")
    InstalledSoftware.objects.create(item=cmdb.workstation, software=firefox, version="128.0")
    InstalledSoftware.objects.create(item=cmdb.workstation_b, software=firefox, version="115.0")
    InstalledSoftware.objects.create(item=cmdb.workstation, software=client, version="2024.2")
    NetworkInterface.objects.create(
        item=cmdb.workstation, name="eth0", mac_address="00:1a:2b:3c:4d:01", ip_address="10.1.2.3"
    )
    return {"firefox": firefox, "client": client}


def field_block(html: str, field_name: str) -> str:
    """The ``.field`` wrapper that holds the control named ``field_name``."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', html, flags=re.S):
        if f'name="{field_name}"' in block:
            return block
    raise AssertionError(f"no field {field_name}")
