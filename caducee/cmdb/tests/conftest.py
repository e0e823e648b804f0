"""CMDB fixtures: a small infrastructure of establishment A, built through
the CMDB services so relations are validated and audited as in the product.

    core switch ← access switch (ICU) ← ICU workstation, ICU printer, ECG monitor
    core switch ← VM cluster ← EHR server ← EHR database
                                          ← EHR application (also depends on the database)
    EHR application → used by ICU and the internal medicine ward
    ICU workstation, ECG monitor → used by ICU
    establishment B: its own core switch and an emergency workstation
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from caducee.cmdb.models import ConfigurationItem, Relation, RelationKind
from caducee.cmdb.services.items import create_item, create_relation
from caducee.cmdb.types import CIType


@dataclass
class SmallCMDB:
    core: ConfigurationItem
    access: ConfigurationItem
    workstation: ConfigurationItem
    printer: ConfigurationItem
    ecg: ConfigurationItem
    cluster: ConfigurationItem
    server: ConfigurationItem
    database: ConfigurationItem
    ehr: ConfigurationItem
    phone: ConfigurationItem
    core_b: ConfigurationItem
    workstation_b: ConfigurationItem


def make_item(actor, name, ci_type, establishment, **fields) -> ConfigurationItem:
    return create_item(
        ConfigurationItem(name=name, ci_type=ci_type, establishment=establishment, **fields),
        actor=actor,
    )


def relate(actor, source, kind, target=None, care_unit=None) -> Relation:
    return create_relation(
        Relation(source=source, kind=kind, target=target, care_unit=care_unit), actor=actor
    )


@pytest.fixture
def cmdb(ght, admin_user) -> SmallCMDB:
    a, b, actor = ght.a, ght.b, admin_user
    core = make_item(
        actor,
        "sw-core-a",
        CIType.NETWORK_DEVICE,
        a,
        attributes={"network_role": "core", "port_count": 48},
        criticality=4,
    )
    access = make_item(
        actor, "sw-acc-rea", CIType.NETWORK_DEVICE, a, attributes={"network_role": "access"}
    )
    workstation = make_item(
        actor,
        "pc-rea-01",
        CIType.WORKSTATION,
        a,
        hostname="pc-rea-01",
        serial_number="SN-PC-0001",
        mac_address="00:1a:2b:3c:4d:01",
        assigned_to=ght.nurse_a,
        room=ght.room_a,
        attributes={"os_family": "windows", "usage": "shared"},
    )
    printer = make_item(actor, "prn-rea-01", CIType.PRINTER, a, room=ght.room_a)
    ecg = make_item(
        actor,
        "Moniteur ECG rea-01",
        CIType.MEDICAL_DEVICE,
        a,
        manufacturer="Philips",
        model="IntelliVue MX450",
        serial_number="SN-ECG-0001",
        patient_safety_critical=True,
        holds_health_data=True,
        attributes={"device_class": "IIb", "network_connected": True},
    )
    cluster = make_item(actor, "vmc-a", CIType.CLUSTER, a)
    server = make_item(
        actor,
        "srv-dpi-01",
        CIType.SERVER,
        a,
        attributes={"server_kind": "virtual"},
        hostname="srv-dpi-01",
    )
    database = make_item(actor, "db-dpi", CIType.DATABASE, a, attributes={"engine": "postgresql"})
    ehr = make_item(
        actor,
        "DPI",
        CIType.APPLICATION,
        a,
        holds_health_data=True,
        attributes={"publisher": "Éditeur Santé"},
    )
    phone = make_item(
        actor,
        "dect-rea-01",
        CIType.PHONE,
        a,
        assigned_to=ght.nurse_a,
        attributes={"phone_kind": "dect", "number": "4101"},
    )
    core_b = make_item(
        actor, "sw-core-b", CIType.NETWORK_DEVICE, b, attributes={"network_role": "core"}
    )
    workstation_b = make_item(
        actor, "pc-urg-01", CIType.WORKSTATION, b, hostname="pc-urg-01", room=ght.room_b
    )
    K = RelationKind
    relate(actor, access, K.CONNECTED_TO, core)
    for item in (workstation, printer, ecg):
        relate(actor, item, K.CONNECTED_TO, access)
    relate(actor, cluster, K.CONNECTED_TO, core)
    relate(actor, server, K.HOSTED_IN, cluster)
    relate(actor, database, K.RUNS_ON, server)
    relate(actor, ehr, K.RUNS_ON, server)
    relate(actor, ehr, K.DEPENDS_ON, database)
    relate(actor, ehr, K.USED_BY, care_unit=ght.icu_a)
    relate(actor, ehr, K.USED_BY, care_unit=ght.ward_a)
    relate(actor, workstation, K.USED_BY, care_unit=ght.icu_a)
    relate(actor, ecg, K.USED_BY, care_unit=ght.icu_a)
    relate(actor, workstation_b, K.CONNECTED_TO, core_b)
    relate(actor, workstation_b, K.USED_BY, care_unit=ght.er_b)
    return SmallCMDB(
        core,
        access,
        workstation,
        printer,
        ecg,
        cluster,
        server,
        database,
        ehr,
        phone,
        core_b,
        workstation_b,
    )
