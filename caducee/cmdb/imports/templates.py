"""Downloadable templates: the expected columns and one example row per type.

The headers are the columns' labels in the user's language (any language's
label is accepted back, see ``caducee.core.imports.Column.accepted``); the
example rows are realistic hospital equipment, placed in the first
establishment the user may change, so a template saved unchanged previews
cleanly apart from the references to teams, rooms and suppliers it cannot
know.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from caducee.cmdb.imports.columns import ITEM_COLUMNS, RELATION_COLUMNS
from caducee.cmdb.models import LifecycleStatus, RelationKind
from caducee.cmdb.types import CIType
from caducee.core.imports import csv_text, xlsx_bytes
from caducee.org.models import Criticality, Establishment

_A = "attributes."
ITEM_EXAMPLES: dict[str, dict[str, Any]] = {
    CIType.WORKSTATION: {
        "name": "PC-URG-0042",
        "serial_number": "CZC2419XK7",
        "asset_tag": "INV-2024-00042",
        "manufacturer": "HP",
        "model": "EliteDesk 800 G6",
        "purchase_date": "2024-03-15",
        "warranty_end": "2029-03-14",
        "hostname": "pc-urg-0042",
        "ip_address": "10.12.40.42",
        "mac_address": "3c:52:82:1a:00:42",
        "uuid": "4c4c4544-0042-3510-8052-b7c04f4a3232",
        _A + "os_family": "windows",
        _A + "os_name": "Windows 11 Entreprise",
        _A + "ram_mb": "16384",
        _A + "form_factor": "desktop",
        _A + "usage": "shared",
    },
    CIType.PRINTER: {
        "name": "IMP-URG-01",
        "serial_number": "VNB3K12345",
        "manufacturer": "HP",
        "model": "LaserJet M507",
        "hostname": "imp-urg-01",
        "ip_address": "10.12.41.10",
        _A + "printer_kind": "laser",
        _A + "color": "non",
    },
    CIType.SERVER: {
        "name": "SRV-DPI-01",
        "hostname": "srv-dpi-01",
        "ip_address": "10.1.10.21",
        "uuid": "421a3b4c-5d6e-7f80-91a2-b3c4d5e6f708",
        "criticality": Criticality.LIFE_CRITICAL.label,
        "holds_health_data": "oui",
        _A + "server_kind": "virtual",
        _A + "os_family": "linux",
        _A + "os_name": "Debian 12",
        _A + "cpu_cores": "8",
        _A + "environment": "production",
    },
    CIType.CLUSTER: {"name": "VMC-DC1", _A + "hypervisor": "VMware ESXi 8", _A + "node_count": "4"},
    CIType.NETWORK_DEVICE: {
        "name": "SW-ACC-URG-01",
        "serial_number": "FOC2233X0AB",
        "manufacturer": "Cisco",
        "model": "Catalyst 9200-48P",
        "hostname": "sw-acc-urg-01",
        "ip_address": "10.0.12.11",
        _A + "network_role": "access",
        _A + "port_count": "48",
        _A + "vlans": "10, 20, 110",
    },
    CIType.APPLICATION: {
        "name": "DPI",
        "criticality": Criticality.LIFE_CRITICAL.label,
        "holds_health_data": "oui",
        _A + "publisher": "Éditeur Santé",
        _A + "version": "2024.2",
        _A + "hosting": "on_premise",
    },
    CIType.DATABASE: {
        "name": "DB-DPI",
        "holds_health_data": "oui",
        _A + "engine": "postgresql",
        _A + "engine_version": "15",
        _A + "size_gb": "850",
    },
    CIType.PHONE: {
        "name": "DECT-URG-07",
        "mac_address": "00:13:d1:07:00:07",
        _A + "phone_kind": "dect",
        _A + "number": "4107",
    },
    CIType.MEDICAL_DEVICE: {
        "name": "Moniteur ECG URG-03",
        "serial_number": "DE12345678",
        "asset_tag": "BIO-2023-0317",
        "manufacturer": "Philips",
        "model": "IntelliVue MX450",
        "criticality": Criticality.LIFE_CRITICAL.label,
        "patient_safety_critical": "oui",
        "holds_health_data": "oui",
        _A + "device_class": "IIb",
        _A + "gmdn_code": "47910",
        _A + "first_use_date": "2023-06-01",
        _A + "network_connected": "oui",
    },
    CIType.OTHER: {"name": "Onduleur baie B2", "manufacturer": "Eaton", "model": "9PX 6000"},
}

RELATION_EXAMPLES = [
    ("pc-urg-0042", RelationKind.CONNECTED_TO, "sw-acc-urg-01", ""),
    ("SRV-DPI-01", RelationKind.HOSTED_IN, "VMC-DC1", ""),
    ("DB-DPI", RelationKind.RUNS_ON, "SRV-DPI-01", ""),
    ("DPI", RelationKind.RUNS_ON, "SRV-DPI-01", ""),
    ("DPI", RelationKind.DEPENDS_ON, "DB-DPI", ""),
    ("DPI", RelationKind.USED_BY, "", "1001"),
    ("BIO-2023-0317", RelationKind.USED_BY, "", "1001"),
]


def _establishment_for(user: Any) -> str:
    ids = user.establishment_ids()
    scoped = (
        Establishment.objects.all() if ids is None else Establishment.objects.filter(pk__in=ids)
    )
    return scoped.order_by("finess").values_list("finess", flat=True).first() or "750712184"


def item_rows(user: Any) -> list[list[Any]]:
    finess = _establishment_for(user)
    rows: list[list[Any]] = [[str(column.label) for column in ITEM_COLUMNS]]
    for ci_type, example in ITEM_EXAMPLES.items():
        values = {
            "ci_type": str(CIType(ci_type).label),
            "status": str(LifecycleStatus.IN_PRODUCTION.label),
            "establishment": finess,
            "criticality": Criticality.MEDIUM.label,
            "patient_safety_critical": "non",
            "holds_health_data": "non",
            **example,
        }
        rows.append([str(values.get(column.name, "")) for column in ITEM_COLUMNS])
    return rows


def relation_rows(user: Any) -> list[list[Any]]:
    finess = _establishment_for(user)
    rows: list[list[Any]] = [[str(column.label) for column in RELATION_COLUMNS]]
    for source, kind, target, unit in RELATION_EXAMPLES:
        values = {
            "source": source,
            "source_establishment": finess,
            "kind": str(RelationKind(kind).label),
            "target": target,
            "care_unit": unit,
            "target_establishment": finess if unit else "",
        }
        rows.append([values.get(column.name, "") for column in RELATION_COLUMNS])
    return rows


def template_file(kind: str, file_format: str, user: Any) -> tuple[bytes, str, str]:
    """(content, content type, file name) of a template."""
    rows = item_rows(user) if kind == "items" else relation_rows(user)
    name = f"caducee-{kind}"
    if file_format == "xlsx":
        sheet = capfirst(_("configuration items") if kind == "items" else _("relations"))
        return (
            xlsx_bytes(rows, title=sheet),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{name}.xlsx",
        )
    return csv_text(rows).encode("utf-8"), "text/csv; charset=utf-8", f"{name}.csv"
