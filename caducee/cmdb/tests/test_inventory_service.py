"""Applying agents' inventories to the CMDB: create, update without
duplicates, matching order, software diff, type rules and scoping."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from caducee.cmdb.inventory import Interface, SoftwareEntry, parse_message
from caducee.cmdb.inventory.classify import classify
from caducee.cmdb.models import ConfigurationItem, InstalledSoftware, NetworkInterface, Software
from caducee.cmdb.services.inventory import apply_inventory, resolve_establishment
from caducee.cmdb.types import CIType
from caducee.core import roles
from caducee.core.models import AuditEvent
from caducee.core.services.errors import DomainError, PermissionDenied

DATA = Path(__file__).parent / "data"


def windows_inventory():
    return parse_message((DATA / "fusioninventory-windows-workstation.xml").read_bytes()).inventory


def linux_inventory():
    return parse_message((DATA / "glpi-agent-linux-vm.json").read_bytes()).inventory


@pytest.fixture
def agent_a(make_user, ght):
    return make_user(roles.SUPPORT_ENGINEER, establishments=[ght.a], username="agent-a")


@pytest.fixture
def agent_b(make_user, ght):
    return make_user(roles.SUPPORT_ENGINEER, establishments=[ght.b], username="agent-b")


def summary(item) -> dict:
    event = (
        AuditEvent.objects.filter(
            event="cmdb.inventory", object_type="cmdb.configurationitem", object_id=str(item.pk)
        )
        .order_by("-seq")
        .first()
    )
    return event.data


def test_new_workstation_is_created_with_hardware_os_and_software(ght, agent_a):
    inv = windows_inventory()
    item, created = apply_inventory(inv, actor=agent_a, establishment=ght.a)
    item.refresh_from_db()
    assert created
    assert item.ci_type == CIType.WORKSTATION
    assert (item.name, item.hostname, item.establishment) == ("pc-rea-07", "pc-rea-07", ght.a)
    assert (item.manufacturer, item.model, item.serial_number) == (
        "Dell Inc.",
        "OptiPlex 7090",
        "7GQ2XH3",
    )
    assert item.uuid == "4c4c4544-0047-5110-8032-b7c04f584833"
    assert (item.ip_address, item.mac_address) == ("10.12.40.57", "b0:7b:25:1a:2c:3d")
    assert item.attributes == {
        "os_family": "windows",
        "os_name": "Microsoft Windows 10 Entreprise",
        "os_version": "22H2",
        "cpu": "Intel(R) Core(TM) i5-10505 CPU @ 3.20GHz",
        "ram_mb": 16126,
        "form_factor": "desktop",
    }
    assert item.inventory_agent == "PC-REA-07-2023-09-04-10-45-12"
    assert item.last_inventory_at is not None
    assert item.interfaces.count() == 3
    assert item.interfaces.filter(is_virtual=True).get().name.startswith("Cisco AnyConnect")
    assert item.installed_software.count() == 8
    firefox = item.installed_software.get(software__name="Mozilla Firefox ESR (x64 fr)")
    assert (firefox.version, firefox.software.publisher) == ("115.8.0", "Mozilla")
    # Audited as the agent's work: the item's creation and one summary event.
    creation = AuditEvent.objects.get(
        object_type="cmdb.configurationitem",
        object_id=str(item.pk),
        action=AuditEvent.Action.CREATE,
    )
    assert (creation.actor_id, creation.source) == (agent_a.pk, "inventory")
    data = summary(item)
    assert data["deviceid"] == "PC-REA-07-2023-09-04-10-45-12"
    assert data["created"] is True
    assert data["software"]["added"] == 8 and data["software"]["removed"] == 0
    assert data["interfaces"] == {"count": 3, "changed": True}


def test_running_again_updates_the_same_item_without_noise(ght, agent_a):
    first, _ = apply_inventory(windows_inventory(), actor=agent_a, establishment=ght.a)
    events_before = AuditEvent.objects.count()
    second, created = apply_inventory(windows_inventory(), actor=agent_a, establishment=ght.a)
    assert not created and second.pk == first.pk
    assert ConfigurationItem.objects.filter(hostname="pc-rea-07").count() == 1
    assert InstalledSoftware.objects.filter(item=first).count() == 8
    # Nothing changed: no item update event, only the inventory summary.
    new_events = list(AuditEvent.objects.order_by("seq")[events_before:])
    assert [e.event for e in new_events] == ["cmdb.inventory"]
    data = new_events[0].data
    assert data["matched_by"] == "uuid"
    assert (
        data["software"]["added"],
        data["software"]["removed"],
        data["software"]["changed"],
    ) == (
        0,
        0,
        0,
    )
    assert data["interfaces"]["changed"] is False


def test_software_diff_adds_removes_and_upgrades(ght, agent_a):
    inv = windows_inventory()
    item, _ = apply_inventory(inv, actor=agent_a, establishment=ght.a)
    kept = [s for s in inv.software if not s.name.startswith(("Adobe", "Mozilla"))]
    inv.software = [
        *kept,
        SoftwareEntry("Mozilla Firefox ESR (x64 fr)", "Mozilla", "128.3.1"),
        SoftwareEntry("Hopital Manager", "Softway Medical", "2024.1"),
    ]
    apply_inventory(inv, actor=agent_a, establishment=ght.a)
    versions = dict(item.installed_software.values_list("software__name", "version"))
    assert versions["Mozilla Firefox ESR (x64 fr)"] == "128.3.1"
    assert versions["Hopital Manager"] == "2024.1"
    assert "Adobe Acrobat Reader" not in versions
    assert len(versions) == 8
    software = summary(item)["software"]
    assert (software["added"], software["removed"], software["changed"]) == (1, 1, 1)
    assert software["added_names"] == ["Hopital Manager"]
    assert software["removed_names"] == ["Adobe Acrobat Reader"]
    assert software["changed_names"] == ["Mozilla Firefox ESR (x64 fr)"]
    # The software title is shared, not duplicated, and survives its removal.
    assert Software.objects.filter(name="Adobe Acrobat Reader").count() == 1


def test_matched_by_serial_before_mac(ght, cmdb, agent_a):
    inv = dataclasses.replace(
        windows_inventory(),
        uuid="",
        serial="SN-PC-0001",  # cmdb.workstation's serial
        interfaces=[Interface("eth0", "00:1a:2b:3c:4d:99", "10.0.0.9", "", False)],
    )
    NetworkInterface.objects.create(item=cmdb.printer, name="eth0", mac_address="00:1a:2b:3c:4d:99")
    item, created = apply_inventory(inv, actor=agent_a, establishment=ght.a)
    assert not created and item.pk == cmdb.workstation.pk
    assert summary(item)["matched_by"] == "serial"
    item.refresh_from_db()
    # The name followed the hostname (it was the hostname); person-given fields stay.
    assert (item.name, item.hostname) == ("pc-rea-07", "pc-rea-07")
    assert item.assigned_to == ght.nurse_a and item.attributes["usage"] == "shared"


def test_matched_by_mac_when_the_serial_is_a_placeholder(ght, cmdb, agent_a):
    inv = parse_message(
        (DATA / "fusioninventory-windows-workstation.xml")
        .read_bytes()
        .replace(b"<SSN>7GQ2XH3</SSN>", b"<SSN>To be filled by O.E.M.</SSN>")
        .replace(b"<UUID>4C4C4544-0047-5110-8032-B7C04F584833</UUID>", b"")
        .replace(b"B0:7B:25:1A:2C:3D", b"00:1A:2B:3C:4D:01")  # cmdb.workstation's MAC
    ).inventory
    assert inv.serial == ""
    item, created = apply_inventory(inv, actor=agent_a, establishment=ght.a)
    assert not created and item.pk == cmdb.workstation.pk
    assert summary(item)["matched_by"] == "mac"
    assert item.serial_number == "SN-PC-0001"  # a placeholder never overwrites a serial


def test_matched_by_hostname_only_within_the_establishment(ght, cmdb, agent_a, make_user):
    bare = dataclasses.replace(
        windows_inventory(), uuid="", serial="", interfaces=[], hostname="pc-urg-01"
    )
    # pc-urg-01 exists in B only: an agent of A creates its own pc-urg-01.
    item, created = apply_inventory(bare, actor=agent_a, establishment=ght.a)
    assert created and item.establishment == ght.a and item.pk != cmdb.workstation_b.pk
    again = dataclasses.replace(bare, deviceid="other-device")
    same, created = apply_inventory(again, actor=agent_a, establishment=ght.a)
    assert not created and same.pk == item.pk
    assert summary(same)["matched_by"] == "hostname"


def test_a_renamed_item_keeps_its_name(ght, agent_a, admin_user):
    item, _ = apply_inventory(windows_inventory(), actor=agent_a, establishment=ght.a)
    item.name = "Poste soins réa 7"
    item.save()
    apply_inventory(windows_inventory(), actor=agent_a, establishment=ght.a)
    item.refresh_from_db()
    assert (item.name, item.hostname) == ("Poste soins réa 7", "pc-rea-07")


def test_linux_vm_becomes_a_virtual_server(ght, agent_a):
    item, created = apply_inventory(linux_inventory(), actor=agent_a, establishment=ght.a)
    assert created and item.ci_type == CIType.SERVER
    assert item.attributes["server_kind"] == "virtual"
    assert item.attributes["cpu_cores"] == 8 and item.attributes["os_family"] == "linux"
    assert item.ip_address == "10.20.5.42"
    assert item.installed_software.filter(software__name="postgresql-server").exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {
                "os_name": "Microsoft Windows Server 2019 Standard",
                "chassis_type": "Rack Mount Chassis",
                "vm_system": "Physical",
                "os_kernel": "mswin32",
            },
            (CIType.SERVER, "physical"),
        ),
        (
            {
                "os_name": "Debian GNU/Linux 12",
                "chassis_type": "Rack Mount Chassis",
                "vm_system": "Physical",
                "os_kernel": "linux",
            },
            (CIType.SERVER, "physical"),
        ),
        (
            {
                "os_name": "Microsoft Windows 11 Entreprise",
                "vm_system": "VMware",
                "os_kernel": "mswin32",
                "chassis_type": "Other",
            },
            (CIType.WORKSTATION, None),
        ),
        (
            {
                "os_name": "Ubuntu 22.04.4 LTS",
                "chassis_type": "Notebook",
                "vm_system": "Physical",
                "os_kernel": "linux",
            },
            (CIType.WORKSTATION, None),
        ),
        (
            {
                "os_name": "Debian GNU/Linux 12",
                "chassis_type": "",
                "vm_system": "Docker",
                "os_kernel": "linux",
            },
            (CIType.SERVER, "virtual"),
        ),
        (
            {
                "os_name": "VMware ESXi 7.0.3",
                "chassis_type": "",
                "vm_system": "Physical",
                "os_kernel": "vmkernel",
            },
            (CIType.SERVER, "physical"),
        ),
    ],
)
def test_type_rule(changes, expected):
    assert classify(dataclasses.replace(windows_inventory(), **changes)) == expected


def test_token_of_one_establishment_cannot_write_into_another(ght, cmdb, agent_b):
    inv = dataclasses.replace(windows_inventory(), uuid="", serial="SN-PC-0001")
    before = ConfigurationItem.objects.count(), AuditEvent.objects.count()
    with pytest.raises(PermissionDenied, match="outside this token's scope"):
        apply_inventory(inv, actor=agent_b, establishment=ght.b)
    with pytest.raises(PermissionDenied):
        resolve_establishment(agent_b, requested="750712184")
    assert (ConfigurationItem.objects.count(), AuditEvent.objects.count()) == before
    cmdb.workstation.refresh_from_db()
    assert cmdb.workstation.hostname == "pc-rea-01"


def test_establishment_rule(ght, agent_a, make_user):
    assert resolve_establishment(agent_a) == ght.a
    assert resolve_establishment(agent_a, tag="bloc-operatoire") == ght.a  # not an establishment
    assert resolve_establishment(agent_a, tag="ch valmont") == ght.a
    with pytest.raises(DomainError, match="No establishment"):
        resolve_establishment(agent_a, requested="999999999")
    whole = make_user(roles.SUPPORT_ENGINEER, whole_ght=True)
    assert resolve_establishment(whole) is None
    assert resolve_establishment(whole, tag="330781196") == ght.b
    assert resolve_establishment(whole, requested="CH 3R", tag="750712184") == ght.b
    with pytest.raises(DomainError, match="Cannot tell which establishment"):
        apply_inventory(windows_inventory(), actor=whole, establishment=None)
    assert not ConfigurationItem.objects.filter(hostname="pc-rea-07").exists()


def test_user_without_add_permission_is_refused(ght, make_user):
    desk = make_user(roles.DESK_AGENT, establishments=[ght.a])
    with pytest.raises(PermissionDenied):
        apply_inventory(windows_inventory(), actor=desk, establishment=ght.a)


def test_hundreds_of_packages_in_few_queries(ght, agent_a, django_assert_max_num_queries):
    inv = linux_inventory()
    inv.software = [
        SoftwareEntry(f"lib-package-{n:03d}", "Red Hat, Inc.", f"1.{n}.0") for n in range(400)
    ]
    with django_assert_max_num_queries(45):
        item, _ = apply_inventory(inv, actor=agent_a, establishment=ght.a)
    assert item.installed_software.count() == 400
    inv.software = [
        *(s for s in inv.software[50:]),
        *(dataclasses.replace(s, version="2.0") for s in inv.software[:25]),
    ]
    with django_assert_max_num_queries(45):
        apply_inventory(inv, actor=agent_a, establishment=ght.a)
    software = summary(item)["software"]
    assert (software["total"], software["added"], software["removed"], software["changed"]) == (
        375,
        0,
        25,
        25,
    )
