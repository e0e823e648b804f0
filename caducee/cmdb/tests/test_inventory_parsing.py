"""Reading agents' payloads: FusionInventory XML, GLPI Agent JSON, compression
and the hostile inputs a public endpoint receives (no database needed)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import zlib
from pathlib import Path

import pytest

from caducee.cmdb.inventory import (
    Compression,
    MessageFormat,
    MessageKind,
    PayloadError,
    PayloadTooLarge,
    compress,
    decompress,
    detect,
    parse_message,
)
from caducee.cmdb.inventory.model import clean_mac, clean_serial, clean_uuid

DATA = Path(__file__).parent / "data"
WINDOWS_XML = (DATA / "fusioninventory-windows-workstation.xml").read_bytes()
LINUX_JSON = (DATA / "glpi-agent-linux-vm.json").read_bytes()


def test_fusioninventory_windows_workstation():
    message = parse_message(WINDOWS_XML)
    inv = message.inventory
    assert (message.kind, message.format) == (MessageKind.INVENTORY, MessageFormat.XML)
    assert message.deviceid == "PC-REA-07-2023-09-04-10-45-12"
    assert message.tag == "750712184"
    assert inv.hostname == "pc-rea-07"
    assert inv.fqdn == "pc-rea-07.valmont.local"
    assert inv.serial == "7GQ2XH3"
    assert inv.uuid == "4c4c4544-0047-5110-8032-b7c04f584833"
    assert (inv.manufacturer, inv.model, inv.chassis_type) == (
        "Dell Inc.",
        "OptiPlex 7090",
        "Mini Tower",
    )
    assert not inv.is_virtual
    assert inv.os_name == "Microsoft Windows 10 Entreprise"
    assert (inv.os_version, inv.os_kernel) == ("22H2", "mswin32")
    assert inv.cpu.startswith("Intel(R) Core(TM) i5-10505")
    assert (inv.cpu_cores, inv.ram_mb) == (6, 16126)
    assert inv.ip_address == "10.12.40.57"
    assert inv.primary_mac == "b0:7b:25:1a:2c:3d"
    assert inv.hardware_macs == ["b0:7b:25:1a:2c:3d"]  # the VPN adapter is virtual
    assert inv.agent_version == "FusionInventory-Agent_v2.6"
    assert len(inv.interfaces) == 3
    by_name = {s.name: s for s in inv.software}
    assert len(by_name) == 8
    firefox = by_name["Mozilla Firefox ESR (x64 fr)"]
    assert (firefox.publisher, firefox.version) == ("Mozilla", "115.8.0")
    assert firefox.install_date == dt.date(2023, 9, 4)  # Windows writes DD/MM/YYYY


def test_glpi_agent_json_linux_vm():
    message = parse_message(LINUX_JSON)
    inv = message.inventory
    assert (message.kind, message.format) == (MessageKind.INVENTORY, MessageFormat.JSON)
    assert inv.hostname == "srv-pacs-02"
    assert inv.serial.startswith("VMware-42 1e")  # a VM's serial is a real identifier
    assert inv.uuid == "421e6a1c-9b73-5d2f-8a61-0c3e4f5b6c7d"
    assert inv.is_virtual and inv.vm_system == "VMware"
    assert inv.os_name == "Red Hat Enterprise Linux 9.3 (Plow)"
    assert inv.cpu_cores == 8  # two sockets of four
    assert inv.ip_address is None and inv.primary_ip == "10.20.5.42"
    assert inv.hardware_macs == ["00:50:56:9e:1a:2b"]  # not docker0 nor lo
    assert {s.name for s in inv.software} >= {"bash", "postgresql-server", "glpi-agent"}
    assert next(s for s in inv.software if s.name == "bash").install_date == dt.date(2024, 2, 11)


def test_prolog_and_contact_messages():
    prolog = parse_message(
        b"<?xml version='1.0' encoding='UTF-8'?><REQUEST><DEVICEID>pc-01-2024-01-01-00-00-00"
        b"</DEVICEID><QUERY>PROLOG</QUERY><TOKEN>12345678</TOKEN></REQUEST>"
    )
    assert (prolog.kind, prolog.deviceid) == (MessageKind.PROLOG, "pc-01-2024-01-01-00-00-00")
    contact = parse_message(
        json.dumps(
            {
                "action": "contact",
                "deviceid": "pc-02",
                "name": "GLPI-Agent",
                "version": "1.7",
                "installed-tasks": ["inventory", "deploy", "collect"],
                "tag": "CH Valmont",
            }
        ).encode()
    )
    assert contact.kind is MessageKind.CONTACT
    assert (contact.agent, contact.tag) == ("GLPI-Agent 1.7", "CH Valmont")
    assert contact.tasks == ["inventory", "deploy", "collect"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("To be filled by O.E.M.", ""),
        ("To Be Filled By O.E.M.", ""),
        ("Default string", ""),
        ("0", ""),
        ("00000000", ""),
        ("System Serial Number", ""),
        ("  ", ""),
        ("VMware-56 4d 1a", "VMware-56 4d 1a"),
        ("7GQ2XH3", "7GQ2XH3"),
    ],
)
def test_placeholder_serials_are_dropped(value, expected):
    assert clean_serial(value) == expected


def test_placeholder_uuids_and_macs_are_dropped():
    assert clean_uuid("00000000-0000-0000-0000-000000000000") == ""
    assert clean_uuid("03000200-0400-0500-0006-000700080009") == ""
    assert clean_uuid("not a uuid") == ""
    assert (
        clean_uuid("4C4C4544-0047-5110-8032-B7C04F584833") == "4c4c4544-0047-5110-8032-b7c04f584833"
    )
    assert clean_mac("00:00:00:00:00:00") == ""
    assert clean_mac("B0-7B-25-1A-2C-3D") == "b0:7b:25:1a:2c:3d"
    assert clean_mac("b07b.251a.2c3d") == "b0:7b:25:1a:2c:3d"
    assert clean_mac("zz") == ""


@pytest.mark.parametrize(
    ("packer", "kind"),
    [
        (zlib.compress, Compression.ZLIB),
        (gzip.compress, Compression.GZIP),
        (bytes, Compression.NONE),
    ],
)
def test_compression_is_detected_by_magic_bytes(packer, kind):
    packed = packer(WINDOWS_XML)
    assert detect(packed) is kind
    body, found = decompress(packed, limit=10_000_000)
    assert (body, found) == (WINDOWS_XML, kind)
    assert decompress(compress(b"<REPLY/>", kind), limit=100)[0] == b"<REPLY/>"


def test_zlib_bomb_is_stopped_at_the_limit():
    bomb = zlib.compress(b"\0" * 50_000_000, 9)  # ≈ 50 kB that inflate to 50 MB
    assert len(bomb) < 100_000
    with pytest.raises(PayloadTooLarge):
        decompress(bomb, limit=1_000_000)


def test_plain_payload_over_the_limit():
    with pytest.raises(PayloadTooLarge):
        decompress(b"<" + b"x" * 200, limit=100)


@pytest.mark.parametrize(
    "payload",
    [
        zlib.compress(WINDOWS_XML)[:-20],  # truncated stream
        zlib.compress(WINDOWS_XML)[:2] + b"garbage" * 20,  # zlib header then nonsense
        gzip.compress(LINUX_JSON, mtime=0)[:40],
    ],
    ids=["truncated-zlib", "zlib-garbage", "truncated-gzip"],
)
def test_corrupt_compression_is_a_payload_error(payload):
    with pytest.raises(PayloadError) as caught:
        decompress(payload, limit=10_000_000)
    assert not isinstance(caught.value, PayloadTooLarge)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "neither"),
        (b"hello", "neither"),
        (b"<REQUEST><QUERY>PROLOG</QUERY>", "Malformed XML"),
        (b"<REQUEST><QUERY>PROLOG</QUERY></REQUEST>", "DEVICEID"),
        (b"<REQUEST><DEVICEID>d</DEVICEID><QUERY>SNMPQUERY</QUERY></REQUEST>", "Unknown QUERY"),
        (b"<REQUEST><DEVICEID>d</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>", "CONTENT"),
        (b"<OTHER/>", "REQUEST"),
        (b"{not json", "Malformed JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"content": {"hardware": {}}}', "deviceid"),
        (b'{"deviceid": "d", "action": "netdiscovery"}', "Unsupported action"),
        (b'{"deviceid": "d", "itemtype": "Printer", "content": {"a": 1}}', "itemtype"),
        (b'{"deviceid": "d", "content": []}', "content"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON"),
    ],
)
def test_malformed_messages_are_named(payload, message):
    with pytest.raises(PayloadError) as caught:
        parse_message(payload)
    assert message in caught.value.message


def test_xml_entities_and_dtds_are_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<REQUEST><DEVICEID>&lol2;</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>"
    )
    external = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<REQUEST><DEVICEID>&x;</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>"
    )
    undeclared = b"<REQUEST><DEVICEID>&x;</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>"
    for payload in (laughs, external):
        with pytest.raises(PayloadError, match="document type declarations"):
            parse_message(payload)
    with pytest.raises(PayloadError, match="Malformed XML"):
        parse_message(undeclared)


def test_deep_xml_nesting_is_refused():
    with pytest.raises(PayloadError, match="nested too deeply"):
        parse_message(b"<REQUEST>" + b"<A>" * 5000 + b"</A>" * 5000 + b"</REQUEST>")


def test_odd_but_valid_values_do_not_break_the_parser():
    document = {
        "deviceid": "odd",
        "content": {
            "hardware": {"name": 12345, "memory": "lots", "uuid": ["x"]},
            "bios": [{"ssn": None}],
            "cpus": {"name": "one cpu as an object", "core": "2"},
            "networks": [{"mac": 5, "ipaddress": "999.1.1.1"}, "junk", {"description": "x"}],
            "softwares": [{"name": ""}, {"name": "a", "install_date": "31/02/2024"}, 7],
            "accountinfo": [{"keyname": "TAG", "keyvalue": 42}],
        },
    }
    inv = parse_message(json.dumps(document).encode()).inventory
    assert inv.hostname == "12345"
    assert inv.ram_mb is None and inv.uuid == "" and inv.serial == ""
    assert (inv.cpu, inv.cpu_cores) == ("one cpu as an object", 2)
    assert inv.interfaces == []
    assert [(s.name, s.install_date) for s in inv.software] == [("a", None)]
    assert inv.tag == "42"
