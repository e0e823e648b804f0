"""Importing configuration items from CSV/XLSX: a preview writes nothing;
errors name their row, column and cause; items are found again by UUID, asset
tag, serial (+ manufacturer), hostname, so a re-import changes nothing and
writes no audit event while a changed cell updates the item, audited; all or
nothing unless "valid rows only"; another establishment is out of reach."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from caducee.cmdb.imports.engine import run_bulk_import
from caducee.cmdb.imports.items import ItemImporter
from caducee.cmdb.models import ConfigurationItem
from caducee.cmdb.types import CIType
from caducee.core.imports import ImportFileError, read_table
from caducee.core.models import AuditEvent

pytestmark = pytest.mark.django_db

A, B = "750712184", "330781196"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def run(data: bytes, user, *, name="items.csv", dry_run=False, valid_only=False, chunk_rows=2):
    table = read_table(name, data)
    importer = ItemImporter(user, table.headers)
    return run_bulk_import(
        importer, table, dry_run=dry_run, valid_only=valid_only, chunk_rows=chunk_rows
    )


def errors_by_row(outcome) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for row, column, message in outcome.errors:
        found.setdefault(row, []).append((column, message))
    return found


HEADER = (
    "Nom;Type;Statut;Établissement;Code site;Code bâtiment;Code local;N° de série;"
    "N° d'inventaire;Fabricant;Modèle;Nom d'hôte;Adresse IP;Adresse MAC;Attribué à;"
    "Sécurité patient;Données de santé;Date d'achat;Fin de garantie;"
    "Operating system family;attributes.ram_mb;attributes.device_class"
)
ROWS = (
    f"PC-REA-02;Workstation;in_production;{A};MAIN;A;101;SN-PC-0002;INV-0002;HP;"
    "EliteDesk;PC-REA-02;10.1.2.3;00-1A-2B-3C-4D-02;claire.martin@valmont.example;"
    "non;non;2024-03-15;14/03/2029;windows;8192;",
    f"ECG-REA-02;medical_device;In production;{A};;;;SN-ECG-0002;BIO-0002;Philips;"
    "MX450;;;;;oui;oui;;;;;IIb",
    f"SRV-LAB-01;Server;;{A};;;;;;;;srv-lab-01;10.1.9.9;;;;;;;linux;;",
)
FILE = csv_bytes(HEADER, *ROWS)


def test_dry_run_counts_and_writes_nothing(ght, admin_user):
    items, events = ConfigurationItem.objects.count(), AuditEvent.objects.count()
    outcome = run(FILE, admin_user, dry_run=True)
    # The server lacks its required "physical or virtual": the preview says so.
    assert outcome.counts["create"] == 2 and outcome.counts["error"] == 1
    assert errors_by_row(outcome) == {
        4: [("Physical or virtual", "This field is required.")],
    }
    assert not outcome.committed
    assert ConfigurationItem.objects.count() == items
    assert AuditEvent.objects.count() == events


def test_import_creates_with_french_headers_and_values(ght, admin_user):
    outcome = run(FILE, admin_user, valid_only=True)
    assert outcome.committed and outcome.counts["create"] == 2
    pc = ConfigurationItem.objects.get(asset_tag="INV-0002")
    assert pc.ci_type == CIType.WORKSTATION and pc.establishment == ght.a
    assert pc.room == ght.room_a and pc.assigned_to == ght.nurse_a
    assert pc.mac_address == "00:1a:2b:3c:4d:02" and pc.hostname == "pc-rea-02"
    assert str(pc.warranty_end) == "2029-03-14" and str(pc.purchase_date) == "2024-03-15"
    assert pc.attributes == {"os_family": "windows", "ram_mb": 8192}
    ecg = ConfigurationItem.objects.get(serial_number="SN-ECG-0002")
    assert ecg.patient_safety_critical and ecg.holds_health_data
    assert ecg.attributes == {"device_class": "IIb"}
    created = AuditEvent.objects.get(object_type="cmdb.configurationitem", object_id=str(pc.pk))
    assert created.action == "create" and created.source == "import"
    assert created.actor_id == admin_user.pk and created.establishment_id == ght.a.pk


def test_reimport_is_unchanged_and_silent_then_a_changed_cell_updates(ght, admin_user):
    run(FILE, admin_user, valid_only=True)
    events = AuditEvent.objects.count()
    again = run(FILE, admin_user, valid_only=True)
    assert again.counts["unchanged"] == 2 and again.counts["create"] == 0
    assert AuditEvent.objects.count() == events

    changed = FILE.replace(b"EliteDesk", b"EliteDesk G9").replace(b";8192;", b";16384;")
    result = run(changed, admin_user, valid_only=True)
    assert result.counts["update"] == 1 and result.counts["unchanged"] == 1
    pc = ConfigurationItem.objects.get(asset_tag="INV-0002")
    assert pc.model == "EliteDesk G9" and pc.attributes["ram_mb"] == 16384
    update = AuditEvent.objects.get(
        object_type="cmdb.configurationitem", object_id=str(pc.pk), action="update"
    )
    assert set(update.changes) == {"model", "attributes"}
    assert update.source == "import" and AuditEvent.objects.count() == events + 1


def test_natural_keys_in_order(ght, admin_user, cmdb):
    """UUID first, then asset tag, serial (+ manufacturer), hostname within
    the establishment; a row with none is found by type and name."""
    cmdb.server.uuid = "aaaa-1111"
    cmdb.server.save()
    data = csv_bytes(
        "UUID;Hostname;Establishment;Notes;Serial number;Manufacturer;Name;Type",
        # The UUID wins over a hostname naming another item.
        f"AAAA-1111;pc-rea-01;{A};by uuid;;;;",
        f";;{A};by serial;SN-ECG-0001;Philips;;",
        f";PC-URG-01;{B};by hostname in B;;;;",
        f";;{A};by name;;;DPI;Application",
    )
    outcome = run(data, admin_user)
    assert outcome.counts["update"] == 4, outcome.errors
    notes = {
        item.pk: item.notes
        for item in ConfigurationItem.objects.filter(
            pk__in=[cmdb.server.pk, cmdb.ecg.pk, cmdb.workstation_b.pk, cmdb.ehr.pk]
        )
    }
    assert notes == {
        cmdb.server.pk: "by uuid",
        cmdb.ecg.pk: "by serial",
        cmdb.workstation_b.pk: "by hostname in B",
        cmdb.ehr.pk: "by name",
    }
    # A serial with another manufacturer is another device: created.
    other = csv_bytes("Serial number;Manufacturer;Name;Type", "SN-ECG-0001;GE;ECG GE;Other")
    assert run(other, admin_user).counts["create"] == 1


def test_row_errors_name_row_column_and_cause(ght, admin_user, cmdb):
    data = csv_bytes(
        "Name;Type;Establishment;Room code;Asset tag;Network role;attributes.ram_mb;Criticality",
        f"sw-1;Spaceship;{A};;T1;;;",
        f"sw-2;Network device;{A};;T2;core-ish;;",
        f"sw-3;Network device;{A};999;T3;core;;",
        f"sw-4;Network device;{A};;T3;core;;",
        f"sw-5;Network device;{A};;T5;core;2048;",
        f"sw-6;Network device;{A};;T6;core;;extreme",
        f"sw-7;Network device;{B};;T7;core;;",
    )
    outcome = run(data, admin_user, dry_run=True)
    errors = errors_by_row(outcome)
    assert errors[2] == [
        (
            "Type",
            "“Spaceship” is not one of: workstation, printer, server, cluster, "
            "network_device, application, database, phone, medical_device, other.",
        )
    ]
    assert errors[3] == [
        (
            "Network role",
            "“core-ish” is not one of: core, distribution, access, wifi, firewall, router.",
        )
    ]
    assert errors[4] == [("Room code", "No room with code 999 there in this establishment.")]
    assert errors[5] == [("Asset tag", "Same value as row 4: each item once per file.")]
    assert errors[6] == [("attributes.ram_mb", "Not an attribute of this type of item.")]
    assert errors[7] == [("Criticality", "“extreme” is not one of: 1, 2, 3, 4.")]
    assert 8 not in errors  # the administrator sees the whole GHT
    assert outcome.counts["create"] == 1


def test_scope_a_user_of_a_cannot_touch_b(ght, make_user, cmdb):
    engineer = make_user("support_engineer", establishments=[ght.a])
    data = csv_bytes(
        "Name;Type;Establishment;Hostname;UUID",
        f"pc-b;Workstation;{B};pc-b;",
        "pc-shared;Workstation;;pc-shared;",
        f"pc-a;Workstation;{A};pc-a;",
    )
    outcome = run(data, engineer, dry_run=True)
    errors = errors_by_row(outcome)
    assert errors[2] == [("Establishment", "Establishment outside your scope.")]
    assert errors[3][0][0] == "Establishment" and "whole GHT" in errors[3][0][1]
    assert 4 not in errors
    # B's workstation is not found by hostname (out of sight) and cannot be
    # taken over by its UUID (unique across the GHT).
    cmdb.workstation_b.uuid = "bbbb-2222"
    cmdb.workstation_b.save()
    takeover = csv_bytes("UUID;Name;Type;Establishment", f"BBBB-2222;mine;Workstation;{A}")
    assert errors_by_row(run(takeover, engineer, dry_run=True)) == {
        2: [("UUID", "This item belongs to an establishment outside your scope.")]
    }


def test_all_or_nothing_unless_valid_rows_only(ght, admin_user):
    items = ConfigurationItem.objects.count()
    strict = run(FILE, admin_user)  # row 4 lacks the server kind
    assert not strict.committed and strict.counts["error"] == 1
    assert strict.message == "Nothing was saved: 1 row has errors."
    assert ConfigurationItem.objects.count() == items
    lenient = run(FILE, admin_user, valid_only=True)
    assert lenient.committed and ConfigurationItem.objects.count() == items + 2
    assert not ConfigurationItem.objects.filter(hostname="srv-lab-01").exists()


def test_xlsx_with_dates_numbers_and_booleans(ght, admin_user):
    import datetime as dt

    book = Workbook()
    sheet = book.active
    sheet.append(
        ["Name", "Type", "Establishment", "Asset tag", "Warranty end", "Colour", "Printer kind"]
    )
    sheet.append(
        ["IMP-REA-02", "Printer", 750712184, 12345, dt.datetime(2027, 1, 31), "oui", "Laser"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    outcome = run(buffer.getvalue(), admin_user, name="printers.xlsx")
    assert outcome.committed and outcome.counts["create"] == 1, outcome.errors
    printer = ConfigurationItem.objects.get(asset_tag="12345")
    assert printer.establishment == ght.a and str(printer.warranty_end) == "2027-01-31"
    assert printer.attributes == {"color": True, "printer_kind": "laser"}


def test_a_file_without_any_known_column_is_refused(ght, admin_user):
    with pytest.raises(ImportFileError, match="Missing column"):
        ItemImporter(admin_user, ["Colour of the sky", "Mood"])
